"""tf.linalg.tridiagonal_solve / tridiagonal_matmul against TF: the wrappers' graphs (compact,
sequence and matrix formats, vector and transposed right-hand sides), their errors and the
ops' shape errors, values (pivoting, Thomas's algorithm, NaNs of singular systems, perturbed
pivots) and the kernels' run-time errors."""

import pytest
from math_oracle import check_all_ops, check_outputs, check_values

from oracle import fed_cases_match

GRAPHS = [
    "r = [tf.linalg.tridiagonal_solve(tf.placeholder(tf.float32, [2, 3, 4]), "
    "tf.placeholder(tf.float32, [2, 4, 5])), tf.linalg.tridiagonal_solve(tf.placeholder("
    "tf.float32, [3, 4]), tf.placeholder(tf.float32, [4]), conjugate_rhs=True, "
    "partial_pivoting=False), tf.linalg.tridiagonal_solve(tf.placeholder(tf.complex64, [3, 4]), "
    "tf.placeholder(tf.complex64, [5, 4]), transpose_rhs=True, conjugate_rhs=True, name='ts'), "
    "tf.linalg.tridiagonal_solve(tf.placeholder(tf.float32), tf.placeholder(tf.float32))]",
    "r = tf.linalg.tridiagonal_solve([tf.placeholder(tf.float32, [3]), tf.placeholder("
    "tf.float32, [4]), tf.placeholder(tf.float32, [3])], tf.placeholder(tf.float32, [4, 2]), "
    "diagonals_format='sequence')",
    "r = tf.linalg.tridiagonal_solve(tf.placeholder(tf.float64, [None, 4, 4]), "
    "tf.placeholder(tf.float64, [None, 4, 2]), diagonals_format='matrix')",
    "r = [tf.linalg.tridiagonal_matmul(tf.placeholder(tf.float32, [2, 3, 4]), "
    "tf.placeholder(tf.float32, [2, 4, 5])), tf.linalg.tridiagonal_matmul([tf.placeholder("
    "tf.float32, [4]), tf.placeholder(tf.float32, [4]), tf.placeholder(tf.float32, [4])], "
    "tf.placeholder(tf.float32, [4, 2]), diagonals_format='sequence', name='tm'), "
    "tf.linalg.tridiagonal_matmul(tf.placeholder(tf.float32, [4, 4]), tf.placeholder("
    "tf.float32, [4, 2]), diagonals_format='matrix'), tf.linalg.tridiagonal_matmul("
    "tf.placeholder(tf.float32), tf.placeholder(tf.float32))]",
]

