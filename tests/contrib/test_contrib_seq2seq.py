"""tf.contrib.seq2seq.sequence_loss (scopeflow/contrib/seq2seq.py) against TF.

TF 2.21 has no contrib, so on the TF side the snippet defines TF 1.15's sequence_loss from the
public ops it was made of; graphs (op names and types) and values must agree. Its argument
checks (TF 1.15's, absent from TF 2.21) are tested here alone."""

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, run_here

CODE = ORACLE_HELPERS + r"""
import numpy as np
if hasattr(tf, "contrib"):
    sequence_loss = tf.contrib.seq2seq.sequence_loss
else:
    def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                      average_across_batch=True, sum_over_timesteps=False,
                      sum_over_batch=False, softmax_loss_function=None, name=None):
        with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
            num_classes = tf.shape(logits)[2]
            logits_flat = tf.reshape(logits, [-1, num_classes])
            targets = tf.reshape(targets, [-1])
            if softmax_loss_function is None:
                crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=targets, logits=logits_flat)
            else:
                crossent = softmax_loss_function(labels=targets, logits=logits_flat)
            crossent *= tf.reshape(weights, [-1])
            if average_across_timesteps and average_across_batch:
                crossent = tf.reduce_sum(crossent)
                crossent = tf.div_no_nan(crossent, tf.reduce_sum(weights))
            elif sum_over_timesteps and sum_over_batch:
                crossent = tf.reduce_sum(crossent)
                count = tf.cast(tf.count_nonzero(weights), crossent.dtype)
                crossent = tf.div_no_nan(crossent, count)
            else:
                crossent = tf.reshape(crossent, tf.shape(logits)[0:2])
                if average_across_timesteps or average_across_batch:
                    axis = [0] if average_across_batch else [1]
                    crossent = tf.reduce_sum(crossent, axis=axis)
                    crossent = tf.div_no_nan(crossent, tf.reduce_sum(weights, axis=axis))
                elif sum_over_timesteps or sum_over_batch:
                    axis = [0] if sum_over_batch else [1]
                    crossent = tf.reduce_sum(crossent, axis=axis)
                    count = tf.cast(tf.count_nonzero(weights, axis=axis), dtype=crossent.dtype)
                    crossent = tf.div_no_nan(crossent, count)
        return crossent

logits = tf.placeholder(tf.float32, [None, None, 5], name="logits")
targets = tf.placeholder(tf.int32, [None, None], name="targets")
weights = tf.placeholder(tf.float32, [None, None], name="weights")
feed = {logits: np.sin(np.arange(2 * 3 * 5)).reshape(2, 3, 5) * 3,
        targets: [[0, 4, 2], [1, 1, 3]], weights: [[1, 1, 0], [1, 0, 0]]}
outs = []
for flags in [(True, True, False, False), (False, False, True, True), (True, False, False, False),
              (False, True, False, False), (False, False, True, False),
              (False, False, False, True), (False, False, False, False),
              (True, False, False, True), (False, True, True, False)]:
    outs.append(sequence_loss(logits, targets, weights, *flags))
softmax = lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits_v2(
    labels=tf.one_hot(labels, 5), logits=logits)
outs.append(sequence_loss(logits, targets, weights, softmax_loss_function=softmax, name="own"))
outs.append(sequence_loss(logits, targets, tf.zeros_like(weights)))
loss = outs[0]
grad, = tf.gradients(loss, logits)
with tf.Session() as sess:
    vals = sess.run(outs + [grad], feed)
result = {"names": [o.name for o in outs], "shapes": [str(o.shape) for o in outs],
          "graph": graph(),
          "vals": [np.round(np.asarray(v, np.float64), 5).tolist() for v in vals]}
"""


@pytest.mark.oracle
def test_sequence_loss_matches_tf(oracle):
    here, there = run_here(CODE), oracle(CODE)
    assert "ok" in here and "ok" in there, (here, there)
    for key in ("names", "shapes", "graph"):
        assert here["ok"][key] == there["ok"][key], key
    for mine, theirs in zip(here["ok"]["vals"], there["ok"]["vals"], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shapes, kw, message", [
    (([2, 5], [2, 3], [2, 3]), {}, "Logits must be a [batch_size x sequence_length x logits] tensor"),
    (([2, 3, 5], [2], [2, 3]), {}, "Targets must be a [batch_size x sequence_length] tensor"),
    (([2, 3, 5], [2, 3], [2]), {}, "Weights must be a [batch_size x sequence_length] tensor"),
    (([2, 3, 5], [2, 3], [2, 3]), {"sum_over_timesteps": True},
     "average_across_timesteps and sum_over_timesteps cannot be set to True at same time."),
    (([2, 3, 5], [2, 3], [2, 3]), {"sum_over_batch": True},
     "average_across_batch and sum_over_batch cannot be set to True at same time."),
])
def test_sequence_loss_checks_its_arguments(tf, shapes, kw, message):
    logits, targets, weights = shapes
    with pytest.raises(ValueError) as e:
        tf.contrib.seq2seq.sequence_loss(tf.zeros(logits), tf.zeros(targets, tf.int32),
                                         tf.zeros(weights), **kw)
    assert str(e.value) == message
    assert tf.get_default_graph().get_operations()[-1].type == "Const"  # nothing built after
