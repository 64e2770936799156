"""tf.contrib.util.constant_value (TF 1.15's tensor_util.constant_value) against TF's."""

import pytest
from oracle import run_here

# TF 2 has no tf.contrib: the oracle side takes the function contrib re-exported
CODE = """
x = tf.placeholder(tf.float32, [1, 8, 8, 3])
y = tf.placeholder(tf.float32, [None, 8, 8, 3])
c = tf.constant([[1, 2], [3, 4]])
vals = [cu.constant_value(t) for t in (tf.shape(x), tf.shape(y), c, tf.identity(c), x + 1.0)]
result = [None if v is None else [v.tolist(), str(v.dtype)] for v in vals]
"""


@pytest.mark.oracle
def test_contrib_util_constant_value_matches_tf(oracle):
    here = run_here("from scopeflow.contrib import util as cu\n" + CODE)
    there = oracle("from tensorflow.python.framework import tensor_util as cu\n" + CODE)
    assert here == there
    vals = here["ok"]
    assert vals[0] == [[1, 8, 8, 3], "int32"] and vals[1] is None and vals[4] is None


def test_contrib_util_is_tf_contrib_util():
    import scopeflow.compat.v1 as tf
    from scopeflow.contrib import util
    assert tf.contrib.util is util
    assert util.constant_value(tf.constant(2.5)) == 2.5
