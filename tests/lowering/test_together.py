"""A step's blocking host ops (queue waits) against the ops beside them, as TF's executor runs
them: a failing op ends the step and cancels the waits, instead of a wait that never ends."""

import json
import re

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    # count_up_to past its limit beside a dequeue from an empty queue
    ("q = tf.FIFOQueue(10, tf.int32, shapes=[()])\n"
     "v = tf.Variable(0)\nc = v.count_up_to(1)\nd = q.dequeue()\n"
     "with tf.Session() as s:\n"
     "    s.run(v.initializer)\n    s.run(q.enqueue(5))\n"
     "    result = [s.run([d, c]), err(lambda: s.run([d, c])), s.run([q.size(), v])]"),
    # ... beside an enqueue into a full queue
    ("q = tf.FIFOQueue(1, tf.int32, shapes=[()])\n"
     "v = tf.Variable(0)\nc = v.count_up_to(1)\ne = q.enqueue(c * 0 + 3)\n"
     "with tf.Session() as s:\n"
     "    s.run(v.initializer)\n    s.run([e, c])\n"
     # (the size, the count and the dequeue in separate runs: in one run TF reads the size before
    # or after the dequeue)
    "    result = [err(lambda: s.run([q.enqueue(4), c])), s.run(q.size()), s.run(v),\n"
    "              s.run(q.dequeue())]"),
    # ... whose dequeue's output feeds a later op (only the count runs before the wait)
    ("q = tf.FIFOQueue(10, tf.float32, shapes=[()])\n"
     "v = tf.Variable(0)\nc = v.count_up_to(2)\ny = q.dequeue() * 2.0 + tf.cast(c, tf.float32)\n"
     "with tf.Session() as s:\n"
     "    s.run(v.initializer)\n    s.run(q.enqueue_many([[1.0, 2.0]]))\n"
     "    result = [s.run(y), s.run(y), err(lambda: s.run(y)), s.run(q.size())]"),
    # two dequeues: one from a closed queue fails, the other's wait is cancelled without taking
    # an element (where both could go on, TF may or may not dequeue before the cancellation)
    ("q = tf.FIFOQueue(10, tf.int32, shapes=[()])\n"
     "q2 = tf.FIFOQueue(10, tf.int32, shapes=[()])\n"
     "d, d2 = q.dequeue(), q2.dequeue_many(2)\n"
     "with tf.Session() as s:\n"
     "    s.run(q2.enqueue_many([[1, 2, 3]]))\n"
     "    r = [s.run([d2, q.size()])]\n"
     "    s.run(q2.close())\n"
     "    r.append(err(lambda: s.run([d, d2])))\n"
     "    s.run(q.enqueue(7))\n"
     "    result = r + [s.run([d, q2.size()])]"),
]

# tf.train.batch over a dequeue and a count_up_to (tf_slim's prefetch_queue test): the runner's
# fourth step ends at the count while its dequeue waits; the runner closes the batch queue
BATCH = (
    "q = tf.FIFOQueue(10, tf.int32, shapes=[[2]])\n"
    "v = tf.Variable(tf.constant(0, tf.int64))\nc = v.count_up_to(3)\n"
    "with tf.Session() as s:\n"
    "    s.run(q.enqueue_many([[[1, 2], [3, 4], [5, 6]]]))\n"
    "    b = tf.train.batch([q.dequeue(), c], batch_size=3, num_threads=1)\n"
    "    s.run(v.initializer)\n"
    "    coord = tf.train.Coordinator()\n"
    "    threads = tf.train.start_queue_runners(s, coord)\n"
    "    r = [s.run(b), err(lambda: s.run(b))]\n"
    "    coord.request_stop()\n    coord.join(threads)\n"
    "    result = r + [s.run(q.size())]"
)


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS + [BATCH])
def test_failing_op_ends_the_waits_of_its_step_as_in_tf(oracle, code):
    code = ORACLE_HELPERS + code
    assert _plain(run_here(code)) == _plain(oracle(code))


def _plain(out):
    """`out` with queue resource numbers (they count per process: "'_3_fifo_queue'") left out."""
    return re.sub(r"'_\d+_", "'_N_", json.dumps(out))


def test_run_together_raises_the_first_failure_not_a_cancellation():
    import threading

    from scopeflow import errors
    from scopeflow.lowering.stages import wait
    from scopeflow.lowering.together import run_together

    cond = threading.Condition()

    def step(x):
        if x == "wait":
            with cond:
                while True:
                    wait(cond)
        raise errors.OutOfRangeError(None, None, "done")

    with pytest.raises(errors.OutOfRangeError, match="done"):
        run_together(["wait", "fail"], step)
    with pytest.raises(errors.OutOfRangeError, match="done"):
        run_together(["fail", "wait"], step)
    assert run_together([3, 4], lambda x: x + 1) == [4, 5]
