"""tf_slim.layers.sparse_ops and tf_slim.losses.metric_learning against TF: op names, values."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here, same

SLIM = ("if hasattr(tf, 'contrib'):\n  slim = tf.contrib.slim\n"
        "  from scopeflow.slim.layers import sparse_ops\n"
        "  from scopeflow.slim.losses import metric_learning\n"
        "else:\n  from tensorflow.python.framework import ops\n  ops.Tensor = tf.Tensor\n"
        "  from tf_slim.layers import sparse_ops\n"
        "  from tf_slim.losses import metric_learning\n")
PROGRAMS = [
    ("d = sparse_ops.dense_to_sparse_tensor(tf.constant([[0, 3], [4, 0]]))\n"
     "i = sparse_ops.indicators_to_sparse_ids(tf.constant([[[0, 1, 1], [1, 0, 0]]]))\n"
     "e = sparse_ops.sparse_row_envelope(tf.SparseTensor([[0, 0], [2, 0], [2, 1]], [1, 2, 3],"
     " [3, 3]))\n"
     "with tf.Session() as s:\n  out = s.run([d, i, e])\n"
     "result = [graph(), [list(v) for v in out[0]], [list(v) for v in out[1]], out[2]]"),
    ("x = tf.constant(np.cos(np.arange(24.0) * 0.7).reshape(6, 4).astype(np.float32))\n"
     "y = tf.constant([0, 1, 0, 2, 1, 0])\n"
     "losses = [metric_learning.triplet_semihard_loss(y, x, margin=0.5),\n"
     "          metric_learning.lifted_struct_loss(y, x, margin=0.8),\n"
     "          metric_learning.npairs_loss(y, x, x[::-1]),\n"
     "          metric_learning.contrastive_loss(tf.constant([1, 0, 1, 0, 0, 1]), x, x[::-1])]\n"
     "with tf.Session() as s:\n  result = [l.name for l in losses] + s.run(losses)"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_sparse_ops_and_metric_learning_match_tf(oracle, code):
    code = ORACLE_HELPERS + SLIM + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
