"""slim.losses (tf_slim.losses) against real tf_slim: names, the LOSSES collection, values."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = "slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
SETUP = SLIM + """labels = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
preds = tf.constant([[0.3, 0.9, -0.2], [0.8, 0.1, 0.4]])
ids = tf.constant([1, 0])
w = tf.constant([[1.0, 0.0, 2.0], [0.5, 0.0, 1.0]])
wcol = tf.constant([[1.0], [0.0]])
wrow = tf.constant([0.0, 2.0])
"""

LOSSES = [
    "slim.losses.mean_squared_error(preds, labels)",
    "slim.losses.mean_squared_error(preds, labels, weights=w)",
    "slim.losses.mean_squared_error(preds, labels, weights=2.0)",
    "slim.losses.mean_squared_error(preds, labels, weights=0.0)",
    "slim.losses.absolute_difference(preds, labels, weights=wcol)",
    "slim.losses.absolute_difference(preds, labels, weights=wrow, scope='ad')",
    "slim.losses.log_loss(tf.sigmoid(preds), labels)",
    "slim.losses.hinge_loss(preds, labels)",
    "slim.losses.cosine_distance(tf.nn.l2_normalize(preds, 1), tf.nn.l2_normalize(labels, 1), "
    "axis=1)",
    "slim.losses.cosine_distance(preds, labels, dim=1, weights=wrow)",
    "slim.losses.sigmoid_cross_entropy(preds, labels, label_smoothing=0.1)",
    "slim.losses.softmax_cross_entropy(preds, labels)",
    "slim.losses.softmax_cross_entropy(preds, labels, weights=wrow, label_smoothing=0.2)",
    "slim.losses.sparse_softmax_cross_entropy(preds, ids)",
    "slim.losses.sparse_softmax_cross_entropy(preds, tf.expand_dims(ids, 1), weights=wrow)",
    "slim.losses.mean_pairwise_squared_error(preds, labels)",
    "slim.losses.mean_pairwise_squared_error(preds, labels, weights=wrow)",
    "slim.losses.compute_weighted_loss(preds, weights=w)",
    "slim.losses.compute_weighted_loss(preds, weights=wcol)",
    "slim.losses.compute_weighted_loss(tf.cast(preds, tf.float64), weights=wrow)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("loss", LOSSES)
def test_loss_matches_tf_slim(oracle, loss):
    code = SETUP + """loss = %s
with tf.Session() as s:
    result = [loss.name, loss.dtype.name, loss.shape.as_list(),
              [t.name for t in slim.losses.get_losses()], s.run(loss)]""" % loss
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    SETUP + """l1 = slim.losses.mean_squared_error(preds, labels)
slim.losses.add_loss(tf.constant(2.0, name="extra"))
slim.losses.add_loss(tf.constant(3.0, name="other"), loss_collection="mine")
w1 = tf.get_variable("w1", [2], initializer=tf.ones_initializer(),
                     regularizer=lambda v: tf.reduce_sum(v) * 0.1)
total = slim.losses.get_total_loss()
bare = slim.losses.get_total_loss(False, name="bare")
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [total.name, bare.name, [t.name for t in slim.losses.get_losses()],
              [t.name for t in slim.losses.get_losses(loss_collection="mine")],
              [t.name for t in slim.losses.get_regularization_losses()], s.run([total, bare])]""",
    SETUP + "slim.losses.cosine_distance(preds, labels)",
    SETUP + "slim.losses.mean_squared_error(preds, tf.ones([2, 2]))",
    SETUP + """x = tf.placeholder(tf.float32, [2, 3])
loss = slim.losses.softmax_cross_entropy(x * 2.0, labels, weights=wrow)
g = tf.gradients(loss, x)
with tf.Session() as s:
    result = s.run(g, {x: [[0.3, 0.9, -0.2], [0.8, 0.1, 0.4]]})""",
    SETUP + """with slim.arg_scope([slim.losses.add_loss], loss_collection="c"):
    slim.losses.add_loss(tf.constant(1.0, name="a"))
result = [t.name for t in tf.get_collection("c")]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
