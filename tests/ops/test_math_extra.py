"""AddN (math_extra.py) against TF where fed shapes differ."""

import pytest
from oracle import fed_cases_match


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
