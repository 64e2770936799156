"""tf.sparse reduce_max / reduce_max_sparse / reduce_sum_sparse, maximum / minimum and split
vs TF (ops/sparse_reduce.py): graphs, values (present entries only; a missing side as 0),
errors, and a fed SparseTensor."""

import pytest
from oracle import fed_cases_match, run_here

PROGRAM = """
a = tf.SparseTensor([[0, 1], [1, 0], [1, 3], [2, 2]], [-3., 1., -5., 2.], [3, 4])
b = tf.SparseTensor([[0, 1], [1, 2], [2, 2]], [1., 5., -2.], [3, 4])
ai = tf.SparseTensor([[0, 1], [1, 0], [2, 2]], [-3, 1, 2], [3, 4])
p = tf.sparse_placeholder(tf.float32)
outs = [tf.sparse.reduce_max(a, 1), tf.sparse_reduce_max(a),
        tf.sparse.reduce_max(a, axis=0, keepdims=True), tf.sparse.reduce_max(ai, 0),
        tf.sparse.reduce_max(a, [0, 1]), tf.sparse.reduce_max(a, -1, keep_dims=True),
        tf.sparse.reduce_max_sparse(a, 1), tf.sparse.reduce_sum_sparse(a, 0),
        tf.sparse_reduce_sum_sparse(b), tf.sparse.reduce_max_sparse(a, 0, keepdims=True),
        tf.sparse.maximum(a, b), tf.sparse_minimum(a, b), tf.sparse.reduce_sum_sparse(p, 1),
        tf.sparse.split(sp_input=a, num_split=2, axis=1),
        tf.sparse_split(sp_input=a, num_split=3, axis=0),
        tf.sparse.split(sp_input=p, num_split=3, axis=1)]
graph = [[op.name, op.type, [i.name for i in op.inputs],
          [o.shape.as_list() if o.shape.ndims is not None else None for o in op.outputs]]
         for op in tf.get_default_graph().get_operations()]
def enc(r):
    if isinstance(r, list):
        return [enc(x) for x in r]
    if hasattr(r, 'indices'):
        return [r.indices.tolist(), r.values.tolist(), r.dense_shape.tolist()]
    return r.tolist()
feed = {p: tf.SparseTensorValue([[0, 0], [0, 2], [1, 1]], [1., 2., 3.], [2, 4])}
errors = []
with tf.Session() as s:
    values = enc(s.run(outs, feed))
    for bad in [lambda: tf.sparse.reduce_max(a, 2),
                lambda: tf.sparse.maximum(a, tf.SparseTensor([[0, 0]], [1.], [3, 5])),
                lambda: tf.sparse.split(sp_input=a, num_split=0, axis=1),
                lambda: tf.sparse.split(sp_input=a, num_split=2, axis=3)]:
        try:
            s.run(bad())
        except Exception as e:
            m = str(e)
            errors.append([type(e).__name__, m.split("Node:")[-1].split("\\n")[1]
                           if "Node:" in m else m.split("\\n")[0]])
result = [graph, values, errors]
"""


@pytest.mark.oracle
def test_sparse_reductions_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and here == there


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", [
    ("p = tf.placeholder(tf.int64, [2]); out = tf.sparse_split(sp_input=tf.SparseTensor("
     "[[0, 0]], [1.0], p), num_split=2, axis=1)[0].values", [[2, 1], [2, 3], [2, 2]]),
    ("p = tf.placeholder(tf.int64, [None]); out = tf.sparse_maximum(tf.SparseTensor([[0, 0]], "
     "[1.0], [2, 2]), tf.SparseTensor([[0, 0]], [3.0], p)).values", [[2, 3], [3, 2], [2, 2]]),
])
def test_fed_shapes_match_tf(oracle, code, values):
    fed_cases_match(oracle, code, values)
