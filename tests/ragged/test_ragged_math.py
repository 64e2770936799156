"""tf.ragged.range vs TF (ragged/ragged_math.py, ops/ragged_ops.py RaggedRange): graphs,
shapes, dtypes, values (negative deltas, floats, fed limits) and errors."""

import pytest
from ragged_oracle import same_as_tf

RANGE = """
rs = [tf.ragged.range([3, 0, 5], [5, 2, 1], [1, 1, -2]), tf.ragged.range(4),
      tf.ragged.range([2, 3]), tf.ragged.range([0., 1.], 2.5, 0.5),
      tf.ragged.range(tf.constant([1, 2], tf.int64), 3),
      tf.ragged.range([1, 2], row_splits_dtype=tf.int32), tf.ragged.range([5, 7], 1, -3)]
p = tf.placeholder(tf.int32, [None])
rs.append(tf.ragged.range(p))
info = [[str(r.shape), r.dtype.name, r.row_splits.dtype.name, r.flat_values.name] for r in rs]
with tf.Session() as s:
    vals = [v.to_list() for v in s.run(rs, {p: [2, 0, 1]})]
    errs = [attempt(lambda: s.run(tf.ragged.range([1, 2], [3, 4, 5]))),
            attempt(lambda: s.run(tf.ragged.range([1, 2], 3, 0))),
            attempt(lambda: tf.ragged.range([[1]]))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_range_matches_tf(oracle):
    same_as_tf(oracle, RANGE)