ERRORS = ["r = " + c for c in [
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([5]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([4]), tf.zeros([4]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([2, 3, 4]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([2, 3, 4]), tf.zeros([3, 4, 1]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([2, 4]), tf.zeros([4, 1]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([5, 1]))",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4], tf.float16), tf.zeros([4, 1], tf.float16))",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([4, 1]), perturb_singular=True, "
    "partial_pivoting=False)",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([4, 1]), diagonals_format='bad')",
    "tf.linalg.tridiagonal_solve([tf.zeros([3]), tf.zeros([4])], tf.zeros([4, 1]), "
    "diagonals_format='sequence')",
    "tf.linalg.tridiagonal_solve([tf.zeros([2]), tf.zeros([4]), tf.zeros([4])], "
    "tf.zeros([4, 1]), diagonals_format='sequence')",
    "tf.linalg.tridiagonal_solve([tf.zeros([2, 4]), tf.zeros([4]), tf.zeros([4])], "
    "tf.zeros([4, 1]), diagonals_format='sequence')",
    "tf.linalg.tridiagonal_solve(tf.zeros([3, 4]), tf.zeros([4, 1]), diagonals_format='matrix')",
    "tf.linalg.tridiagonal_matmul(tf.zeros([3, 4]), tf.zeros([5, 1]))",
    "tf.linalg.tridiagonal_matmul(tf.zeros([3, 4], tf.int32), tf.zeros([4, 1], tf.int32))",
    "tf.linalg.tridiagonal_matmul(tf.zeros([3, 4]), tf.zeros([4]))",
    "tf.linalg.tridiagonal_matmul(tf.zeros([2, 3, 4]), tf.zeros([3, 4, 1]))",
    "tf.linalg.tridiagonal_matmul(tf.zeros([3, 4]), tf.zeros([4, 1]), diagonals_format='bad')",
    "tf.raw_ops.TridiagonalSolve(diagonals=tf.zeros([3, 4]), rhs=tf.zeros([2, 4, 1]))",
    "tf.raw_ops.TridiagonalMatMul(superdiag=tf.zeros([2, 4]), maindiag=tf.zeros([1, 4]), "
    "subdiag=tf.zeros([1, 4]), rhs=tf.zeros([4, 1]))",
    "tf.raw_ops.TridiagonalMatMul(superdiag=tf.zeros([1, 3]), maindiag=tf.zeros([1, 4]), "
    "subdiag=tf.zeros([1, 4]), rhs=tf.zeros([4, 1]))",
    "tf.raw_ops.TridiagonalMatMul(superdiag=tf.zeros([2, 1, 4]), maindiag=tf.zeros([1, 4]), "
    "subdiag=tf.zeros([1, 4]), rhs=tf.zeros([4, 1]))",
    "tf.raw_ops.TridiagonalMatMul(superdiag=tf.zeros([1, 2, 4]), maindiag=tf.zeros([1, 2, 4]), "
    "subdiag=tf.zeros([1, 2, 4]), rhs=tf.zeros([1, 4, 1]))",
]]

# D: an invertible system; S: zero main diagonal (needs pivoting); Z: singular
VALUES = (
    "D = np.array([[1., 2, 3, 0], [4, 5, 6, 7], [0, 1, 2, 1]]); R = np.arange(8.).reshape(4, 2)\n"
    "S = np.array([[1., 1, 1, 1], [0, 0, 0, 0], [0, 1, 1, 1]])\n"
    "Z = np.array([[1., 1, 1, 1], [0, 5, 0, 0], [0, 0, 1, 1]])\n"
    "d = tf.placeholder(tf.float64, [None, 3, 4]); r = tf.placeholder(tf.float64, [None, 4, 2])\n"
    "c = tf.complex(d, d[:, ::-1] * 0.5); cr = tf.complex(r, -r)\n"
    "fetch = [tf.linalg.tridiagonal_solve(d, r), tf.linalg.tridiagonal_solve(d, r, "
    "partial_pivoting=False), tf.linalg.tridiagonal_solve(d, r[..., 0]), "
    "tf.linalg.tridiagonal_solve(c, tf.matrix_transpose(cr), transpose_rhs=True, "
    "conjugate_rhs=True), "
    "tf.linalg.tridiagonal_solve(c, cr, partial_pivoting=False), "
    "tf.linalg.tridiagonal_solve(d[:, :, :1], r[:, :1]), "
    "tf.linalg.tridiagonal_solve(d[:, :, :1], r[:, :1], partial_pivoting=False), "
    "tf.linalg.tridiagonal_solve(d, r, perturb_singular=True), "
    "tf.linalg.tridiagonal_solve(c, cr, perturb_singular=True), "
    "tf.linalg.tridiagonal_solve(d[:, :, :1], r[:, :1], perturb_singular=True), "
    "tf.linalg.tridiagonal_matmul(d, r), tf.linalg.tridiagonal_matmul(c, cr), "
    "tf.linalg.tridiagonal_matmul(tf.linalg.diag(d[:, 1]), r, diagonals_format='matrix'), "
    "tf.linalg.tridiagonal_solve([d[:, 0, :3], d[:, 1], d[:, 2, 1:]], r, "
    "diagonals_format='sequence')]\n"
    "feed = {d: np.stack([D, S, Z, D * 0, np.tile([[2.], [3], [-1]], 4)]), "
    "r: np.stack([R, R, R, R, -R])}")

FED = [
    ("p = tf.placeholder(tf.float32); out = tf.raw_ops.TridiagonalSolve(diagonals=p, "
     "rhs=tf.ones([4, 2]))", [[[1.0] * 4] * 2, [[1.0] * 3] * 3, [1.0] * 4, [[[1.0] * 4] * 3],
                              [[[1.0]] * 3]]),
    ("p = tf.placeholder(tf.float32); out = tf.raw_ops.TridiagonalMatMul(superdiag=p, "
     "maindiag=tf.ones([1, 4]), subdiag=tf.ones([1, 4]), rhs=tf.ones([4, 2]))",
     [[[1.0] * 4] * 2, [[1.0] * 3], [[[1.0] * 4]]]),
    ("p = tf.placeholder(tf.float32); out = tf.raw_ops.TridiagonalMatMul(superdiag=tf.ones("
     "[1, 4]), maindiag=tf.ones([1, 4]), subdiag=p, rhs=tf.ones([4, 2]))", [[[1.0] * 3]]),
]


@pytest.mark.oracle
def test_tridiagonal_graphs_match_tf(oracle):
    check_all_ops(oracle, GRAPHS)
    check_outputs(oracle, ERRORS)


@pytest.mark.oracle
def test_tridiagonal_values_match_tf(oracle):
    check_values(oracle, VALUES, rtol=1e-12, atol=1e-12)


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", FED)
def test_fed_tridiagonal_shapes_fail_as_tf(oracle, code, values):
    fed_cases_match(oracle, code, values)
