"""tf.gradients through a cond or a loop whose branch or body holds an op without a gradient
(tf.unique): TF's LookupError when the gradient graph is built, as TF's walk meets it."""

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "y = tf.cond(tf.constant(True), lambda: tf.reduce_sum(tf.unique(w)[0] * 2.),"
     " lambda: tf.reduce_sum(w))\n"
     "result = err(lambda: tf.gradients(y, [w]))"),
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "def body(i, a):\n"
     "    return i + 1, a + tf.reduce_sum(tf.unique(w * tf.cast(i, tf.float32))[0])\n"
     "_, y = tf.while_loop(lambda i, a: i < 2, body, [0, 0.])\n"
     "result = err(lambda: tf.gradients(y, [w]))"),
    # the unique's indices only (not on the gradient's path): no error
    ("w = tf.Variable([1., 2., 2., 3.])\n"
     "y = tf.cond(tf.constant(True), lambda: tf.reduce_sum(w * tf.cast(tf.size(tf.unique("
     "tf.constant([1, 1]))[0]), tf.float32)), lambda: tf.reduce_sum(w))\n"
     "result = [err(lambda: tf.gradients(y, [w]))]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_no_gradient_inside_a_construct_is_tfs_lookup_error(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)


# tf.gradients called inside a cond branch or a loop body about values from outside it (TF's
# testCondGrad_3 / testCallGradInLoop): the ops read those values through the branch's Switch
# or the body's Enter. The gradient went through them with no value (a KeyError from the
# lowering) or stopped there (None: a resize_bilinear of a captured placeholder).
INSIDE = [
    ("c = tf.placeholder(tf.int32, [])\nox = tf.constant(10.0)\ny = 7.0 * ox\n"
     "r = tf.cond(c < 2, lambda: tf.gradients(y * y, [ox])[0], lambda: ox * 3.0)\n"
     "with tf.Session() as s:\n    result = [s.run(r, {c: 1}), s.run(r, {c: 3})]"),
    ("x = tf.placeholder(tf.float32, [1, 5, 7, 2])\np = tf.placeholder(tf.bool, [])\n"
     "def branch():\n"
     "    y = tf.image.resize_bilinear(x, [9, 4], align_corners=True)\n"
     "    return tf.gradients(tf.reduce_sum(tf.square(y) * 1.5), x)[0]\n"
     "g = tf.cond(p, branch, lambda: tf.zeros_like(x))\n"
     "with tf.Session() as s:\n"
     "    result = np.round(s.run(g, {x: np.cos(np.arange(70.)).reshape(1, 5, 7, 2), p: True}),"
     " 4).tolist()"),
    ("params = tf.constant(5.0)\nparams_1 = tf.square(params)\n"
     "def b(i, x):\n"
     "    data = tf.constant([1.0, 2.0, 3.0]) * params_1\n"
     "    return i + 1, x + tf.gradients(data, params)[0]\n"
     "out = tf.while_loop(lambda i, _: i < 10, b, [0, 0.0])\n"
     "with tf.Session() as s:\n    result = s.run(out)[1]"),
    ("x = tf.placeholder(tf.float32, None)\n"
     "def b1(n):\n"
     "    r = tf.while_loop(lambda n: n < 10.0, lambda n: n + x, [n],"
     " [tf.TensorShape(None)])\n"
     "    return tf.gradients(r, x)\n"
     "r = tf.while_loop(lambda n: n < 6.0, b1, [tf.constant(1.0)], [tf.TensorShape(None)])\n"
     "with tf.Session() as s:\n    result = s.run(r, {x: 1.0})"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", INSIDE)
def test_gradient_inside_a_construct_of_outside_values_as_tf(oracle, code):
    code = ORACLE_HELPERS + "import numpy as np\n" + code
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, (str(here)[:800], str(there)[:800])


# ... and through a loop variable of the loop it is called in, to the variable's initial
# value: TF's ValueError (scopeflow returned None)
INITIAL_VALUE = """
x = tf.placeholder(tf.float32, shape=(), name="x")
y = x + 1
def body(i, v):
    return i + 1, tf.gradients(v * 2, x)[0]
result = err(lambda: tf.while_loop(lambda i, v: i < 3, body, [0, y]))
"""


@pytest.mark.oracle
def test_gradient_inside_a_loop_through_its_initial_value_is_tfs_error(oracle):
    code = ORACLE_HELPERS + INITIAL_VALUE
    here, there = run_here(code), oracle(code)
    assert there["ok"][0] == "ValueError" and here == there, (here, there)


# a y of an integer or quantized dtype still starts with ones, as in TF: made by an op TF has
# no gradient for, it is TF's LookupError (QuantizeV2's quint8 output gave [None]); made by one
# with a gradient (Cast) or none by design (ArgMax), no gradient flows
UNTRAINABLE_YS = ORACLE_HELPERS + """
x = tf.placeholder(tf.float32, [4])
q = tf.quantization.quantize(x, -1., 1., tf.quint8)
result = [err(lambda: tf.gradients(q.output, x)), err(lambda: tf.gradients(q.output_min, x)),
          err(lambda: tf.gradients(tf.unique(x)[1], x)),
          err(lambda: tf.gradients(tf.setdiff1d(x, [1.])[1], x)),
          str(tf.gradients(tf.argmax(x), x)), str(tf.gradients(tf.cast(x, tf.int32), x)),
          err(lambda: tf.gradients(q.output, x, stop_gradients=[x]))]
"""


def test_gradients_of_untrainable_ys_as_tf(oracle):
    here, there = run_here(UNTRAINABLE_YS), oracle(UNTRAINABLE_YS)
    assert "ok" in there, there
    assert here == there
