"""tf.switch_case: TF's StatelessCase op (traced branches), names and values."""

import pytest

from array_oracle import check_graph, check_values

GRAPHS = [
    "i = tf.placeholder(tf.int32, []); x = tf.constant(5); r = tf.switch_case(i, [lambda: "
    "tf.constant(10), lambda: x * 2], default=lambda: tf.constant(-1)); "
    "r2 = tf.switch_case(i, {0: lambda: (tf.constant(1.), tf.constant(2)), 1: lambda: "
    "(tf.constant(3.), tf.constant(4))}); result = [r.name, [t.name for t in r2]]",
    "r = tf.switch_case(tf.constant(0), {1: lambda: tf.constant(1)})",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "i = tf.placeholder(tf.int32, []); x = tf.constant(5.); fetch = [tf.switch_case(i, "
    "[lambda: x * 2., lambda: x - 1.], default=lambda: tf.constant(-1.)) for _ in range(1)]; "
    "feed = {i: %d}" % v for v in (0, 1, 7, -3)
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


ERRORS = r"""
def err(fn):
    try:
        fn()
        return "ok"
    except Exception as e:
        return [type(e).__name__, str(e)]
x = tf.constant([1.0, 2.0])
two = [lambda: x * 2.0, lambda: x + 10.0]
result = [err(lambda: tf.switch_case(tf.placeholder(dt, []), two))
          for dt in (tf.int64, tf.float32, tf.uint8)]
result += [err(lambda: tf.switch_case(1.5, two)), err(lambda: tf.switch_case(1, two)),
           err(lambda: tf.switch_case(tf.constant(0), [])),
           err(lambda: tf.switch_case(tf.constant(0), lambda: x)),
           err(lambda: tf.switch_case(tf.constant(0), [(0, two[0]), 3])),
           err(lambda: tf.switch_case(tf.constant(0), {0: two[0], 2: two[1]})),
           err(lambda: tf.switch_case(tf.constant(0), {1: two[0], 0: two[1]}))]
f = tf.function(lambda i: tf.switch_case(i, two, default=lambda: -x))
result += [err(lambda: f(tf.placeholder(tf.float32, [])).name)]
i = tf.placeholder(tf.int32, [])
y = f(i)
with tf.Session() as s:
    result += [s.run(y, {i: k}).tolist() for k in (0, 1, 2, -1)]
result += [[o.name, o.type] for o in tf.get_default_graph().get_operations()]
"""


@pytest.mark.oracle
def test_errors_and_function_mode_match_tf(oracle):
    """TF's checks of the index and the branches (class, wording, order), and switch_case in
    a tf.function: the same errors (a float index) and values."""
    from oracle import explain, run_here
    here, there = run_here(ERRORS), oracle(ERRORS)
    assert here == there, explain(ERRORS, here, there)
