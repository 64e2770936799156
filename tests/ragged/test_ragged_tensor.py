"""tf.RaggedTensor vs TF (ragged/ragged_tensor.py, row_partition.py): every factory's graph
(sorted op names and types), shapes, dtypes, fetched RaggedTensorValues, row encodings, and the
validation asserts TF's factories add (run-time InvalidArgumentErrors) and their static errors."""

import pytest
from ragged_oracle import same_as_tf

FACTORIES = """
rt = tf.RaggedTensor.from_row_splits([1, 2, 3, 4, 5], [0, 2, 2, 5])
r2 = tf.RaggedTensor.from_row_lengths([1., 2, 3], [1, 0, 2])
r3 = tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4)
r4 = tf.RaggedTensor.from_row_starts([1, 2, 3], [0, 1])
r5 = tf.RaggedTensor.from_row_limits([1, 2, 3], [1, 3])
r6 = tf.RaggedTensor.from_nested_row_splits([1, 2, 3], [[0, 1, 2], [0, 2, 3]])
r7 = tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2])
rts = [rt, r2, r3, r4, r5, r6, r7]
info = [[r.shape.as_list(), r.ragged_rank, r.dtype.name, r.row_splits.dtype.name,
         r.row_splits.name, r.flat_values.name] for r in rts]
extra = [rt.row_lengths(), rt.value_rowids(), rt.nrows(), r3.row_lengths(), r3.value_rowids(),
         r3.nrows(), r6.nested_row_lengths(), rt.row_starts(), rt.row_limits(),
         r6.bounding_shape(), rt.with_values(rt.values * 2), r6.with_flat_values([4, 5, 6]),
         r6.row_lengths(axis=2), r6.nested_value_rowids(), rt.bounding_shape(axis=1),
         r6.with_row_splits_dtype(tf.int32)]
with tf.Session() as s:
    vals = s.run(rts)
    ex = s.run(extra)
def sh(v):
    if hasattr(v, 'to_list'):
        return [type(v).__name__, v.to_list(), [x.dtype.name for x in v.nested_row_splits]]
    if isinstance(v, (list, tuple)):
        return [sh(x) for x in v]
    return v.tolist()
result = [info, [sh(v) for v in vals], [sh(v) for v in ex], str(rt), repr(vals[0]), str(vals[0])]"""

VALIDATION = """
p = tf.placeholder(tf.int64, [None])
q = tf.placeholder(tf.int64, [])
v = tf.placeholder(tf.float32, [None])
rs = tf.RaggedTensor.from_row_splits(v, p)
rl = tf.RaggedTensor.from_row_lengths(v, p)
ri = tf.RaggedTensor.from_value_rowids(v, p, q)
ri2 = tf.RaggedTensor.from_value_rowids(v, p)
rst = tf.RaggedTensor.from_row_starts(v, p)
rli = tf.RaggedTensor.from_row_limits(v, p)
out = []
with tf.Session() as s:
    for r, feeds in [(rs, [[0, 2, 3], [1, 2, 3], [0, 3, 2], [0, 1, 2]]),
                     (rl, [[1, 2], [3, -1], [1, 1]]),
                     (rst, [[0, 1], [1, 2], [0, 4], [0, 2, 1]]),
                     (rli, [[1, 3], [-1, 3], [2, 1], [1, 2]])]:
        for f in feeds:
            out.append(attempt(lambda: s.run(r, {p: f, v: [1., 2., 3.]})))
    for f, n in [([0, 0, 2], 3), ([0, 2, 1], 3), ([0, 0, 3], 3), ([-1, 0, 0], 3), ([0, 1], 2)]:
        out.append(attempt(lambda: s.run(ri, {p: f, q: n, v: [1., 2., 3.]})))
    out.append(attempt(lambda: s.run(ri2, {p: [0, 0, 2], v: [1., 2., 3.]})))
static = [attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [])),
          attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [0., 2.])),
          attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [[0, 2]])),
          attempt(lambda: tf.RaggedTensor.from_row_splits(1, [0, 1])),
          attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [0, 2], validate=1)),
          attempt(lambda: tf.RaggedTensor.from_value_rowids([1, 2], [0, 3], nrows=2)),
          attempt(lambda: tf.RaggedTensor.from_value_rowids([1, 2], [0, 3], nrows=-1)),
          attempt(lambda: tf.RaggedTensor([1], None)),
          attempt(lambda: tf.RaggedTensor.from_nested_row_splits([1, 2], tf.constant([0, 2]))),
          attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [0, 2]).to_list()),
          attempt(lambda: tf.RaggedTensor.from_row_splits([1, 2], [0, 2]).numpy()),
          attempt(lambda: tf.RaggedTensor.from_row_splits(tf.RaggedTensor.from_row_splits(
              [1, 2], tf.constant([0, 2], tf.int32)), [0, 1])),
          ]
result = [out, static]"""


@pytest.mark.oracle
def test_factories_and_row_encodings_match_tf(oracle):
    same_as_tf(oracle, FACTORIES)


@pytest.mark.oracle
def test_validation_errors_match_tf(oracle):
    same_as_tf(oracle, VALIDATION)
