"""A step fed by an iterator is compiled ahead for the iterator's last, partial batch."""

import numpy as np

import scopeflow.compat.v1 as tf
from scopeflow.lowering import ahead, cache


def _drain(sess, fetch):
    out = []
    while True:
        try:
            out.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            return out


def test_the_partial_batch_step_is_compiled_before_it_comes():
    with tf.Graph().as_default():
        rows = np.arange(26.0, dtype=np.float32).reshape(13, 2)
        ds = tf.data.Dataset.from_tensor_slices(rows).shuffle(5, seed=1).batch(4)
        x = tf.data.make_one_shot_iterator(ds).get_next()
        y = tf.reduce_sum(x * 3.0, axis=1)
        with tf.Session() as sess:
            first = sess.run(y)
            for t in sess._resources[("compile ahead",)].threads:
                t.join()
            before = cache.stats["compiles"]
            rest = _drain(sess, y)
            assert cache.stats["compiles"] == before  # the 1-row step was ready
        got = np.concatenate([first] + rest)
        assert [len(first)] + [len(r) for r in rest] == [4, 4, 4, 1]
        assert sorted(got.tolist()) == sorted((rows.sum(1) * 3.0).tolist())


def test_values_are_those_of_compiling_at_the_run(monkeypatch):
    def run():
        with tf.Graph().as_default():
            rows = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
            ds = tf.data.Dataset.from_tensor_slices(rows).batch(4).repeat(2)
            x = tf.data.make_one_shot_iterator(ds).get_next()
            w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
            loss = tf.reduce_mean(tf.matmul(x, w) ** 2)
            train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run([train, loss])[1] for _ in range(6)]
                return losses, sess.run(w)
    early = run()
    monkeypatch.setattr(ahead, "compile_ahead", lambda *a: None)
    plain = run()
    assert plain[0] == early[0]
    np.testing.assert_array_equal(plain[1], early[1])
