"""tf.sparse basics vs TF: graphs (names, types, static shapes), values, fed shapes, errors."""

import pytest
from array_oracle import check_graph, check_values
from oracle import fed_cases_match, run_here

_BUILD = (
    "sp = tf.SparseTensor(indices=[[0, 1], [2, 0]], values=[5, 7], dense_shape=[3, 2]); "
    "d = tf.sparse_tensor_to_dense(sp); s_all = tf.sparse_reduce_sum(sp); "
    "s_ax = tf.sparse_reduce_sum(sp, axis=1); k = tf.sparse.reduce_sum(sp, 0, keepdims=True); "
    "sp2 = tf.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2]); ro = tf.sparse_reorder(sp2); "
    "add = tf.sparse_add(ro, tf.SparseTensor([[0, 1]], [10.0], [2, 2])); "
    "dense_add = tf.sparse.add(ro, tf.ones([2, 2])); "
    "mm = tf.sparse_tensor_dense_matmul(ro, tf.constant([[1.0], [1.0]])); "
    "mt = tf.sparse.sparse_dense_matmul(ro, tf.ones([3, 2]), adjoint_a=True, adjoint_b=True); "
    "d2 = tf.sparse.to_dense(add, default_value=-1.); "
    "ph = tf.sparse_placeholder(tf.float32); d3 = tf.sparse.to_dense(ph); "
    "ph2 = tf.sparse.placeholder(tf.int32, [None, 4], name='sp'); "
    "old = tf.sparse_to_dense([[0], [2]], [4], [3., 4.]); "
)
GRAPHS = [
    _BUILD + "result = [str(t) for t in (sp, ro, add, ph2)] + [t.shape.as_list() "
             "for t in (sp, ro, add, ph2, d, d2, dense_add)] + [sp.dtype.name, sp.op.name]",
    "tf.sparse_add(tf.ones([2]), tf.ones([2]))",
    # TF's gradient graph of SparseTensorDenseMatMul, each adjoint combination
    "v = tf.placeholder(tf.float32, [None]); sp = tf.SparseTensor([[0, 1], [2, 0]], v, [3, 3]);"
    " w = tf.constant([[1., 2., 0.], [3., 4., 1.], [5., 6., 2.]]); "
    "gs = [tf.gradients(tf.reduce_sum(tf.sparse_tensor_dense_matmul(sp, w, adjoint_a=a, "
    "adjoint_b=b) ** 2), [w, v]) for a in (False, True) for b in (False, True)]; "
    "result = [[t.shape.as_list() for t in g] for g in gs]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    _BUILD + "fetch = [d, s_all, s_ax, k, ro.indices, ro.values, add.indices, add.values, "
             "add.dense_shape, dense_add, mm, mt, d2, old]",
    # fed parts of a SparseTensor (the dense shape sets the output shape)
    "i = tf.placeholder(tf.int64, [None, 2]); v = tf.placeholder(tf.float32, [None]); "
    "s = tf.placeholder(tf.int64, [2]); sp = tf.SparseTensor(i, v, s); "
    "a = tf.sparse_add(sp, tf.SparseTensor([[0, 0], [1, 1]], [1., -2.], [2, 3]), 0.5); "
    "fetch = [tf.sparse.to_dense(sp), tf.sparse.reduce_sum(sp, 1), tf.sparse.to_dense(a), "
    "tf.sparse.sparse_dense_matmul(sp, tf.ones([3, 2]))]; "
    "feed = {i: [[0, 0], [1, 1], [1, 2]], v: [1., 2., 3.], s: [2, 3]}",
    # gradients through sparse_dense_matmul and to_dense (a sparse-features model)
    "i = tf.placeholder(tf.int64, [None, 2]); v = tf.placeholder(tf.float32, [None]); "
    "s = tf.placeholder(tf.int64, [2]); sp = tf.SparseTensor(i, v, s); "
    "w = tf.constant([[1., 2.], [3., 4.], [5., 6.]]); y = tf.sparse_tensor_dense_matmul(sp, w); "
    "d = tf.sparse.to_dense(sp); loss = tf.reduce_sum(y * y) + tf.reduce_sum(d * d * 3.); "
    "fetch = tf.gradients(loss, [w, v]); "
    "feed = {i: [[0, 1], [1, 1], [2, 0]], v: [1., 2., 3.], s: [3, 3]}",
    # both gradients for each adjoint combination (TF's graph: a SparseTensorDenseMatMul of the
    # gradient by a's adjoint, and gathers of rows as 1x1 batch matmuls)
    "i = tf.placeholder(tf.int64, [None, 2]); v = tf.placeholder(tf.float32, [None]); "
    "sp = tf.SparseTensor(i, v, [3, 3]); w = tf.constant([[1., 2.], [3., 4.], [5., 6.]]); "
    "wt = tf.constant([[1., 2., 3.], [4., 5., 6.]]); "
    "fetch = [tf.gradients(tf.reduce_sum(tf.sin(tf.sparse_tensor_dense_matmul("
    "sp, m, adjoint_a=a, adjoint_b=b))), [m, v]) for a in (False, True) "
    "for b, m in ((False, w), (True, wt))]; "
    "feed = {i: [[0, 1], [1, 1], [2, 0], [2, 2]], v: [1., 2., 3., -1.5]}",
    # a computed (reordered) sparse operand times a constant dense one, in the program
    "sp = tf.sparse_reorder(tf.SparseTensor([[1, 0], [0, 1]], [1., 2.], [2, 2])); "
    "fetch = [tf.sparse_tensor_dense_matmul(sp, tf.constant([[1.], [3.]])), "
    "tf.sparse_tensor_dense_matmul(sp, tf.constant([[1., 2.]]), adjoint_b=True)]; feed = {}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


_ERRORS = r'''
out = []
def run(f):
    try:
        with tf.Session() as s:
            return s.run(f).tolist()
    except tf.errors.OpError as e:
        m = str(e)
        return [type(e).__name__, e.op.name, m[m.find("Node:"):m.find("\t [[")]]
for ind, check in [([[1, 0], [0, 1]], True), ([[1, 0], [5, 1]], True), ([[1, 0], [1, 0]], True),
                   ([[1, 0], [0, 1]], False), ([[0, 0], [-1, 0]], False)]:
    sp = tf.SparseTensor(indices=ind, values=[1, 2], dense_shape=[2, 2])
    out.append(run(tf.sparse_tensor_to_dense(sp, validate_indices=check)))
result = out
'''


@pytest.mark.oracle
def test_index_errors_match_tf(oracle):
    assert run_here(_ERRORS) == oracle(_ERRORS)


def test_fetching_a_sparse_tensor_gives_a_sparse_tensor_value(tf):
    ph = tf.sparse_placeholder(tf.float32)
    parts = (ph.indices, ph.values, ph.dense_shape)
    with tf.Session() as s:
        got = s.run(ph, {parts: ([[0, 1]], [3.0], [1, 2])})
    assert isinstance(got, tf.SparseTensorValue)
    assert got.indices.tolist() == [[0, 1]] and got.dense_shape.tolist() == [1, 2]


_PLACEHOLDERS = r'''
a = tf.sparse_placeholder(tf.float32, shape=[3, 4])
b = tf.sparse_placeholder(tf.float32, shape=[None, 4], name="b")
c = tf.sparse_placeholder(tf.float32, shape=tf.constant([5, 6], dtype=tf.int64))
d = tf.sparse_placeholder(tf.float32, shape=tf.constant([5, 6], dtype=tf.int64), name="d")
result = [[(o.name, o.type) for o in tf.get_default_graph().get_operations()],
          [[s.shape.as_list(), s.indices.shape.as_list(), s.dense_shape.op.type]
           for s in (a, b, c, d)]]
with tf.Session() as sess:
    v = tf.SparseTensorValue([[0, 1]], [2.], [2, 3])
    result += [sess.run(c.dense_shape).tolist(), sess.run(tf.shape(tf.sparse.to_dense(c)),
                                                          {c: v}).tolist()]
'''


@pytest.mark.oracle
def test_sparse_placeholder_of_a_shape_tensor_or_list_builds_tfs_graph(oracle):
    """tkipf/gcn's `sparse_placeholder(tf.float32, shape=tf.constant(shape, tf.int64))`: TF
    makes the shape a feedable PlaceholderWithDefault (also for a list of known dims)."""
    assert run_here(_PLACEHOLDERS) == oracle(_PLACEHOLDERS)


SP = "tf.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [2, 3])"
FED = [  # fed shapes TF refuses: its errors, where a value came back
    ("p = tf.placeholder(tf.int64, [None]); "
     "out = tf.sparse_add(%s, tf.SparseTensor([[0, 0]], [1.0], p)).values" % SP,
     [[2, 3], [3, 3], [2, 3, 1]]),
    ("p = tf.placeholder(tf.float32, None); out = tf.sparse_add(p, %s)" % SP,
     [[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]] * 2, [1.0, 2.0, 3.0], [[1.0, 2.0]] * 2]),
    ("p = tf.placeholder(tf.float32, [None, None]); "
     "out = tf.sparse_tensor_dense_matmul(%s, p)" % SP, [[[1.0, 2.0]] * 2, [[1.0]] * 3]),
    ("p = tf.placeholder(tf.float32, [None, None]); "
     "out = tf.sparse_tensor_dense_matmul(%s, p, adjoint_a=True, adjoint_b=True)" % SP,
     [[[1.0, 2.0, 3.0]], [[1.0, 2.0]]]),
    ("p = tf.placeholder(tf.int32, []); out = tf.sparse_reduce_sum(%s, p)" % SP,
     [2, -3, -2, 1]),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", FED)
def test_fed_values_match_tf(oracle, code, values):
    fed_cases_match(oracle, code, values)
