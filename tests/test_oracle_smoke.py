"""The oracle harness itself: TF and scopeflow agree on a few basic names."""

import pytest

from oracle import explain, run_here, same

PROGRAMS = [
    "x = tf.placeholder(tf.float32, [2, 3]); result = [(x + 1.0).name, tf.add(x, 2.0).name]",
    "with tf.name_scope('a'):\n  c = tf.constant(1)\nresult = [c.name, tf.identity(c).name]",
    "result = tf.add(tf.constant([1., 2.]), tf.constant(1))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
