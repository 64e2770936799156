"""Gradients of MatrixInverse, MatrixDeterminant, LogMatrixDeterminant, MatrixSolve,
MatrixSolveLs, TridiagonalSolve, TridiagonalMatMul, MatrixSquareRoot, Cholesky,
BandedTriangularSolve,
MatrixTriangularSolve, Cross, SelfAdjointEigV2, Svd and Qr: TF's graph (names, types, inputs,
devices) and values in float32 and float64 (and complex for the decompositions), batched and
adjoint, square, deep and wide; TF's error for a singular matrix (the gradient inverts it
again), TF's NotImplementedErrors, and TF's finite values at repeated eigenvalues."""

import pytest
from approx import agree, check_grad_graph, explain
from oracle import outcome, run_here

A = "np.array([[[2., 1., 0.], [1., 3., 1.], [0., 1., 4.]], [[1., 2., 0.], [0., 1., 5.], " \
    "[3., 0., 1.]]], np.float32)"
B = "np.array([[[1., 2.], [0., 1.], [3., 1.]], [[0., 1.], [2., 2.], [1., 0.]]], np.float32)"

CASES = [
    "x = tf.constant(%s); y = tf.matrix_inverse(x)" % A,
    "x = tf.constant(%s); y = tf.matrix_inverse(x[0] * 2.0, adjoint=True)" % A,
    "x = tf.constant(%s); y = tf.matrix_determinant(x)" % A,
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.matrix_determinant(x)",
    "x = tf.constant(%s); y = tf.linalg.slogdet(x)[1]" % A,
    "x = tf.constant(%s); y = tf.matrix_solve(x, tf.constant(%s))" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_solve(x, tf.constant(%s), adjoint=True)" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_solve(x[1], tf.constant(%s)[0])" % (A, B),
    "x = tf.constant(%s); y = tf.cholesky(tf.matmul(x, x, transpose_b=True))" % A,
    "x = tf.placeholder(tf.float32, [None, 3, 3]); "
    "y = tf.cholesky(x + tf.eye(3, dtype=x.dtype) * 9.0)",
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x, tf.constant(%s))" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x, tf.constant(%s), lower=False, "
    "adjoint=True)" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x[0], tf.constant(%s))" % (A, B),
    "x = tf.constant(%s); y = tf.linalg.cross(x, x[..., ::-1] * x)" % A,
    # MatrixSolveLs (fast): the normal equations of the first kind or of the second
    "x = tf.constant(%s); y = tf.raw_ops.MatrixSolveLs(matrix=x, rhs=tf.constant(%s), "
    "l2_regularizer=tf.constant(0.5, tf.float64))" % (A, B),
    "x = tf.constant(%s); y = tf.raw_ops.MatrixSolveLs(matrix=tf.matrix_transpose(x), "
    "rhs=x[:, :2], l2_regularizer=tf.constant(0.0, tf.float64))" % B,
    # tridiagonal: A's matrices as compact diagonals (super, main, sub) of 3 x 3 systems
    "x = tf.constant(%s); y = tf.linalg.tridiagonal_solve(x + [[0.], [3.], [0.]], "
    "x[..., :2] * x[..., 1:])" % A,
    "x = tf.constant(%s); y = tf.linalg.tridiagonal_solve(x + 4.0, tf.constant(%s), "
    "partial_pivoting=False)" % (A, B),
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.linalg.tridiagonal_solve(x + 4.0, "
    "x[..., :1])",
    "x = tf.constant(%s); y = tf.linalg.tridiagonal_matmul(x, x[..., :2] * x[..., 1:])" % A,
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.linalg.tridiagonal_matmul([x[:, 0], "
    "x[:, 1], x[:, 2]], x, diagonals_format='sequence')",
    "x = tf.constant(%s); y = tf.linalg.sqrtm(tf.matmul(x, x, transpose_b=True) + 1.0)" % A,
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.linalg.sqrtm(x + 4.0)",
    # BandedTriangularSolve: A's rows as bands (main diagonal first when lower, last if upper)
    "x = tf.constant(%s); y = tf.raw_ops.BandedTriangularSolve(matrix=x[:, :2] + 2.0, "
    "rhs=tf.constant(%s))" % (A, B),
    "x = tf.constant(%s); y = tf.raw_ops.BandedTriangularSolve(matrix=x[0] + 2.0, "
    "rhs=tf.constant(%s), lower=False, adjoint=True)" % (A, B),
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.raw_ops.BandedTriangularSolve("
    "matrix=x + 3.0, rhs=x[..., :2])",
]

# the decompositions' outputs enter the loss squared (or as values): signs of vectors are free
DECOMPOSITIONS = [
    "x = tf.constant(%s); e, v = tf.linalg.eigh(x + tf.matrix_transpose(x)); "
    "y = e[..., None] * tf.square(v)" % A,
    "x = tf.constant(%s); e, v = tf.linalg.eigh(x); y = e[..., None] + tf.square(v)" % A,
    "x = tf.constant(%s); y = tf.linalg.eigh(x)[0]" % A,
    "x = tf.constant(%s); y = tf.linalg.eigvalsh(x)" % A,
    "x = tf.placeholder(tf.float32, [None, 3, 3]); e, v = tf.linalg.eigh(x); "
    "y = e[..., None] * tf.square(v)",
    "x = tf.constant(%s); s, u, v = tf.linalg.svd(x); "
    "y = tf.square(u) * s[..., None, :] + tf.square(v)" % A,
    "x = tf.constant(%s); s, u, v = tf.linalg.svd(x); y = tf.square(u)" % B,
    "x = tf.constant(%s); s, u, v = tf.linalg.svd(tf.matrix_transpose(x)); "
    "y = tf.square(v) * s[..., None, :]" % B,
    "x = tf.constant(%s); s, u, v = tf.linalg.svd(x, full_matrices=True); "
    "y = tf.reduce_sum(tf.square(u)) + s "
    "+ tf.reduce_sum(tf.square(v) * tf.cast(tf.range(2), x.dtype))" % B,
    "x = tf.constant(%s); y = tf.linalg.svd(x, compute_uv=False)" % A,
    "x = tf.constant(%s); y = tf.linalg.svd(x)[0]" % B,
    "x = tf.constant(%s); q, r = tf.linalg.qr(x); y = q + r" % A,
    "x = tf.constant(%s); q, r = tf.linalg.qr(x); y = tf.reduce_sum(q) + r" % B,
    "x = tf.constant(%s); q, r = tf.linalg.qr(tf.matrix_transpose(x)); "
    "y = tf.reduce_sum(r) + q" % B,
    "x = tf.constant(%s); y = tf.linalg.qr(x, full_matrices=True)[1]" % A,
    "x = tf.constant(%s); y = tf.linalg.qr(x)[0]" % B,
]


def _built(case, ys, feed="None"):
    """A grad_graph `build` of `case` (which sets x and y) differentiating `ys`."""
    return ("def build(dt):\n    %s\n    return %s, x, %s\n"
            % (case.replace("; ", "\n    "), ys, feed))


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES + DECOMPOSITIONS)
def test_linalg_gradients_match_tf(oracle, case, dtype):
    check_grad_graph(oracle, (
        _built(case, "tf.sin(y)", "{x: %s} if x.op.type == 'Placeholder' else None" % A)
        + "result = grad_graph(build, (tf.float32,))\n").replace("float32", dtype))


SINGULAR = """
x = tf.placeholder(tf.float32, [2, 2])
g = tf.gradients(tf.matrix_determinant(x), x)[0]
with tf.Session() as s:
    try:
        result = s.run(g, {x: [[1.0, 2.0], [2.0, 4.0]]}).tolist()
    except tf.errors.InvalidArgumentError as e:
        result = str(e).split("Node: ")[1].split("\\n")[:2]
"""


def test_the_gradient_of_a_singular_determinant_fails_as_tf(oracle):
    here, there = run_here(SINGULAR), oracle(SINGULAR)
    assert there["ok"][1] == "Input is not invertible."
    assert outcome(here) == outcome(there)


UNSUPPORTED = [
    "x = tf.constant(%s); y = tf.linalg.lstsq(x, x, fast=False)" % A,
    # (TF's cond over unknown shapes returns None for l2_regularizer: TF fails to build it)
    "x = tf.placeholder(tf.float32, [None, None, None]); y = tf.raw_ops.MatrixSolveLs("
    "matrix=x, rhs=x[..., :1], l2_regularizer=tf.constant(0.0, tf.float64))",
    "x = tf.constant(%s); y = tf.linalg.qr(x, full_matrices=True)[1]" % B,
    "x = tf.placeholder(tf.float32, [2, None, 3]); y = tf.linalg.qr(x)[1]",
    "x = tf.constant(np.ones([4, 2], np.float32)); y = tf.linalg.svd(x, full_matrices=True)[1]",
    "x = tf.placeholder(tf.float32, [2, 3, None]); y = tf.linalg.svd(x)[1]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", UNSUPPORTED)
def test_gradients_tf_does_not_implement_raise_as_tf(oracle, case):
    code = case + "\nresult = tf.gradients(y, x)[0].name\n"
    here, there = run_here(code), oracle(code)
    assert there["raises"] in ("NotImplementedError", "ValueError"), there
    assert agree(here, there), explain(code, here, there)


DEGENERATE = """
x = tf.constant([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
e, v = tf.linalg.eigh(x)
s = tf.linalg.svd(x - tf.eye(3) * 2.0, compute_uv=False)
g = tf.gradients([tf.sin(e), tf.square(v), tf.sin(s)], x)
with tf.Session() as sess:
    result = sess.run(g)[0].tolist()
"""


def test_gradients_at_repeated_eigen_and_zero_singular_values_as_tf(oracle):
    # 1 / (e_i - e_j) is TF's safe reciprocal: 0 for equal values, no inf or nan
    here, there = run_here(DEGENERATE), oracle(DEGENERATE)
    assert agree(here, there), explain(DEGENERATE, here, there)


X = "tf.complex(tf.constant(%s), tf.constant(%s[..., ::-1, :] * 0.5))"
COMPLEX = [  # losses of |v|^2 and |u|^2: the vectors' phases are free
    "x = %s; e, v = tf.linalg.eigh(x); y = v * tf.conj(v) * tf.cast(tf.range(3.0), v.dtype) "
    "+ e[..., None]" % (X % (A, A)),
    "x = %s; s, u, v = tf.linalg.svd(x); y = v * tf.conj(v) * tf.cast(tf.range(3.0), v.dtype) "
    "+ u * tf.conj(u) + tf.cast(s, v.dtype)[..., None, :]" % (X % (A, A)),
    "x = %s; s, u, v = tf.linalg.svd(x); y = u * tf.conj(u) + tf.cast(s, u.dtype)[..., None, :] "
    "+ tf.reduce_sum(v * tf.conj(v) * tf.cast(tf.range(2.0), v.dtype))" % (X % (B, B)),
    "x = %s; q, r = tf.linalg.qr(x); y = q + tf.reduce_sum(r)" % (X % (A, A)),
    "x = %s; q, r = tf.linalg.qr(x); y = tf.reduce_sum(q) + r" % (X % (B, B)),
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", COMPLEX)
def test_complex_decomposition_gradients_match_tf(oracle, case):
    check_grad_graph(oracle, _built(case, "tf.reduce_sum(tf.abs(y))")
                     + "result = grad_graph(build, (None,))\n")
