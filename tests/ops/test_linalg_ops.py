"""tf.linalg ops of linalg_ops.py against TF: lstsq / matrix_solve_ls (TF's Cholesky
composite, its cond for unknown shapes, the MatrixSolveLs op for fast=False or a large batch)
and sqrtm (MatrixSquareRoot: NaN for a real matrix with a negative real eigenvalue, as Eigen's
real Schur method) and BandedTriangularSolve: graph-time errors, values and the ops' run-time
errors."""

import pytest
from math_oracle import check_all_ops, check_outputs, check_values

from oracle import fed_cases_match, snippet_matches, unknown_rank_matches

LSTSQ_GRAPHS = [
    "a = tf.placeholder(tf.float32, [2, 3]); b = tf.placeholder(tf.float32, [2, 1]); r = "
    "[tf.linalg.lstsq(a, b, l2_regularizer=0.5), tf.matrix_solve_ls(tf.matrix_transpose(a), "
    "tf.ones([3, 2])), tf.linalg.lstsq(a, b, fast=False)]",
    "a = tf.placeholder(tf.float32, [None, None]); r = tf.linalg.lstsq(a, "
    "tf.placeholder(tf.float32, [None, 1]))",
    "a = tf.placeholder(tf.float64, [4, 3, 2]); r = tf.linalg.lstsq(a, a, "
    "l2_regularizer=tf.constant(0.1, tf.float64))",
    "a = tf.placeholder(tf.float32, [20000, 2, 2]); r = tf.linalg.lstsq(a, a[..., :1])",
]

LSTSQ_ERRORS = [
    "r = tf.linalg.lstsq(tf.zeros([3, 2]), tf.zeros([4, 1]), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([3]), tf.zeros([3, 1]), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([3, 2]), tf.zeros([3]), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([5, 3, 2]), tf.zeros([4, 3, 1]), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([5, 3, 2]), tf.zeros([3, 1]), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([3, 2], tf.int32), tf.zeros([3, 1], tf.int32), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([3, 2], tf.complex128), tf.zeros([3, 1], tf.complex128), "
    "l2_regularizer=1.0)",
    "r = tf.linalg.lstsq(tf.zeros([3, 2], tf.float16), tf.zeros([3, 1], tf.float16), fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([3, 2]), tf.zeros([3, 1]), l2_regularizer=[1.0], fast=False)",
    "r = tf.linalg.lstsq(tf.zeros([5, 3, 2]), tf.zeros([5, 3, 4]), fast=False)",
]

LSTSQ_VALUES = (
    "rs = np.random.RandomState(5); av = rs.randn(2, 4, 3); bv = rs.randn(2, 4, 2)\n"
    "a = tf.placeholder(tf.float64, [2, 4, 3]); b = tf.placeholder(tf.float64, [2, 4, 2])\n"
    "p = tf.placeholder(tf.float64); q = tf.placeholder(tf.float64)\n"
    "l2 = tf.constant(0.25, tf.float64)\n"
    "fetch = [tf.linalg.lstsq(a, b), tf.linalg.lstsq(a, b, l2_regularizer=0.5), "
    "tf.linalg.lstsq(a, b, fast=False), tf.linalg.lstsq(a, b, l2_regularizer=3.0, fast=False), "
    "tf.linalg.lstsq(tf.matrix_transpose(a), a[:, :3, :1]), "
    "tf.linalg.lstsq(tf.matrix_transpose(a), a[:, :3, :1], fast=False), "
    "tf.raw_ops.MatrixSolveLs(matrix=a, rhs=b, l2_regularizer=l2), "
    "tf.raw_ops.MatrixSolveLs(matrix=tf.matrix_transpose(a), rhs=a[:, :3], l2_regularizer=l2), "
    "tf.linalg.lstsq(p, q)]\n"
    "feed = {a: av, b: bv, p: av[0, :2], q: bv[0, :2]}")

# fed shapes and values the MatrixSolveLs kernel refuses
LS = ("p = tf.placeholder(tf.float32); out = tf.raw_ops.MatrixSolveLs(matrix=p, "
      "rhs=tf.ones([3, 1]), l2_regularizer=tf.constant(0.0, tf.float64), fast=%s)")
LS_FED = [[1.0, 2.0, 3.0], [[1.0, 2.0]] * 2, [[[1.0, 2.0]] * 3], [[0.0, 0.0]] * 3]


@pytest.mark.oracle
def test_lstsq_graphs_match_tf(oracle):
    check_all_ops(oracle, LSTSQ_GRAPHS)
    check_outputs(oracle, LSTSQ_ERRORS)


@pytest.mark.oracle
def test_lstsq_values_match_tf(oracle):
    check_values(oracle, LSTSQ_VALUES, rtol=1e-9, atol=1e-9)


@pytest.mark.oracle
@pytest.mark.parametrize("fast", [True, False])
def test_fed_lstsq_fails_as_tf(oracle, fast):
    fed_cases_match(oracle, LS % fast, LS_FED)


@pytest.mark.oracle
def test_fed_regularizer_must_be_a_scalar_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float64); out = tf.raw_ops.MatrixSolveLs("
                    "matrix=tf.ones([3, 2]), rhs=tf.ones([3, 1]), l2_regularizer=p)", [[1.0]])


SQRTM_GRAPHS = [
    "r = [tf.linalg.sqrtm(tf.placeholder(tf.float32, [2, 3, 3])), tf.linalg.sqrtm("
    "tf.placeholder(tf.float32, [2, 3, 3]), name='sq'), tf.matrix_square_root("
    "tf.placeholder(tf.float32)), tf.linalg.sqrtm(tf.placeholder(tf.complex64, [None, None]))]",
    "r = tf.linalg.sqrtm(tf.zeros([3]))",
    "r = tf.linalg.sqrtm(tf.zeros([3, 2]))",
    "r = tf.linalg.sqrtm(tf.zeros([3, 3], tf.int32))",
]

