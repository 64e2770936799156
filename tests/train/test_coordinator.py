"""tf.train.Coordinator and LooperThread: stop requests, joins, reported exceptions."""

import threading

import pytest


def test_basics(tf):
    coord = tf.train.Coordinator()
    assert not coord.should_stop()
    coord.request_stop()
    assert coord.should_stop() and coord.wait_for_stop(0)
    coord.join([])
    assert coord.joined


def test_join_reraises_the_first_reported_error(tf):
    coord = tf.train.Coordinator()

    def worker():
        with coord.stop_on_exception():
            raise ValueError("from a thread")

    t = threading.Thread(target=worker)
    coord.register_thread(t)
    t.start()
    with pytest.raises(ValueError, match="from a thread"):
        coord.join()
    with pytest.raises(ValueError):
        coord.raise_requested_exception()


def test_out_of_range_is_a_clean_stop(tf):
    coord = tf.train.Coordinator()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    assert coord.should_stop()
    coord.join()
    coord.clear_stop()
    assert not coord.should_stop() and not coord.joined


def test_stragglers_are_named(tf):
    coord = tf.train.Coordinator()
    gate = threading.Event()
    t = threading.Thread(target=gate.wait, name="slow-one")
    t.start()
    coord.request_stop()
    with pytest.raises(RuntimeError, match="Coordinator stopped with threads still running: "
                                           "slow-one"):
        coord.join([t], stop_grace_period_secs=0.01)
    gate.set()
    t.join()


def test_looper_thread_runs_until_stop(tf):
    coord = tf.train.Coordinator()
    calls = []

    def target():
        calls.append(1)
        if len(calls) == 3:
            coord.request_stop()

    tf.train.LooperThread.loop(coord, None, target)
    coord.join()
    assert len(calls) == 3
