"""tf.gradients / tf.hessians against TensorFlow: names, shapes, None for unconnected, values."""

import numpy as np
import pytest
from approx import agree, explain
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import run_here
from scope_programs import check_tf

NAMES = '''
def names(fn, shapes, gate=False, **kw):
    xs = [tf.placeholder(tf.float32, s, name="x%d" % i) for i, s in enumerate(shapes)]
    z = fn(*xs)
    gs = tf.gradients(tf.reduce_sum(z), xs, gate_gradients=gate, **kw)
    return [None if g is None else [g.name, g.shape.as_list()] for g in gs]
'''

OPS = [
    ("lambda x, y: x + y", [[2, 3], [2, 3]]), ("lambda x, y: x + y", [[2, 3], [3]]),
    ("lambda x, y: x - y", [[2, 3], [2, 3]]), ("lambda x, y: x - y", [[2, 1], [1, 3]]),
    ("lambda x, y: x * y", [[2, 3], [2, 3]]), ("lambda x, y: x * y", [[None, 3], [3]]),
    ("lambda x, y: x / y", [[2, 3], [2, 3]]), ("tf.maximum", [[2, 3], [2, 3]]),
    ("tf.squared_difference", [[2, 3], [2, 3]]), ("tf.pow", [[2, 3], []]),
    ("tf.matmul", [[2, 3], [3, 4]]), ("lambda a, b: tf.matmul(a, b, transpose_b=True)",
                                      [[2, 3], [4, 3]]),
    ("lambda x, y: tf.concat([x, y], 0)", [[2, 3], [2, 3]]),
    ("lambda x, y: tf.add_n([x, y])", [[2, 3], [2, 3]]),
    ("lambda x: x * x", [[2]]), ("lambda x: tf.exp(x) + tf.sin(x)", [[2]]),
    ("lambda x: tf.reduce_mean(x)", [[2, 3]]), ("tf.square", [[2, 3]]), ("tf.tanh", [[2, 3]]),
    ("tf.sigmoid", [[2, 3]]), ("tf.exp", [[2]]), ("tf.log", [[2]]), ("tf.sqrt", [[2]]),
    ("lambda x: -x", [[2]]), ("lambda x: tf.reshape(x, [6])", [[2, 3]]), ("tf.identity", [[2]]),
    ("tf.transpose", [[2, 3]]), ("lambda x: x", [[2]]), ("tf.stop_gradient", [[2]]),
    ("tf.floor", [[2]]), ("lambda x: tf.cast(x, tf.int32)", [[2]]),
    ("lambda x: tf.cast(tf.argmax(x), tf.float32)", [[2, 3]]),
    ("lambda x: tf.cast(tf.shape(x), tf.float32)", [[2, 3]]),
    ("lambda x: x * tf.stop_gradient(x)", [[2]]),
    ("lambda x, y: x * 2.0", [[2], [2]]),
]


