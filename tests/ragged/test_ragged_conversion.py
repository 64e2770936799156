"""RaggedTensor to_tensor / from_tensor / to_sparse / from_sparse / merge_dims vs TF
(ragged/conversion.py, ops/ragged_ops.py): graphs, static shapes, values, run-time errors."""

import pytest
from ragged_oracle import same_as_tf

CONVERSIONS = """
rt = tf.RaggedTensor.from_row_splits([1, 2, 3, 4, 5], [0, 2, 2, 5], validate=False)
p = tf.placeholder(tf.int64, [None])
pv = tf.placeholder(tf.int32, [None, 2])
r2 = tf.RaggedTensor.from_row_splits(pv, p, validate=False)
r3 = tf.RaggedTensor.from_nested_row_splits([1, 2, 3], [[0, 1, 2], [0, 2, 3]], validate=False)
ri = tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4)
sh = tf.placeholder(tf.int32, [2])
outs = [rt.to_tensor(), rt.to_tensor(7), rt.to_tensor(shape=[2, 2]),
        rt.to_tensor(shape=[None, 4]), rt.to_tensor(shape=sh), r2.to_tensor(),
        r2.to_tensor(shape=[None, 3, 2]), r3.to_tensor(), ri.to_tensor(),
        r2.to_tensor(default_value=[9, 8])]
sp = [rt.to_sparse(), r3.to_sparse(), r2.to_sparse()]
dense = tf.constant([[1, 2, 0], [0, 0, 0], [3, 0, 5]])
ft = [tf.RaggedTensor.from_tensor(dense), tf.RaggedTensor.from_tensor(dense, padding=0),
      tf.RaggedTensor.from_tensor(dense, lengths=[1, 0, 2]),
      tf.RaggedTensor.from_tensor(tf.reshape(tf.range(12), [2, 3, 2]), ragged_rank=2),
      tf.RaggedTensor.from_tensor(tf.reshape(tf.range(12), [2, 3, 2]), padding=[4, 5]),
      tf.RaggedTensor.from_sparse(tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [1., 2., 3.], [4, 3])),
      r3.merge_dims(0, 1), r3.merge_dims(1, 2), rt.to_tensor(shape=[3, 2]).shape]
info = ([[o.name, o.shape.as_list()] for o in outs]
        + [[s.indices.name, s.indices.shape.as_list(), s.values.shape.as_list(),
            s.dense_shape.shape.as_list()] for s in sp]
        + [[r.shape.as_list(), r.flat_values.name] for r in ft[:-1]])
def sh_(v):
    if hasattr(v, 'to_list'): return v.to_list()
    if hasattr(v, 'indices'): return [v.indices.tolist(), v.values.tolist(), v.dense_shape.tolist()]
    return v.tolist()
with tf.Session() as s:
    feed = {p: [0, 1, 3], pv: [[1, 2], [3, 4], [5, 6]], sh: [4, 1]}
    vals = [sh_(v) for v in s.run(outs + sp + ft[:-1], feed)]
    bad = [attempt(lambda: s.run(tf.RaggedTensor.from_sparse(
               tf.SparseTensor([[0, 1]], [1.], [2, 2])))),
           attempt(lambda: s.run(rt.to_tensor(shape=sh), {sh: [-2, 1]})),
           attempt(lambda: s.run(r2.to_tensor(shape=[2, 1, 3]), feed))]
static = [attempt(lambda: rt.to_tensor(shape=[2, 2, 2])),
          attempt(lambda: r2.to_tensor(default_value=[1, 2, 3])),
          attempt(lambda: tf.RaggedTensor.from_tensor([1, 2])),
          attempt(lambda: tf.RaggedTensor.from_tensor(dense, lengths=[1], padding=0)),
          attempt(lambda: tf.RaggedTensor.from_tensor(dense, ragged_rank=0)),
          attempt(lambda: tf.RaggedTensor.from_sparse(dense)),
          attempt(lambda: tf.RaggedTensor.from_sparse(
              tf.SparseTensor([[0, 0, 0]], [1], [1, 1, 1]))),
          attempt(lambda: r3.merge_dims(1, 0))]
result = [info, vals, bad, static]"""


@pytest.mark.oracle
def test_conversions_match_tf(oracle):
    same_as_tf(oracle, CONVERSIONS)
