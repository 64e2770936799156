"""A training step is one cached XLA computation: later steps trace and compile nothing."""

import numpy as np

from scopeflow.lowering import cache


def test_training_steps_reuse_one_compiled_computation(tf):
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int32, [None])
    w = tf.get_variable("w", [4, 3], initializer=tf.ones_initializer())
    logits = tf.matmul(tf.nn.relu(x), w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs)
    feed = {x: np.ones((2, 4), np.float32), y: np.array([0, 2], np.int32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run([train, loss], feed)[1]
        before = dict(cache.stats)
        losses = [sess.run([train, loss], feed)[1] for _ in range(3)]
        assert cache.stats == before
        assert sess.run(gs) == 4
    assert losses[-1] < first
