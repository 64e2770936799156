"""tf.losses against TensorFlow: graph op names, the LOSSES collection, values, errors."""

import pytest

from approx import agree, explain
from oracle import run_here

LOSSES = [
    "tf.losses.mean_squared_error(labels, preds)",
    "tf.losses.mean_squared_error(labels, preds, weights=w)",
    "tf.losses.mean_squared_error(labels, preds, weights=2.0, reduction=tf.losses.Reduction.SUM)",
    "tf.losses.mean_squared_error(labels, preds, weights=w, reduction='weighted_mean')",
    "tf.losses.mean_squared_error(labels, preds, reduction=tf.losses.Reduction.NONE)",
    "tf.losses.mean_squared_error(labels, preds, reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)",
    "tf.losses.absolute_difference(labels, preds, weights=wcol)",
    "tf.losses.huber_loss(labels, preds * 3.0, delta=0.5)",
    "tf.losses.log_loss(labels, tf.sigmoid(preds))",
    "tf.losses.hinge_loss(labels, preds)",
    "tf.losses.cosine_distance(tf.nn.l2_normalize(labels, 1), tf.nn.l2_normalize(preds, 1), axis=1)",
    "tf.losses.sigmoid_cross_entropy(labels, preds, label_smoothing=0.1)",
    "tf.losses.softmax_cross_entropy(labels, preds)",
    "tf.losses.softmax_cross_entropy(labels, preds, weights=wrow, label_smoothing=0.2)",
    "tf.losses.sparse_softmax_cross_entropy(ids, preds)",
    "tf.losses.sparse_softmax_cross_entropy(ids, preds, weights=wrow)",
    "tf.losses.sparse_softmax_cross_entropy(tf.expand_dims(ids, 1), preds, scope='xe')",
    "tf.losses.mean_pairwise_squared_error(labels, preds)",
    "tf.losses.compute_weighted_loss(preds, weights=w)",
]

SETUP = """labels = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
preds = tf.constant([[0.3, 0.9, -0.2], [0.8, 0.1, 0.4]])
ids = tf.constant([1, 0])
w = tf.constant([[1.0, 0.0, 2.0], [0.5, 0.0, 1.0]])
wcol = tf.constant([[1.0], [0.0]])
wrow = tf.constant([0.0, 2.0])
"""


@pytest.mark.oracle
@pytest.mark.parametrize("loss", LOSSES)
def test_loss_matches_tf(oracle, loss):
    code = SETUP + """loss = %s
ops = [o.name for o in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    result = [loss.name, loss.shape.as_list(), [t.name for t in tf.losses.get_losses()],
              s.run(loss), ops[-6:]]""" % loss
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    SETUP + """l1 = tf.losses.mean_squared_error(labels, preds)
l2 = tf.losses.absolute_difference(labels, preds, loss_collection=None)
tf.losses.add_loss(tf.constant(2.0, name="extra"))
w1 = tf.get_variable("w1", [2], initializer=tf.ones_initializer(),
                     regularizer=lambda v: tf.reduce_sum(v) * 0.1)
total = tf.losses.get_total_loss()
reg = tf.losses.get_regularization_loss()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [total.name, reg.name, [t.name for t in tf.losses.get_losses()],
              [t.name for t in tf.losses.get_regularization_losses()], s.run([total, reg])]""",
    "result = [tf.losses.get_regularization_loss().name, tf.losses.get_losses()]",
    "tf.losses.get_total_loss()",
    SETUP + "tf.losses.mean_squared_error(labels, preds, reduction='bogus')",
    SETUP + "tf.losses.mean_squared_error(labels, preds, weights=tf.ones([3, 2]))",
    SETUP + "tf.losses.mean_squared_error(labels, preds, weights=tf.ones([2]))",
    SETUP + "tf.losses.mean_squared_error(None, preds)",
    SETUP + "tf.losses.cosine_distance(labels, preds)",
    SETUP + "tf.losses.mean_squared_error(labels, tf.ones([2, 2]))",
    "result = [tf.losses.Reduction.all(), tf.losses.Reduction.SUM_OVER_NONZERO_WEIGHTS]",
    # gradients flow through the losses
    SETUP + """x = tf.placeholder(tf.float32, [2, 3])
loss = tf.losses.softmax_cross_entropy(labels, x * 2.0, weights=wrow)
g = tf.gradients(loss, x)
with tf.Session() as s:
    result = s.run(g, {x: [[0.3, 0.9, -0.2], [0.8, 0.1, 0.4]]})""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
