"""AddN (math_extra.py) against TF where fed shapes differ."""

import pytest
from oracle import fed_cases_match, unknown_rank_matches


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "p = tf.placeholder(tf.float32, [None]); out = tf.add_n([tf.ones([2]), p])",
    "p = tf.placeholder(tf.float32, [None]); out = tf.add_n([tf.ones([2]), p, p], "
    "name='total')",
    "p = tf.placeholder(tf.float32, [None]); out = tf.accumulate_n([tf.ones([2]), p], "
    "shape=[2])",
])
def test_add_n_of_other_shapes_fails_as_tf(oracle, code):
    fed_cases_match(oracle, code, [[1.0, 2.0, 3.0], [1.0, 2.0]])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)

@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.nn.top_k(p, 3).values',
    'tf.nn.top_k(p, 0).values',
    'tf.nn.in_top_k(p, [0, 1], 1)',
])
def test_unknown_rank_fed_top_k_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
