"""Which fetches follow the fed batch row by row (lowering/rows.py): axes, exactness, refusals."""

import numpy as np
import pytest

import scopeflow.compat.v1 as tf
from scopeflow.lowering.lower import Program
from scopeflow.lowering.rows import analyse, analyse_why


def _rows(fetches, fed):
    return analyse_why(Program(tf.get_default_graph(), fetches, [], fed))


def _cnn(x):
    h = tf.reshape(x, [-1, 8, 8, 1])
    h = tf.nn.conv2d(h, tf.ones([3, 3, 1, 4]), [1, 1, 1, 1], "SAME")
    h = tf.nn.max_pool(tf.nn.relu(tf.nn.bias_add(h, tf.ones([4]))), [1, 2, 2, 1], [1, 2, 2, 1],
                       "SAME")
    return tf.matmul(tf.layers.flatten(h), tf.ones([64, 10]))


def test_elementwise_ops_moves_and_lookups_are_exact():
    x = tf.placeholder(tf.float32, [None, 3])
    ids = tf.placeholder(tf.int32, [None])
    emb = tf.gather(tf.ones([5, 3]), ids)  # (batch, 3)
    y = tf.concat([tf.tanh(x) * 2.0 + emb, tf.one_hot(ids, 2)], 1)  # (batch, 5)
    z = tf.transpose(tf.expand_dims(y, 0), [1, 0, 2])[:, 0, 1:]  # (batch, 4)
    rows, why = _rows([y, tf.reduce_max(z, 1), tf.argmax(y, 1), tf.constant(2.0)], [x, ids])
    assert why == ""
    assert rows.axes == (0, 0, 0, None) and rows.exact and rows.feeds == (0, 1)


def test_a_cnn_follows_its_rows_through_sized_ops():
    x = tf.placeholder(tf.float32, [None, 64])
    logits = _cnn(x)
    rows = analyse(Program(tf.get_default_graph(), [logits, tf.nn.softmax(logits)], [], [x]))
    assert rows.axes == (0, 0) and not rows.exact


@pytest.mark.parametrize("make, reason", [
    (lambda x: tf.reduce_mean(x), "reduces over the batch"),
    (lambda x: tf.reduce_sum(x, 0), "reduces over the batch"),
    (lambda x: tf.shape(x), "no row rule"),
    (lambda x: tf.split(x, [1, 3])[0], "splits the batch"),
    (lambda x: tf.split(x, 2)[0] + tf.split(x, 4)[0], "inputs from batches of other sizes"),
    (lambda x: x + tf.concat([x, x], 0), "inputs from batches of other sizes"),
    (lambda x: tf.reshape(x, [2, -1]), "does not keep the rows"),
    (lambda x: x[1:], "slices the batch"),
    (lambda x: tf.concat([x, tf.ones([2, 4])], 0), "an input without the batch"),
    (lambda x: tf.nn.softmax(tf.transpose(x)), "normalizes along the batch"),
    (lambda x: x + tf.ones([4, 4]), "an unbatched operand spans the batch axis"),
    (lambda x: tf.squeeze(x), "squeezes the batch axis"),
    (lambda x: tf.nn.dropout(x, rate=0.5), "no row rule"),
    (lambda x: tf.layers.batch_normalization(x, training=True), "reduces over the batch"),
])
def test_ops_that_mix_rows_rule_the_run_out(make, reason):
    x = tf.placeholder(tf.float32, [None, 4])
    rows, why = _rows([make(x)], [x])
    assert rows is None and reason in why


def test_a_training_step_mixes_rows():
    x = tf.placeholder(tf.float32, [None, 4])
    loss = tf.reduce_mean(tf.square(tf.layers.dense(x, 1)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    rows, why = analyse_why(Program(tf.get_default_graph(), [loss], [train], [x]))
    assert rows is None and why


def test_a_fed_batch_of_known_size_is_no_batch():
    x = tf.placeholder(tf.float32, [4, 3])
    rows, why = _rows([x * 2.0], [x])
    assert rows is None and why == "no fed None batch dimension"


def test_a_fed_shape_operand_is_not_a_constant():
    x = tf.placeholder(tf.float32, [None, 4])
    shape = tf.constant([-1, 2, 2])
    y = tf.reshape(x, shape)
    assert _rows([y], [x])[0].axes == (0,)
    rows, why = _rows([y], [x, shape])  # its value comes from the feed, unknown when analysed
    assert rows is None and "is not a constant" in why


def test_fetched_values_keep_the_batch_axis_where_it_moves():
    x = tf.placeholder(tf.float32, [None, 3])
    moved = tf.transpose(tf.stack([x, x], 0), [2, 0, 1])  # (3, 2, batch)
    rows = analyse(Program(tf.get_default_graph(), [moved], [], [x]))
    assert rows.axes == (2,)
    with tf.Session() as s:
        assert s.run(moved, {x: np.ones([5, 3])}).shape == (3, 2, 5)


def test_batch_norm_at_inference_is_elementwise_and_in_training_mixes_rows():
    x = tf.placeholder(tf.float32, [None, 2, 2, 3])
    ones, zeros = tf.ones([3]), tf.zeros([3])
    infer = tf.nn.fused_batch_norm(x, ones, zeros, zeros, ones, is_training=False)
    rows = analyse(Program(tf.get_default_graph(), [infer[0], infer[1]], [], [x]))
    assert rows.axes == (0, None) and rows.exact
    train = tf.nn.fused_batch_norm(x, ones, zeros, is_training=True)
    rows, why = _rows([train[0]], [x])
    assert rows is None and "batch statistics" in why


def test_towers_split_the_batch_into_segments():
    """TF1's towers: tf.split(x, k) gives each tower 1/k of the rows, tf.concat of the towers
    along the batch puts them back; the batch is k segments and each fetch spans some."""
    x = tf.placeholder(tf.float32, [None, 4])
    parts = tf.split(x, 2)
    towers = [tf.tanh(p) * 2.0 for p in parts]
    quarters = tf.split(towers[1], 2)
    both = tf.concat(towers, 0)
    rows, why = _rows([both, towers[0], quarters[1], tf.concat([both, x], 0),
                       tf.concat([towers[1], towers[0]], 0) - x], [x])
    assert why == "" and rows.exact
    assert rows.k == 4 and rows.axes == (0,) * 5
    assert rows.segments == (4, 2, 1, 8, 4)
    unsplit, _ = _rows([tf.tanh(x)], [x])
    assert unsplit.k == 1 and unsplit.segments == (1,)
