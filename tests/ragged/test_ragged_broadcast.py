"""Elementwise ops between two RaggedTensors, and a RaggedTensor with a dense tensor of equal
or higher rank, vs TF (ragged/ragged_broadcast.py, ragged_math.ragged_binary): values, row
splits, static shapes and dtypes; TF's run-time InvalidArgumentError for row splits or sizes
that do not broadcast (messages compared without the tensor names, which come from TF's own
broadcasting graph); the graph where both operands share their row partitions."""

import re

import pytest
from ragged_oracle import same_as_tf, values_as_tf

SAME_PARTITIONS = """
a = tf.ragged.constant([[1., 2.], [3.]])
n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
outs = [a + a, a * a.with_values(a.values * 2.), n * n, tf.maximum(n, n), a > a]
with tf.Session() as s:
    result = [[str(o.shape), o.dtype.name] for o in outs] + [shown(s.run(o)) for o in outs]"""


@pytest.mark.oracle
def test_operands_sharing_row_partitions_build_tfs_graph(oracle):
    same_as_tf(oracle, SAME_PARTITIONS)


BROADCAST = """
a = tf.ragged.constant([[1., 2.], [3.]])
b = tf.ragged.constant([[10., 20.], [30.]])
n = tf.ragged.constant([[[1., 2.], [3.]], [[4.]]])
i32 = tf.ragged.constant([[1, 2], [3]], row_splits_dtype=tf.int32)
p = tf.ragged.placeholder(tf.float32, 1, [])
d21 = tf.constant([[1.], [2.]])
u = tf.ragged.constant([[[1., 2.], [3., 4.]], [[5., 6.]]], ragged_rank=1)
outs = [a + b, a > b, tf.maximum(a, b), tf.add(a, b, name="s"), a + d21, d21 * a, d21 - a,
        a + tf.constant([100.]), a * tf.constant([[100.]]), n + tf.constant([[[1.]], [[2.]]]),
        u + tf.constant([[[1.]], [[2.]]]), u * tf.constant([[[1., 2.]], [[3., 4.]]]),
        i32 * tf.ragged.constant([[5, 6], [7]], row_splits_dtype=tf.int32),
        a + tf.constant([[1., 2.], [3., 4.]])[:, :1], p + b, b - p]
info = [[str(o.shape), o.dtype.name, o.row_splits.dtype.name, str(o.flat_values.shape)]
        for o in outs]
fed = {p: tf.ragged.constant_value([[1., 1.], [2.]])}
bad = [a + tf.ragged.constant([[10.], [30., 40.]]),
       a * tf.ragged.constant([[5.], [7.]]),
       a + tf.ragged.constant([[1.], [2.], [3.]]),
       a + tf.constant([[1.], [2.], [3.]]),
       a + tf.constant([[1., 2.], [4., 5.]]),
       a + tf.constant([[1., 2., 3.], [4., 5., 6.]]),
       p * a]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs, fed)]
    errs = [attempt(lambda: s.run(o, {p: tf.ragged.constant_value([[1.], [2.], [3.]])}))
            for o in bad]
graph_errs = [attempt(lambda: a + i32),
              attempt(lambda: a + tf.ragged.constant([[1, 2], [3]], row_splits_dtype=tf.int32))]
result = [info, vals, errs, graph_errs]"""


def _unnamed(result):
    """Messages without tensor names ('[x (concat:0) = ]' -> '[x = ]')."""
    return re.sub(r" \([\w/]+:\d+\)", "", repr(result))


@pytest.mark.oracle
def test_broadcasting_ragged_and_dense_operands_matches_tf(oracle):
    values_as_tf(oracle, BROADCAST, _unnamed)
