"""tf.nn's losses (nn_losses.py) against TF where fed shapes are refused."""

import pytest
from oracle import fed_cases_match


@pytest.mark.oracle
def test_softmax_xent_of_shapes_that_do_not_broadcast_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, [None, None]); "
                    "out = tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, "
                    "logits=tf.ones([2, 3]))", [[[1.0, 0.0]], [[0.0, 1.0, 0.0]]])
