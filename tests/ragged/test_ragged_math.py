"""tf.ragged.range, tf.reduce_* of RaggedTensors, tf.ragged.map_flat_values and elementwise
math on RaggedTensors (unary ops, a ragged and a scalar, operators) vs TF
(ragged/ragged_math.py, ops/ragged_ops.py RaggedRange): graphs, shapes, dtypes, values
(negative deltas, floats, fed limits; reductions over each axis, nested, keepdims) and errors."""

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


REDUCTIONS = """
a = tf.RaggedTensor.from_row_splits([1., 2., 3., 4.], [0, 2, 2, 4], validate=False)
n = tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
outs = [tf.reduce_sum(a, axis=1), tf.reduce_mean(a, axis=1), tf.reduce_max(a, axis=0),
        tf.reduce_min(a, 1, keepdims=True), tf.reduce_prod(a, axis=[0, 1]), tf.reduce_sum(a),
        tf.reduce_sum(n, axis=2), tf.reduce_max(n, axis=1), tf.reduce_mean(n, axis=0),
        tf.reduce_sum(a, axis=-1),
        tf.reduce_all(tf.ragged.map_flat_values(tf.greater, a, 1.5), axis=1),
        tf.reduce_any(tf.ragged.map_flat_values(tf.greater, a, 3.5), axis=1),
        tf.ragged.map_flat_values(tf.exp, a), tf.ragged.map_flat_values(tf.add, n, 1),
        tf.reduce_sum(a, axis=1, name="s")]
def shp(o):
    return [str(o.shape), o.dtype.name, type(o).__name__]
info = [shp(o) for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
errs = [attempt(lambda: tf.reduce_sum(a, axis=2)),
        attempt(lambda: tf.reduce_sum(a, axis=tf.placeholder(tf.int32)))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_reductions_and_map_flat_values_match_tf(oracle):
    same_as_tf(oracle, REDUCTIONS)


@pytest.mark.oracle
def test_range_matches_tf(oracle):
    same_as_tf(oracle, RANGE)


ELEMENTWISE = """
a = tf.RaggedTensor.from_row_splits([1., 2., 3.], [0, 2, 3], validate=False)
n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
outs = [tf.exp(a), tf.math.sqrt(a, name="s"), tf.negative(a), -a, abs(-a), tf.abs(a),
        a * 2.0, 2.0 * a, a + 1, tf.add(a, 1.5), 1 - a, a / 2.0, tf.multiply(a, 3.0),
        tf.maximum(a, 1.5), a > 1.5, n * 2, tf.square(n), a ** 2.0, tf.sigmoid(a),
        tf.truediv(1.0, a), tf.add(a, 2.0, name="q"), tf.abs(a, name="ab")]
info = [[str(o.shape), o.dtype.name, type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
result = [info, vals]"""


@pytest.mark.oracle
def test_elementwise_ops_match_tf(oracle):
    same_as_tf(oracle, ELEMENTWISE)

