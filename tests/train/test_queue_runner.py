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


ERRORS_REACH_THE_COORDINATOR = r"""
import re
def boom():
    raise KeyError("qr boom")
def short(e):  # class, first line, node tag: the Python traceback in between differs
    text = re.sub(r"'_\d+_", "'_N_", str(e))  # resource numbers count per process
    return [type(e).__name__, text.split("\n")[0], re.findall(r"\[\[\{\{node [^}]*\}\}\]\]", text)]
q = tf.FIFOQueue(2, tf.int64, shapes=[[]])
qr = tf.train.QueueRunner(q, [q.enqueue(tf.py_func(boom, [], tf.int64))])
n = tf.placeholder(tf.int32, [])
out = []
with tf.Session() as s:
    c = tf.train.Coordinator()
    threads = qr.create_threads(s, coord=c, start=True)
    try:
        c.join(threads, stop_grace_period_secs=10)
    except tf.errors.OpError as e:
        out.append(short(e))
    out.append(s.run(q.is_closed()))
    for f, args in [(s.make_callable(q.dequeue()), ()), (s.make_callable(q.enqueue(1)), ()),
                    (s.make_callable(q.dequeue_many(n), [n]), (2,))]:
        try:
            f(*args)
        except tf.errors.OpError as e:
            out.append(short(e))
result = out
"""


@pytest.mark.oracle
def test_errors_in_runner_threads_and_callables_read_as_tfs(oracle):
    """A callable without feeds (what a queue runner runs) raises the kernel's message alone,
    as TF's does; one with feeds raises as Session.run."""
    from oracle import run_here
    here, there = run_here(ERRORS_REACH_THE_COORDINATOR), oracle(ERRORS_REACH_THE_COORDINATOR)
    assert "ok" in there, there
    assert here == there
