"""tensor_scatter_nd_update / add / sub / max / min, and scatter_nd_update / add / sub of a
variable (updates before a bad index applied, then TF's error), vs TF."""

import pytest
from array_oracle import check_graph, check_values
from oracle import ORACLE_HELPERS, RANKS, fed_cases_match, run_here, snippet_matches, \
    unknown_rank_matches

GRAPHS = [
    "a = tf.tensor_scatter_nd_update(tf.zeros([4]), [[1]], [5.]); "
    "b = tf.tensor_scatter_nd_add(tf.zeros([4, 2]), [[1]], [[5., 6.]]); "
    "c = tf.tensor_scatter_nd_sub(tf.zeros([4]), [[1]], [5.]); "
    "d = tf.tensor_scatter_update(tf.zeros([4]), [[1]], [5.]); "
    "e = tf.tensor_scatter_nd_max(tf.zeros([4]), [[1]], [5.])",
    "tf.tensor_scatter_nd_update(tf.zeros([4, 2]), [[1]], [5.])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("fn", ["update", "add", "sub", "min", "max"])
def test_tensor_fed_of_a_rank_the_graph_did_not_know_fails_as_tf(oracle, fn):
    # TF's kernel checks the shapes it is run with: scopeflow gave values (ranks 2, 3) or
    # JAX's messages
    unknown_rank_matches(oracle, "tf.tensor_scatter_nd_%s(p, [[0]], [1.])" % fn)


@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    "tf.tensor_scatter_nd_update([[1., 2.], [3., 4.]], [[0]], p)",  # updates of any rank
    "tf.tensor_scatter_nd_update(p, [[0, 1]], [1.])",
    "tf.tensor_scatter_nd_update(p, [[0]], [[1., 2., 3.]])",
    "tf.tensor_scatter_nd_add(p, [0], 1.)",  # scalar updates
    "tf.tensor_scatter_nd_update(p, tf.zeros([0, 1], tf.int32), tf.zeros([0]))",
    "tf.tensor_scatter_nd_update(tf.zeros([0, 3]), tf.zeros([0, 1], tf.int32), p)",  # empty
    "tf.tensor_scatter_nd_update(p, [[[0]], [[1]]], [[1.], [2.]])",
    "tf.tensor_scatter_nd_sub(p, [[0]], [[1., 2.]])",
])
def test_tensor_fed_shapes_fail_as_tf(oracle, expr):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32); out = " + expr, RANKS)


@pytest.mark.oracle
def test_updates_into_an_empty_tensor_fail_as_tf(oracle):
    snippet_matches(oracle, "out = [tf.tensor_scatter_nd_update(tf.zeros([0, 3]), "
                    "tf.zeros([0, 1], tf.int32), tf.zeros([0, 3])).shape.as_list()]\n"
                    "tf.tensor_scatter_nd_update(tf.zeros([0]), [[0]], [[1.]])")


VALUES = [
    "t = tf.constant(np.arange(8.).reshape(4, 2), tf.float32); i = tf.constant([[3], [0]]); "
    "u = tf.constant([[10., 20.], [30., 40.]]); fetch = [tf.tensor_scatter_nd_update(t, i, u), "
    "tf.tensor_scatter_nd_add(t, i, u), tf.tensor_scatter_nd_sub(t, i, u), "
    "tf.tensor_scatter_nd_max(t, [[1, 1]], [50.]), tf.tensor_scatter_nd_min(t, [[1, 1]], [-5.])]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)

VARIABLES = [
    ('i = tf.placeholder(tf.int32, [None, 1])\n'
     'v = tf.Variable([1., 2., 3.])\n'
     'a = tf.scatter_nd_add(v, i, [5., 6.])\n'
     'with tf.Session() as s:\n'
     '    s.run(tf.global_variables_initializer())\n'
     '    result = [a.name, a.op.type, err(lambda: s.run(a, {i: [[0], [3]]})), s.run(v).tolist(), s.run(a, {i: [[1], [1]]}).tolist()]\n'),
    ('i = tf.placeholder(tf.int32, [None, 2])\n'
     'v = tf.Variable(tf.zeros([2, 3]))\n'
     'ops = [tf.scatter_nd_update(v, i, [5., 6.]), tf.scatter_nd_sub(v, i, [1., 2.]), tf.scatter_nd_add(v, i, [7., -1.])]\n'
     'with tf.Session() as s:\n'
     '    s.run(tf.global_variables_initializer())\n'
     '    out = []\n'
     '    for o in ops:\n'
     '        out.append(s.run(o, {i: [[0, 1], [1, 2]]}).tolist())\n'
     '    out.append(err(lambda: s.run(ops[0], {i: [[0, 1], [-1, 2]]})))\n'
     '    out.append(s.run(v).tolist())\n'
     '    result = [out, [o.name for o in ops]]\n'),
    ('v = tf.Variable(tf.zeros([2, 3]))\n'
     'result = [err(lambda: tf.scatter_nd_add(v, [[0]], [1., 2.]))]\n'),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VARIABLES)
def test_scatter_nd_of_a_variable_is_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)