@pytest.mark.oracle
@pytest.mark.parametrize("gate", [False, True])
@pytest.mark.parametrize("fn,shapes", OPS)
def test_gradient_names_match_tf(oracle, fn, shapes, gate):
    code = NAMES + "result = names(%s, %r, gate=%r)" % (fn, shapes, gate)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    """x = tf.constant(3.0)
with tf.name_scope("loss"):
    g = tf.gradients(x * x, x)
result = [g[0].name, tf.gradients(x * x, x, name="mine")[0].name,
          tf.gradients(x * x, [x, tf.constant(1.0)])[1]]""",
    """x = tf.placeholder(tf.float32, [2]); z = tf.placeholder(tf.float32, [2])
g = tf.gradients(tf.reduce_sum(x * x), [x, z], unconnected_gradients="zero")
with tf.Session() as s:
    result = [[t.name for t in g], s.run(g, {x: [1.0, 2.0], z: [0.0, 0.0]})]""",
    """x = tf.placeholder(tf.float32, [2])
tf.gradients(x, x, unconnected_gradients="bogus")""",
    """x = tf.placeholder(tf.float32, [2])
tf.gradients([x, x], x, grad_ys=[1.0])""",
    """x = tf.placeholder(tf.float32, [2])
tf.gradients(tf.reduce_sum(x), x, grad_ys=[tf.constant(True)])""",
    # multiple ys are summed; grad_ys weight them
    """x = tf.constant(2.0)
g1 = tf.gradients([x * x, 3.0 * x], x)
g2 = tf.gradients([x * x, 3.0 * x], x, grad_ys=[2.0, tf.constant(-1.0)])
with tf.Session() as s:
    result = [g2[0].name, s.run(g1 + g2)]""",
    # gradients w.r.t. variables, intermediate tensors, and a variable and its downstream
    """w = tf.get_variable("w", initializer=[1.0, 2.0])
h = tf.tanh(w * 3.0)
y = tf.reduce_sum(h * h + w)
gw, gh = tf.gradients(y, [w, h])
gw2 = tf.gradients(y, w)[0]
gh2 = tf.gradients(y, h)[0]
with tf.Session() as s:
    s.run(w.initializer)
    result = [gw.name, gh.name, s.run([gw, gh, gw2, gh2])]""",
    """w = tf.Variable([1.0, 2.0], name="w")
loss = tf.reduce_sum(w * w * tf.constant([3.0, 4.0]))
gv = tf.gradients(loss, w)
gr = tf.gradients(loss, w.value())
with tf.Session() as s:
    s.run(w.initializer)
    result = [gv[0].name, gr[0].name, s.run(gv + gr)]""",
    # stop_gradients argument
    """a = tf.constant(0.0); b = 2 * a
g = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
g2 = tf.gradients(a + b, [a, b])
with tf.Session() as s:
    result = s.run(g + g2)""",
    # hessians
    """x = tf.placeholder(tf.float32, [3])
y = tf.reduce_sum(x * x * x) + tf.reduce_prod(x)
h = tf.hessians(y, x)
with tf.Session() as s:
    result = [h[0].name, h[0].shape.as_list(), s.run(h, {x: [1.0, 2.0, 3.0]})]""",
    """w = tf.get_variable("w", initializer=[[1.0, 2.0], [3.0, 0.5]])
y = tf.reduce_sum(tf.exp(w) * w)
h = tf.hessians(y, w)
with tf.Session() as s:
    s.run(w.initializer)
    result = [h[0].shape.as_list(), s.run(h)]""",
    # second derivative through tf.gradients twice
    """x = tf.constant([0.5, 1.5])
g = tf.gradients(tf.reduce_sum(tf.sin(x) * x), x)[0]
gg = tf.gradients(g, x)[0]
with tf.Session() as s:
    result = s.run([g, gg])""",
    # through nonlinearities and reductions, with feeds
    """x = tf.placeholder(tf.float32, [None, 3])
w = tf.constant([[1.0, -1.0], [0.5, 2.0], [-0.3, 0.1]])
y = tf.reduce_mean(tf.sigmoid(tf.matmul(x, w)) ** 2) + tf.reduce_max(x)
g = tf.gradients(y, [x, w])
with tf.Session() as s:
    result = s.run(g, {x: [[1.0, 2.0, 3.0], [0.1, -0.2, 0.3]]})""",
    # convolution and pooling (the tap-wise filter gradient; the tiled max-pool)
    """x = tf.constant(np.random.RandomState(0).randn(2, 6, 6, 8).astype(np.float32))
w = tf.constant(np.random.RandomState(1).randn(3, 3, 8, 4).astype(np.float32))
y = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")), [1, 2, 2, 1],
                   [1, 2, 2, 1], "SAME")
g = tf.gradients(tf.reduce_sum(tf.sin(y)), [x, w])
with tf.Session() as s:
    result = [[t.name for t in g], s.run(g)]""",
    # aggregation methods, dtypes, integer and unknown-shape xs, sparse rows, stop_gradient
    'x = tf.constant(2.0)\ntf.gradients(x * x, x, aggregation_method=7)',
    'x = tf.constant(2.0)\nresult = [t.name for t in tf.gradients(x * 3.0, x, aggregation_method=7)]',
    'x = tf.constant(2.0)\ng = tf.gradients(x * x, x, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)\nwith tf.Session() as s:\n    result = [g[0].name, s.run(g)]',
    'x = tf.constant([1.0, 2.0], dtype=tf.float64)\ng = tf.gradients(tf.reduce_sum(x * x), x)\nwith tf.Session() as s:\n    result = [g[0].dtype.name, s.run(g)]',
    'x = tf.constant([1, 2])\nresult = tf.gradients(tf.reduce_sum(x * x), x)',
    'x = tf.placeholder(tf.float32, [None, 2])\ng = tf.gradients(tf.reduce_sum(x * x), x)\nresult = [g[0].shape.as_list()]',
    'x = tf.Variable([1.0, 2.0])\ny = tf.identity(x)\nresult = [t.name for t in tf.gradients(y, [x, y])]',
    'a = tf.constant(1.0)\nb = tf.constant(2.0)\nresult = [t is None for t in tf.gradients([a * b], [a, b, tf.constant(3.0)])]',
    'x = tf.placeholder(tf.float32, [3])\ny = tf.reduce_sum(tf.gather(x, [0, 0, 2]))\ng = tf.gradients(y, x)\nwith tf.Session() as s:\n    result = [type(g[0]).__name__ == "IndexedSlices", s.run(tf.convert_to_tensor(g[0]), {x: [1.0, 2.0, 3.0]})]',
    'x = tf.placeholder(tf.float32, [2])\ny = x * 2.0\nz = tf.stop_gradient(y) + y\nresult = [t.name for t in tf.gradients(z, x)] + [t is None for t in tf.gradients(tf.stop_gradient(y), x)]',
    # an op upstream of another x, and x used twice
    """a = tf.placeholder(tf.float32, [2])
h = a * a
y = tf.reduce_sum(h * a)
g = tf.gradients(y, [a, h])
with tf.Session() as s:
    result = [[t.name for t in g], s.run(g, {a: [1.0, 3.0]})]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_stop_gradient_kernel_is_lax_stop_gradient(tf):
    x = tf.placeholder(tf.float32, [2])
    y = tf.reduce_sum(x * tf.stop_gradient(x * 3.0))
    g = tf.gradients(y, x)[0]
    with tf.Session() as s:
        assert np.allclose(s.run(g, {x: [1.0, 2.0]}), [3.0, 6.0])


def test_unconnected_is_none_and_only_grad_ys_added(tf):
    x = tf.placeholder(tf.float32, [2])
    z = tf.placeholder(tf.float32, [2])
    assert tf.gradients(tf.reduce_sum(x), z) == [None]
    # TF's op list: the default grad_ys are made before anything is known to connect
    assert [op.name for op in tf.get_default_graph().get_operations()] == [
        "Placeholder", "Placeholder_1", "Const", "Sum", "gradients/Shape",
        "gradients/grad_ys_0/Const", "gradients/grad_ys_0"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-2, 2), min_size=3, max_size=3),
       st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_gradient_of_quadratic_form(xs, ws):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [3])
    w = tf.constant(ws, tf.float32)
    y = tf.reduce_sum(w * x * x) + tf.reduce_sum(tf.tanh(x))
    g = tf.gradients(y, x)[0]
    with tf.Session() as s:
        got = s.run(g, {x: xs})
    xa, wa = np.float32(xs), np.float32(ws)
    want = 2 * wa * xa + (1 - np.tanh(xa) ** 2)
    assert np.allclose(got, want, atol=1e-5)


# Python gradient functions: RegisterGradient + gradient_override_map, and tf.custom_gradient
_VARIABLES_PROGRAM = """w = tf.Variable(2.0, name="w")
b = tf.Variable([1.0, 1.0], name="b")
@tf.custom_gradient
def f(x):
    def grad(dy, variables=None):
        return dy * 10.0, %s
    return x * w + b, grad
