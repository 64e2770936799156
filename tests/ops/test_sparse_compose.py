"""tf.sparse expand_dims / eye / to_indicator / merge / transpose / reset_shape / mask vs TF
(ops/sparse_compose.py): the graph op for op, values, and TF's errors; tf.rank / size /
shape of a SparseTensor (ops/shape_ops.py)."""

import pytest
from oracle import run_here

PROGRAM = """
a = tf.SparseTensor([[0, 1], [1, 0], [2, 2]], [3., 1., 2.], [3, 4])
p = tf.sparse_placeholder(tf.float32)
outs = [tf.sparse.expand_dims(a, 1), tf.sparse.expand_dims(a, -1), tf.sparse.eye(3, 4),
        tf.sparse.eye(2, dtype=tf.int32), tf.sparse.reset_shape(a, [5, 6]),
        tf.sparse_reset_shape(a), tf.sparse_reset_shape(p, [4, 4]), tf.sparse.transpose(a),
        tf.sparse_transpose(a, [1, 0]), tf.sparse.transpose(p),
        tf.sparse.to_indicator(tf.SparseTensor([[0, 0], [0, 1], [1, 0]],
                                               tf.constant([1, 3, 0], tf.int64), [2, 2]), 5)]
ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([2, 4, 1], tf.int64), [2, 2])
vals = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0.5, 1.5, 2.5], [2, 2])
outs += [tf.sparse.merge(ids, vals, 6), tf.sparse_merge([ids, ids], vals, [6, 7])]
sl = tf.IndexedSlices(tf.constant([[1., 2.], [3., 4.], [5., 6.]]), tf.constant([0, 2, 4]),
                      tf.constant([6, 2]))
m = tf.sparse.mask(sl, [2])
outs += [m.values, m.indices, tf.rank(p), tf.size(p), tf.shape(p),
         tf.size(p, out_type=tf.int64, name='sz'), tf.shape(p, out_type=tf.int64)]
graph = [[op.name, op.type, [i.name for i in op.inputs],
          [o.shape.as_list() if o.shape.ndims is not None else None for o in op.outputs],
          sorted(c.name for c in op.control_inputs)]
         for op in tf.get_default_graph().get_operations()]
feed = {p: tf.SparseTensorValue([[0, 0], [1, 2]], [1., 2.], [2, 3])}
values = []
with tf.Session() as s:
    for r in s.run(outs, feed):
        values.append([r.indices.tolist(), r.values.tolist(), r.dense_shape.tolist()]
                      if hasattr(r, 'indices') else r.tolist())
    errors = []
    for bad in [lambda: tf.sparse.reset_shape(a, [2, 6]), lambda: tf.sparse.reset_shape(p, [1, 1]),
                lambda: tf.sparse.expand_dims(a, 1.5), lambda: tf.sparse.expand_dims(p, 0)]:
        try:
            s.run(bad(), feed)
        except Exception as e:
            errors.append([type(e).__name__, str(e).split("\\n")[0][:120]])
result = [graph, values, errors]
"""


@pytest.mark.oracle
def test_sparse_functions_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and here == there
