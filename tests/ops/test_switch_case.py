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
