"""tf.nn's losses (nn_losses.py) against TF where fed shapes are refused."""

import pytest
from oracle import fed_cases_match, unknown_rank_matches


@pytest.mark.oracle
def test_softmax_xent_of_shapes_that_do_not_broadcast_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, [None, None]); "
                    "out = tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, "
                    "logits=tf.ones([2, 3]))", [[[1.0, 0.0]], [[0.0, 1.0, 0.0]]])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=p)',
    'tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=p)',
])
def test_unknown_rank_fed_sparse_xent_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