x = tf.constant([3.0, 4.0])
y = f(x)
g = tf.gradients(tf.reduce_sum(y), [x, w, b])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [s.run(y).tolist()] + [s.run(t).tolist() for t in g]"""

CUSTOM_PROGRAMS = [
    # variables read inside @tf.custom_gradient: grad_fn(variables=...) and TF's checks
    """w = tf.Variable(2.0, name="w")
@tf.custom_gradient
def f(x):
    return x * w, lambda dy: dy * 10.0
x = tf.constant(3.0)
y = f(x)
g = tf.gradients(y, [x, w])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [s.run(y), s.run(g[0]), None if g[1] is None else s.run(g[1])]""",
    _VARIABLES_PROGRAM % "[tf.reduce_sum(dy) * 7.0, tf.ones([2]) * 3.0]",  # wrong order
    _VARIABLES_PROGRAM % "[tf.ones([2]) * 3.0, tf.reduce_sum(dy) * 7.0]",  # by name: b, w
    # a registered Python gradient through gradient_override_map; straight-through "Identity"
    """g = tf.get_default_graph()
@tf.RegisterGradient("FlipGradOracle")
def _flip(op, grad):
    return [tf.negative(grad) * 2.0]
x = tf.constant([1.0, 2.0], name="x")
w = tf.Variable([3.0, 4.0], name="w")
with g.gradient_override_map({"Identity": "FlipGradOracle"}):
    y = tf.identity(x * w, name="flip")
