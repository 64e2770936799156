"""TensorArray run-time errors against TF: class and text, including the array's name as TF
gives it (`<op name>_<arrays the process made before>`, numbered here relative to the
program's first array, since the oracle's process has made others before)."""

import pytest
from oracle import run_here

PROGRAM = r'''
import re
p = tf.placeholder(tf.int32, [])
cases = []
def case(name, t, v):
    cases.append((name, t, v))
case("write_twice", tf.TensorArray(tf.float32, 3, name="foo").write(0, 1.).write(p, 2.).stack(), 0)
case("read_oob", tf.TensorArray(tf.float32, 3).write(0, 1.).read(p), 5)
case("read_neg", tf.TensorArray(tf.float32, 3).write(0, 1.).read(p), -1)
case("read_unwritten", tf.TensorArray(tf.float32, 3).write(0, 1.).read(p), 1)
w = tf.TensorArray(tf.float32, 3, clear_after_read=True).write(0, 1.)
case("read_twice", w.read(0) + w.read(p), 0)
case("write_shape", tf.TensorArray(tf.float32, 2).write(0, tf.zeros([2]))
     .write(1, tf.zeros([p])).stack(), 3)
case("ragged_stack", tf.TensorArray(tf.float32, 2, infer_shape=False).write(0, tf.zeros([2]))
     .write(1, tf.zeros([p])).stack(), 3)
case("gather_neg", tf.TensorArray(tf.float32, 2).unstack(tf.zeros([2])).gather([0, p]), -1)
case("gather_big", tf.TensorArray(tf.float32, 2).unstack(tf.zeros([2])).gather([0, p]), 7)
case("scatter_neg", tf.TensorArray(tf.float32, 2).scatter([0, p], tf.zeros([2])).stack(), -1)
case("scatter_dup", tf.TensorArray(tf.float32, 3).scatter([0, p], tf.zeros([2])).stack(), 0)
case("scatter_big", tf.TensorArray(tf.float32, 3).scatter([-1, p], tf.zeros([2])).stack(), 5)
case("element_shape", tf.TensorArray(tf.float32, 2, element_shape=[2])
     .write(0, tf.zeros([p])).stack(), 3)
case("unstack_more", tf.TensorArray(tf.float32, 2).unstack(tf.zeros([p])).stack(), 3)
case("split_pieces", tf.TensorArray(tf.float32, 2).split(tf.zeros([5]), [2, p]).stack(), 3)
case("split_sum", tf.TensorArray(tf.float32, 2).split(tf.zeros([5]), [2, p]).stack(), 2)
case("split_count", tf.TensorArray(tf.float32, 2).split(tf.zeros([6]), [2, 2, p]).stack(), 2)
case("stack_nothing", tf.TensorArray(tf.float32, 3).stack() + tf.cast(p, tf.float32), 1)
case("write_neg", tf.TensorArray(tf.float32, 0, dynamic_size=True).write(p, 1.).stack(), -2)
# another dtype: TF only logs it when building; the write fails when it runs
case("write_dtype", tf.TensorArray(tf.float64, 2).write(0, tf.zeros([2])).write(
    p, tf.zeros([2], tf.float64)).stack(), 1)
case("unstack_dtype", tf.TensorArray(tf.int32, 2).unstack(tf.zeros([p])).stack(), 2)
case("scatter_dtype", tf.TensorArray(tf.float32, 2).scatter([0, p], [1, 2]).stack(), 1)
case("map_fn_dtype", tf.map_fn(lambda r: tf.one_hot(r, 3), tf.range(p), dtype=tf.float64), 2)
base = None
result = []
with tf.Session() as sess:
    for name, t, v in cases:
        try:
            sess.run(t, {p: v})
            result.append([name, "ok"])
            continue
        except tf.errors.OpError as e:
            text = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", str(e), re.S).group(1)
            found = re.match(r"TensorArray (\w+?)_(\d+): ", text)
            if found and base is None:
                base = int(found.group(2))
            if found:
                text = text.replace(found.group(0), "TensorArray %s_+%d: " % (
                    found.group(1), int(found.group(2)) - base))
            result.append([name, type(e).__name__, text])
'''


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert "ok" in here, here
    for mine, theirs in zip(here["ok"], there["ok"]):
        assert mine == theirs
    assert len(here["ok"]) == len(there["ok"])
