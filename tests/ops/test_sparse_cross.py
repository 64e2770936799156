"""tf.sparse.cross_hashed: TF's FingerprintCat64 hashes of string, int64 and mixed crosses."""

import pytest
from oracle import run_here

_CROSS = r'''
a = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [3, 2])
b = tf.SparseTensor([[0, 0], [1, 0], [2, 0]], tf.constant([3, 4, 5], tf.int64), [3, 1])
d = tf.constant([["f", "h"], ["g", "i"], ["x", "y"]])
e = tf.constant([[1], [2], [-3]])
outs = [tf.sparse.cross_hashed([a, d]), tf.sparse.cross_hashed([a, b, d], 100),
        tf.sparse.cross_hashed([b, e]), tf.sparse.cross_hashed([d, a], 7, hash_key=123),
        tf.sparse.cross_hashed([e, d], 0)]
with tf.Session() as s:
    result = [[o.indices.tolist(), o.values.tolist(), o.dense_shape.tolist()]
              for o in s.run(outs)]
result.append([outs[0].values.name, outs[0].indices.shape.as_list()])
'''


@pytest.mark.oracle
def test_hashes_match_tf(oracle):
    assert run_here(_CROSS) == oracle(_CROSS)


_STRING_CROSS = r'''
a = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [3, 2])
b = tf.SparseTensor([[0, 0], [1, 0], [2, 0]], tf.constant([3, 4, 5], tf.int64), [3, 1])
d = tf.constant([["f", "h"], ["g", "i"], ["x", "y"]])
e = tf.constant([[1], [2], [-3]])
outs = [tf.sparse.cross([a, d]), tf.sparse.cross([a, b, d], separator="|"),
        tf.sparse.cross([b, e], name="bx"), tf.sparse.cross([d, a, e])]
with tf.Session() as s:
    result = [[o.indices.tolist(), [v.decode() for v in o.values], o.dense_shape.tolist()]
              for o in s.run(outs)]
result.append([[o.values.name, o.indices.shape.as_list(), o.dense_shape.shape.as_list()]
               for o in outs])
result.append([[op.name, op.type, [i.name for i in op.inputs]]
               for op in tf.get_default_graph().get_operations()])
for bad in ("a", [a, 3]):
    try:
        tf.sparse.cross(bad)
    except TypeError as err:
        result.append(str(err))
'''


@pytest.mark.oracle
def test_string_crosses_match_tf(oracle):
    """tf.sparse.cross: TF's SparseCrossV2 graph (the separator a Const input), values and
    TF's TypeErrors."""
    assert run_here(_STRING_CROSS) == oracle(_STRING_CROSS)