with g.gradient_override_map({"Round": "Identity"}):
    r = tf.round(w * 0.3, name="r")
loss = tf.reduce_sum(y * y) + tf.reduce_sum(r * x)
gx, gw = tf.gradients(loss, [x, w])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    vals = sess.run([loss, gx, gw])
result = [[v.tolist() for v in vals], y.op.get_attr("_gradient_op_type"),
          r.op.get_attr("_gradient_op_type"),
          [o.name for o in g.get_operations() if o.name.startswith("gradients/flip_grad")]]""",
    # tf.custom_gradient: several inputs and outputs, nested structure, used twice
    """@tf.custom_gradient
def scaled(a, b):
    def grad(da, db):
        return 3.0 * da + db, -db
    return (a * b, a + b), grad
a = tf.constant([1.0, -2.0])
b = tf.placeholder(tf.float32, [2])
p, s = scaled(a, b)
q, _ = scaled(p, a)
loss = tf.reduce_sum(p * s) + tf.reduce_sum(q)
grads = tf.gradients(loss, [a, b])
with tf.Session() as sess:
    vals = sess.run([loss] + grads, {b: [0.5, 4.0]})
result = [[v.tolist() for v in vals], p.name, s.name, q.name, p.op.type,
          p.op.get_attr("_gradient_op_type").decode().startswith("CustomGradient-")]""",
    # tf.custom_gradient on a method: self is bound first, not an input of the gradient
    """class Model:
    def __init__(self, k):
        self.k = k
    @tf.custom_gradient
    def multiply(self, x1, x2):
        return x1 * x2 * self.k, lambda dy: (dy * x1, dy * x2 * self.k)
x1 = tf.constant(3.0)
x2 = tf.constant(5.0)
m = Model(2.0)
y = m.multiply(x1, x2)
g = tf.gradients(y, [x1, x2])
with tf.Session() as sess:
    result = [sess.run(y), sess.run(g), Model.multiply.__name__]""",
    # a custom gradient feeding an optimizer
    """@tf.custom_gradient
def clip_grad(v):
    return tf.square(v), lambda dy: tf.clip_by_value(dy, -0.5, 0.5)
w = tf.Variable([3.0, -4.0], name="w")
train = tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduce_sum(clip_grad(w) * 3.0))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train)
    result = sess.run(w).tolist()""",
    # errors
    """g = tf.get_default_graph()
x = tf.constant(2.0)
with g.gradient_override_map({"Square": "NoSuchGradient"}):
    y = tf.square(x)
tf.gradients(y, x)""",
    """g = tf.get_default_graph()
@tf.RegisterGradient("TwoGradsOracle")
def _two(op, grad):
    return [grad, grad]
x = tf.constant(2.0)
with g.gradient_override_map({"Identity": "TwoGradsOracle"}):
    y = tf.identity(x)
tf.gradients(y, x)""",
    """import re
@tf.custom_gradient
def bad(a, b):
    return a * b, lambda dy: dy
unused = tf.gradients(bad(tf.constant(1.0), tf.constant(2.0)), tf.constant(3.0))
x = tf.constant(1.0)
try:
    tf.gradients(bad(x, x), x)
except ValueError as e:  # the registered name holds a process-wide counter
    result = [unused, re.sub(r"CustomGradient-[0-9]+", "CustomGradient-N", str(e))]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CUSTOM_PROGRAMS)
def test_python_gradient_functions_match_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_submodules_import_beside_the_top_level_name():
    """`import scopeflow as tf` binds tf.gradients to the package scopeflow.gradients, made
    callable: its submodules import by their dotted path and tf.gradients still builds."""
    import inspect
    import subprocess
    import sys
    code = ("import scopeflow.gradients.symbolic as S, scopeflow as tf, inspect\n"
            "x = tf.constant(3.0)\n"
            "print(S.__name__, tf.gradients(x * x, x)[0].name,"
            " list(inspect.signature(tf.gradients).parameters)[:2])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:2] == ["scopeflow.gradients.symbolic", "gradients/AddN:0"]
    assert "".join(out[2:]) == "['ys','xs']"
    from scopeflow.compat import v1
    assert inspect.isfunction(v1.gradients)
