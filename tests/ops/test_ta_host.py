"""A dynamic_size TensorArray written, read and sized in a loop run on the host: TF's values and
errors, and one program per step however long the loop runs (ops/ta_host.py)."""

import numpy as np
import pytest
from oracle import run_here

PROGRAM = r'''
import re
p = tf.placeholder(tf.int32, [])
cases = []
def loop(body, n=p, clear=True, start=0, ta=None):
    if ta is None:
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=clear)
    _, ta = tf.while_loop(lambda i, ta: i < n, lambda i, ta: (i + 1, body(i, ta)), (start, ta))
    return ta
rows = lambda i: tf.cos(tf.cast(tf.reshape(tf.range(32), [4, 8]) * (i + 1), tf.float32) * 0.1)
cases.append(("rows", loop(lambda i, ta: ta.write(i, rows(i))).stack(), 30))
first = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
grow = lambda i, ta: ta.write(i, ta.read(i - 1) * 2. + tf.cast(ta.size(), tf.float32))
cases.append(("size_read", loop(grow, start=1, ta=first.write(0, 1.5)).stack(), 12))
cases.append(("write_twice", loop(lambda i, ta: ta.write(i // 2, rows(i))).stack(), 5))
cases.append(("read_unwritten", loop(lambda i, ta: ta.write(
    i, tf.reduce_sum(ta.read(i + 1)) + rows(i)), clear=False).stack(), 3))
def twice(i, ta):
    t2 = ta.write(2 * i, 1.0)
    return t2.write(2 * i + 1, t2.read(0) + 1.0)
cases.append(("read_twice", loop(twice).stack(), 2))
cases.append(("read_once", loop(twice).stack(), 1))
cases.append(("shape", loop(lambda i, ta: ta.write(i, tf.zeros(tf.stack([1 + i // 2])))).stack(),
              4))
result = []
with tf.Session() as sess:
    for name, t, v in cases:
        try:
            out = np.asarray(sess.run(t, {p: v}), np.float64)
            result.append([name, out.shape, np.round(out, 5).ravel().tolist()])
        except tf.errors.OpError as e:
            text = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", str(e), re.S).group(1)
            result.append([name, type(e).__name__,
                           re.sub(r"TensorArray (\w+?)_\d+: ", r"TensorArray \1_N: ", text)])
'''


@pytest.mark.oracle
def test_values_and_errors_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there


def test_a_longer_loop_compiles_no_more_programs(tf):
    from scopeflow.lowering import cache

    n = tf.placeholder(tf.int32, [])
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    _, ta = tf.while_loop(lambda i, ta: i < n, lambda i, ta: (
        i + 1, ta.write(i, tf.fill([4, 8], tf.cast(i, tf.float32) * 0.5))), (0, ta))
    out = ta.stack()
    compiles = []
    with tf.Session() as sess:
        for steps in (3, 30):
            before = cache.stats["compiles"]
            got = sess.run(out, {n: steps})
            compiles.append(cache.stats["compiles"] - before)
            np.testing.assert_array_equal(
                got, np.broadcast_to(np.arange(steps, dtype=np.float32)[:, None, None] * 0.5,
                                     (steps, 4, 8)))
    # the 3-step run compiled the condition and body steps; 30 steps add only the final stack
    assert compiles[0] <= 6 and compiles[1] <= 1, compiles
