"""tf.TensorArray: TF's ops, names, shapes, values and run-time errors (TensorArrayV3, ...)."""

import pytest

from array_oracle import check_graph, check_values
from oracle import run_here

GRAPHS = [
    "ta = tf.TensorArray(tf.int32, size=4).unstack([10, 20, 30, 40]); g = ta.gather([3, 0]); "
    "tb = tf.TensorArray(tf.int32, size=3).scatter([2, 0, 1], tf.constant([[1, 1], [2, 2], "
    "[3, 3]])); s = tb.stack(); r = tb.read(1); result = [g.name, s.name, r.name]",
    "ta = tf.TensorArray(tf.float32, size=3, element_shape=[2]); w = ta.write(0, [1., 2.]); "
    "r = w.read(0); s = w.size(); c = w.concat(); cl = w.close(); "
    "sp = tf.TensorArray(tf.float32, size=2).split([1., 2., 3., 4.], [2, 2]); "
    "result = [r.name, s.name, c.name, sp.flow.name, w.flow.name, w.handle.name]",
    "ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, 1.0); s = ta.stack(); "
    "result = [s.name, ta.element_shape.as_list()]",
    # in a while loop: the flow is a loop variable, the handle enters as a constant
    "n = tf.constant(5); ta = tf.TensorArray(tf.int32, size=n)\n"
    "def body(i, t):\n    return i + 1, t.write(i, i * i)\n"
    "_, out = tf.while_loop(lambda i, t: i < n, body, [0, ta]); s = out.stack(); "
    "result = [s.name, s.shape.as_list()]",
    # errors at graph time
    "ta = tf.TensorArray(tf.float32, size=2).write(0, 1)",
    "ta = tf.TensorArray(tf.float32, size=2, element_shape=[2]).write(0, [1., 2., 3.])",
    "ta = tf.TensorArray(tf.float32, handle=tf.constant(1))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


# (TF clears an element when it is read unless clear_after_read=False: a second read is an
# error, so arrays read twice here keep their elements)
VALUES = [
    "ta = tf.TensorArray(tf.int32, size=4, clear_after_read=False).unstack([10, 20, 30, 40]); "
    "fetch = [ta.gather([3, 0]), ta.read(2), ta.stack(), ta.size()]",
    "ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False).write(0, [1., 2.]); "
    "fetch = [ta.stack(), ta.concat(), ta.read(1), ta.flow]",
    "ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).split([1., 2., 3., 4.], "
    "[2, 2]); "
    "fetch = [ta.stack(), ta.concat()]",
    "ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, 1.0); "
    "fetch = [ta.stack(), ta.size()]",
    "n = tf.constant(5); ta = tf.TensorArray(tf.int32, size=n)\n"
    "def body(i, t):\n    return i + 1, t.write(i, i * i)\n"
    "_, out = tf.while_loop(lambda i, t: i < n, body, [0, ta]); fetch = out.stack()",
    # first written inside the loop, element shape from the placeholder's batch
    "x = tf.placeholder(tf.float32, [None, 3]); ta = tf.TensorArray(tf.float32, size=3)\n"
    "def body(i, t):\n    return i + 1, t.write(i, x[:, i] * 2.)\n"
    "_, out = tf.while_loop(lambda i, t: i < 3, body, [0, ta]); fetch = out.stack(); "
    "feed = {x: [[1., 2., 3.], [4., 5., 6.]]}",
    # through a cond, written in one branch only
    "p = tf.placeholder(tf.bool, []); ta = tf.TensorArray(tf.float32, size=2)\n"
    "ta = tf.cond(p, lambda: ta.write(0, 3.), lambda: ta.identity()); fetch = ta.stack(); "
    "feed = {p: True}",
    # gradients through writes and reads
    "x = tf.placeholder(tf.float32, [3]); ta = tf.TensorArray(tf.float32, size=3).unstack(x)\n"
    "def body(i, acc):\n    return i + 1, acc + ta.read(i) ** 2\n"
    "y = tf.while_loop(lambda i, a: i < 3, body, [0, 0.])[1]; fetch = tf.gradients(y, x); "
    "feed = {x: [1., 2., 3.]}",
    # made inside a loop body or a cond branch: a new array (and read mask) each time
    "x = tf.constant([[1., 2.], [3., 4.]])\n"
    "def body(i, acc):\n"
    "    t = tf.TensorArray(tf.float32, size=2).unstack(x[0] * tf.cast(i + 1, tf.float32))\n"
    "    return i + 1, acc + t.read(0) * t.read(1)\n"
    "fetch = tf.while_loop(lambda i, a: i < 3, body, [0, 0.])[1]",
    "p = tf.placeholder(tf.bool, [])\n"
    "fetch = tf.cond(p, lambda: tf.TensorArray(tf.float32, size=2).unstack([1., 2.]).read(1), "
    "lambda: tf.constant(0.)); feed = {p: True}",
    # an array read in a while loop inside tf.map_fn
    "x = tf.placeholder(tf.float32, [2, 3])\n"
    "def f(r):\n    ta = tf.TensorArray(tf.float32, size=3).unstack(r)\n"
    "    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a + ta.read(i) ** 2), "
    "[0, 0.])[1]\n"
    "y = tf.map_fn(f, x); fetch = y; "
    "feed = {x: [[1., 2., 3.], [4., 5., 6.]]}",
    # over a fed tensor with no rows: the arrays are empty, the loop bodies never run
    "x = tf.placeholder(tf.float32, [None, 3])\n"
    "fetch = [tf.map_fn(lambda r: tf.check_numerics(tf.log(r), 'bad'), x), "
    "tf.scan(lambda a, r: a * 0.5 + tf.sin(r), x, initializer=tf.zeros([3])), "
    "tf.foldl(lambda a, r: a + tf.reduce_max(r), x, initializer=0.), "
    "tf.foldr(lambda a, r: a * 0.5 + tf.reduce_min(r), x, initializer=0.)]; "
    "feed = {x: np.zeros((0, 3), np.float32)}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


ERRORS = [
    ("ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(0, 2.0)",
     "Could not write to TensorArray index 0 because it has already been written to."),
    ("ta = tf.TensorArray(tf.float32, size=3).write(5, 1.0)",
     "Tried to write to index 5 but array is not resizeable and size is: 3"),
]


@pytest.mark.parametrize("code, message", ERRORS)
def test_run_time_errors(code, message):
    out = run_here(
        "%s\ntry:\n    tf.Session().run(ta.stack())\nexcept tf.errors.InvalidArgumentError as e:"
        "\n    result = str(e)\n" % code)
    assert message in out["ok"], out
