"""tf.sparse.reshape and tf.sparse.fill_empty_rows: values, static shapes, names and errors,
vs TF."""

import pytest
from oracle import fed_cases_match, outcome, run_here

_VALUES = r'''
sp = tf.sparse.placeholder(tf.int64)
spv = tf.SparseTensorValue([[0, 1], [0, 4], [2, 2], [2, 5], [3, 0]], [1, 2, 3, 4, 5], [5, 6])
r = tf.sparse.reshape(sp, [-1, 3])
r3 = tf.sparse_reshape(sp, [3, 2, 5])
f, e = tf.sparse.fill_empty_rows(sp, 7)
st = tf.SparseTensor([[0, 0], [1, 1]], [1., 2.], [2, 2])
rs = tf.sparse.reshape(st, [4, -1])
fe, ee = tf.sparse_fill_empty_rows(tf.SparseTensor([[1, 0]], [2.], [3, 2]), -1.)
with tf.Session() as s:
    out = s.run([r, r3, f, e, rs, fe, ee], {sp: spv})
result = [[o.tolist() if hasattr(o, "tolist") else [o.indices.tolist(), o.values.tolist(),
           o.dense_shape.tolist()] for o in out],
          [r.indices.name, r.values.name, str(r.dense_shape.shape), rs.dense_shape.name,
           f.indices.name, e.name, str(rs.shape), str(fe.shape)]]
'''


@pytest.mark.oracle
def test_values_and_names_match_tf(oracle):
    assert run_here(_VALUES) == oracle(_VALUES)


@pytest.mark.oracle
@pytest.mark.parametrize("shape", ["[-1, -1]", "[4, 4]", "[-1, 4]", "[2, -2]"])
def test_run_time_errors_match_tf(oracle, shape):
    code = r'''
sp = tf.sparse.placeholder(tf.int64)
r = tf.sparse.reshape(sp, tf.placeholder_with_default(%s, [2]))
with tf.Session() as s:
    try:
        s.run(r, {sp: tf.SparseTensorValue([[0, 0]], [1], [2, 3])})
        result = "ok"
    except tf.errors.OpError as e:
        result = [type(e).__name__, e.message.splitlines()[0]]
''' % shape
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
@pytest.mark.parametrize("shape", ["[-1, -1]", "[4, 4]"])
def test_graph_time_errors_match_tf(oracle, shape):
    code = "result = tf.sparse.reshape(tf.SparseTensor([[0, 0]], [1], [2, 3]), %s)" % shape
    assert outcome(run_here(code)) == outcome(oracle(code))


@pytest.mark.oracle
def test_fed_shape_errors_show_both_shapes(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.int64, [2]); out = tf.sparse_reshape("
                    "tf.SparseTensor([[0, 0]], [1.0], [2, 3]), p).indices",
                    [[4, 2], [4, -1], [-1, -1], [0, -1], [3, 2], [-1, 2]])
