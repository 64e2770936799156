"""tf.sparse.concat: entries in TF's row-major order, static and fed shapes, expanded
non-concat dims, no gradient, and TF's build and run-time errors, vs TF."""

import pytest
from oracle import RUN_OR_ERROR, outcome, run_here

_SETUP = r'''
a = tf.SparseTensor([[1, 0], [0, 2], [0, 1]], [1., 2., 3.], [2, 3])
b = tf.SparseTensor([[0, 0], [1, 1]], [4., 5.], [2, 2])
'''

_PROGRAM = RUN_OR_ERROR + _SETUP + r'''
g = tf.get_default_graph()
n0 = len(g.get_operations())
c0 = tf.sparse.concat(0, [a, tf.SparseTensor([[0, 1]], [6.], [1, 3])])
c1 = tf.sparse_concat(1, [a, b], name="cc")
cm = tf.sparse.concat(-1, [a, b, a])
ce = tf.sparse.concat(0, [a, b], expand_nonconcat_dim=True)
ops = [(op.name, op.type) for op in g.get_operations()[n0:]]
p = tf.sparse_placeholder(tf.float32, [None, 3])
cp = tf.sparse.concat(1, [a, p])
q = tf.sparse_placeholder(tf.float32)
cq = tf.sparse.concat(1, [a, q])
outs = (c0, c1, cm, ce, cp, cq)
parts = lambda t: [t.indices, t.values, t.dense_shape]
result = [ops, [(t.shape.as_list(), t.indices.shape.as_list(), t.dense_shape.name)
                for t in outs], tf.gradients(tf.reduce_sum(c1.values), a.values)]
with tf.Session() as s:
    result += [_run(s, parts(t)) for t in (c0, c1, cm, ce)]
    result.append(_run(s, parts(cp), {p: tf.SparseTensorValue([[0, 1]], [7.], [2, 3])}))
    for v in [([[0, 1]], [7.], [3, 3]), ([[0, 1, 0]], [7.], [2, 3, 1]),
              ([[0, 1]], [7.], [2, 1])]:
        result.append(_run(s, parts(cq), {q: tf.SparseTensorValue(*v)}))
'''


@pytest.mark.oracle
def test_concat_graph_entries_shapes_and_run_errors_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "tf.sparse.concat(2, [a, b])", "tf.sparse.concat(1, [a]).indices.name",
    "tf.sparse.concat(1, (a, b))", "tf.sparse.concat(1, a)",
    "tf.sparse.concat(1, [a, tf.ones([2])])",
    "tf.sparse.concat(None, [a, b], concat_dim=1).shape.as_list()",
])
def test_concat_build_errors_match_tf(oracle, call):
    code = _SETUP + "result = " + call
    assert outcome(run_here(code)) == outcome(oracle(code))
