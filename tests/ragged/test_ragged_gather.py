"""tf.gather of RaggedTensors vs TF (ragged/ragged_gather.py, ops/ragged_ops.py RaggedGather):
ragged params with vector, scalar, matrix and ragged indices, nested and int32 splits, fed
indices; the graph, shapes, values; out-of-range indices and argument errors."""

import pytest
from ragged_oracle import same_as_tf, values_as_tf

GATHER = """
rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
n = tf.ragged.constant([[[1, 2], [3]], [], [[4], [5, 6]]])
i32 = tf.ragged.constant([[1.], [2., 3.]], row_splits_dtype=tf.int32)
p = tf.placeholder(tf.int64, [None])
outs = [tf.gather(rt, [2, 0, 2]), tf.gather(rt, 1), tf.gather(rt, [[0, 1], [2, 2]]),
        tf.gather(n, [2, 0]), tf.gather(n, 0), tf.gather(n, [[1], [2]]),
        tf.gather(rt, tf.ragged.constant([[0, 2], [], [1]])), tf.gather(i32, [1, 1, 0]),
        tf.gather(rt, p, name="g"), tf.gather(rt, np.zeros([0], np.int32)), tf.gather([10, 20, 30],
        tf.ragged.constant([[2], [0, 1]])), tf.compat.v1.gather(rt, [1], axis=0)]
info = [[str(o.shape), o.dtype.name, type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs, {p: [2, 1]})]
    errs = [attempt(lambda: s.run(tf.gather(rt, [0, 3]).flat_values)),
            attempt(lambda: s.run(tf.gather(rt, p).flat_values, {p: [-1]}))]
errs += [attempt(lambda: tf.gather(rt, [])), attempt(lambda: tf.gather(rt, [0], batch_dims=2)),
         attempt(lambda: tf.gather(rt, [0], axis=3)),
         attempt(lambda: tf.gather(rt, [0], batch_dims=tf.constant(0)))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_gather_of_ragged_tensors_matches_tf(oracle):
    same_as_tf(oracle, GATHER)



AXIS_AND_BATCH = """
rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
n = tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
d = tf.constant([[1, 2, 3], [4, 5, 6]])
outs = [tf.gather(rt, [0], axis=1), tf.gather(rt, [[0], [0], [1]], axis=1, batch_dims=1),
        tf.gather(n, [0], axis=2), tf.gather(n, [[0], [1]], axis=2, batch_dims=1)]
info = [[str(o.shape), type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
errs = [attempt(lambda: tf.gather(rt, [[0]], batch_dims=1)),
        attempt(lambda: tf.gather(rt, [[0], [1]], axis=1, batch_dims=1)),
        attempt(lambda: tf.gather(d, tf.ragged.constant([[[0]], [[1]]]), axis=2, batch_dims=2))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_gather_along_inner_axes_and_batches_matches_tf(oracle):
    same_as_tf(oracle, AXIS_AND_BATCH)


# ragged indices plus row offsets: a ragged + dense sum, whose broadcasting graph is ours
# (ragged/ragged_broadcast.py), so values and shapes only
RAGGED_INDICES = """
rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
n = tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
d = tf.constant([[1, 2, 3], [4, 5, 6]])
outs = [tf.gather(rt, tf.ragged.constant([[1, 0], [], [2]]), axis=1, batch_dims=1),
        tf.gather(d, tf.ragged.constant([[2, 0], [1]]), axis=1, batch_dims=1),
        tf.gather(n, tf.ragged.constant([[[0], [0]], [[2, 1]]]), axis=2, batch_dims=2),
        tf.gather(d, tf.ragged.constant([[0, 1], [1]]), axis=1)]
info = [[str(o.shape), type(o).__name__] for o in outs]
with tf.Session() as s:
    result = [info, [shown(v) for v in s.run(outs)]]"""


@pytest.mark.oracle
def test_gather_with_ragged_indices_along_inner_axes_matches_tf(oracle):
    values_as_tf(oracle, RAGGED_INDICES)
