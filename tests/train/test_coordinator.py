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


STOPS = r"""
def err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        return [type(e).__name__, str(e)]
coord = tf.train.Coordinator()
out = [coord.should_stop()]
try:
    raise ValueError("stop!")
except ValueError as e:
    coord.request_stop(e)
out += [coord.should_stop(), err(lambda: coord.join([])),
        err(lambda: coord.raise_requested_exception())]
coord.clear_stop()
out.append(coord.should_stop())
c2 = tf.train.Coordinator()
with c2.stop_on_exception():
    raise tf.errors.OutOfRangeError(None, None, "done")
out += [c2.should_stop(), err(lambda: c2.join([]))]
c3 = tf.train.Coordinator(clean_stop_exception_types=())
with c3.stop_on_exception():
    raise tf.errors.OutOfRangeError(None, None, "done")
out.append(err(lambda: c3.join([])))
out.append(err(lambda: tf.train.Coordinator().request_stop(ValueError("not raised"))))
result = out
"""


@pytest.mark.oracle
def test_stop_requests_and_joins_match_tf(oracle):
    from oracle import run_here
    here, there = run_here(STOPS), oracle(STOPS)
    assert "ok" in there, there
    assert here == there