SQRTM_VALUES = (
    "p = tf.placeholder(tf.float64, [None, 3, 3]); c = tf.placeholder(tf.complex128, [2, 2])\n"
    "f = tf.placeholder(tf.float32, [3, 3])\n"
    "fetch = [tf.linalg.sqrtm(p), tf.linalg.sqrtm(c), tf.linalg.sqrtm(f), "
    "tf.linalg.sqrtm(p[:, :0, :0]), tf.linalg.sqrtm(tf.complex(p, p[:, ::-1]))]\n"
    "feed = {p: [[[2., 1, 0], [1, 3, 1], [0, 1, 4]], [[0., -1, 0], [1, 0, 0], [0, 0, 1]], "
    "[[1., 2, 0], [3, 4, 0], [0, 0, 1]], [[-1., 0, 0], [0, 4, 0], [0, 0, 9]], "
    "[[0., 0, 0], [0, 0, 0], [0, 0, 0]]], c: [[1. + 1j, 2], [0, 3j]], "
    "f: [[4., 1, 0], [1, 3, 1], [0, 1, 5]]}")


@pytest.mark.oracle
def test_sqrtm_graphs_match_tf(oracle):
    check_all_ops(oracle, SQRTM_GRAPHS[:1])
    check_outputs(oracle, SQRTM_GRAPHS[1:])


@pytest.mark.oracle
def test_sqrtm_values_match_tf(oracle):
    check_values(oracle, SQRTM_VALUES, rtol=1e-9, atol=1e-9)


@pytest.mark.oracle
def test_fed_sqrtm_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32); out = tf.linalg.sqrtm(p)",
                    [[1.0, 2.0], [[1.0, 2.0]]])


BANDED = "tf.raw_ops.BandedTriangularSolve"
BANDED_GRAPHS = ["r = " + c for c in [
    "[%s(matrix=tf.placeholder(tf.float32, [2, 2, 3]), rhs=tf.placeholder(tf.float32, "
    "[2, 3, 4])), %s(matrix=tf.placeholder(tf.float32, [1, 2, 3]), rhs=tf.placeholder("
    "tf.float32, [4, 3, 1]), lower=False, adjoint=True, name='bb'), %s(matrix="
    "tf.placeholder(tf.float32), rhs=tf.placeholder(tf.float32, [3, 1]))]" % ((BANDED,) * 3),
    "%s(matrix=tf.zeros([2, 3]), rhs=tf.zeros([4, 1]))" % BANDED,
    "%s(matrix=tf.zeros([3]), rhs=tf.zeros([3, 1]))" % BANDED,
    "%s(matrix=tf.zeros([4, 3]), rhs=tf.zeros([3, 1]))" % BANDED,
    "%s(matrix=tf.zeros([2, 2, 3]), rhs=tf.zeros([3, 3, 1]))" % BANDED,
    "%s(matrix=tf.zeros([2, 3], tf.int32), rhs=tf.zeros([3, 1], tf.int32))" % BANDED,
]]

BANDED_VALUES = (
    "m = tf.placeholder(tf.float64, [None, None, 3]); r = tf.placeholder(tf.float64, [3, 2])\n"
    "fetch = [%s(matrix=m, rhs=r, lower=lo, adjoint=adj) for lo in (True, False) "
    "for adj in (False, True)] + [%s(matrix=m[:, :1], rhs=r), %s(matrix=tf.complex(m, m), "
    "rhs=tf.complex(r, r), adjoint=True)]\n"
    "feed = {m: [[[2., 3, 4], [1, 5, 6], [1, 1, 1]], [[2., 3, 4], [1, 5, 6], [-1, 2, 3]]], "
    "r: np.arange(6.).reshape(3, 2)}" % ((BANDED,) * 3))

BANDED_FED = ("p = tf.placeholder(tf.float32); out = tf.raw_ops.BandedTriangularSolve(matrix=p, "
              "rhs=tf.ones([3, 2]))")


@pytest.mark.oracle
def test_banded_triangular_solve_graphs_match_tf(oracle):
    check_all_ops(oracle, BANDED_GRAPHS[:1])
    check_outputs(oracle, BANDED_GRAPHS[1:])


@pytest.mark.oracle
def test_banded_triangular_solve_values_match_tf(oracle):
    check_values(oracle, BANDED_VALUES, rtol=1e-12, atol=1e-12)


@pytest.mark.oracle
def test_fed_banded_triangular_solve_fails_as_tf(oracle):
    fed_cases_match(oracle, BANDED_FED, [[[2.0, 0.0, 1.0]], [[[1.0] * 2] * 2], [1.0] * 3,
                                         [[[1.0] * 3]] * 2])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.linalg.matrix_transpose(p)',
    'tf.linalg.lu(p)[0]',
])
def test_unknown_rank_fed_matrix_transpose_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)


# tf.linalg.cross: TF's Cross shape function merges the two shapes (no broadcasting)
@pytest.mark.oracle
@pytest.mark.parametrize("shapes", [
    ([2, 3], [3, 3]), ([2, 3], [3]), ([], [3]), ([3], []), ([2, 4], [2, 3]), ([None, 3], [2, None]),
    ([None, 4], [2, 3]), (None, [2, 3]), ([1, 3], [2, 3]), ([2, None], [2, None]),
])
def test_cross_shapes_as_tf(oracle, shapes):
    a, b = shapes
    snippet_matches(oracle, "x = tf.linalg.cross(tf.placeholder(tf.float32, %r), "
                            "tf.placeholder(tf.float32, %r)); result = x.shape" % (a, b))
