"""tf.train.QueueRunner, add_queue_runner and start_queue_runners."""

import pytest


def test_names_and_collection(tf):
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    qr = tf.train.QueueRunner(q, [q.enqueue(1.0)])
    assert (qr.name, qr.close_op.name, qr.cancel_op.name) == (
        "fifo_queue", "fifo_queue_Close", "fifo_queue_Close_1")
    assert qr.queue_closed_exception_types == (tf.errors.OutOfRangeError,)
    tf.train.add_queue_runner(qr)
    assert tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS) == [qr]
    assert tf.train.queue_runner.QueueRunner is tf.train.QueueRunner


def test_argument_errors(tf):
    q = tf.FIFOQueue(4, tf.float32)
    with pytest.raises(ValueError, match="Must provide queue and enqueue_ops."):
        tf.train.QueueRunner(q, [])
    with pytest.raises(TypeError, match="queue_closed_exception_types, when provided"):
        tf.train.QueueRunner(q, [q.enqueue(1.0)], queue_closed_exception_types=(ValueError,))
    with pytest.raises(ValueError, match="No default session is registered"):
        tf.train.start_queue_runners()
    with pytest.raises(TypeError, match="sess must be a `tf.Session` object"):
        tf.train.start_queue_runners(sess=object())


def test_threads_fill_the_queue_and_a_stop_cancels_them(tf):
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(5)] * 2))
    with tf.Session() as s:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        assert len(threads) == 3  # two enqueue threads and the one that cancels on stop
        assert [s.run(q.dequeue()) for _ in range(5)] == [5] * 5
        assert tf.train.start_queue_runners(s, coord) == []  # already running
        coord.request_stop()
        coord.join(threads)  # the blocked enqueues are cancelled
        assert s.run(q.is_closed())


def test_an_error_in_a_runner_reaches_the_coordinator(tf):
    def bad(v):
        raise ValueError("broken input")

    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    x = tf.py_func(bad, [tf.constant(1)], tf.int32)
    x.set_shape([])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(x)]))
    with tf.Session() as s:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        with pytest.raises(tf.errors.InvalidArgumentError, match="broken input"):
            coord.join(threads)
