"""Gradients of MatrixInverse, MatrixDeterminant, LogMatrixDeterminant, MatrixSolve, Cholesky
and MatrixTriangularSolve:
TF's graph (names, types, inputs, devices) and values, batched and adjoint, and TF's error
for a singular matrix (the gradient inverts it again)."""

import pytest
from approx import agree, explain
from oracle import outcome, run_here

RECORD = (
    "def record(grads, feed):\n"
    "    ops = [[o.name, o.type, [i.name for i in o.inputs], o.device]\n"
    "           for o in tf.get_default_graph().get_operations() if '_grad' in o.name]\n"
    "    with tf.Session() as s:\n"
    "        return [ops, [v.tolist() for v in s.run(grads, feed)]]\n")

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
    "x = tf.placeholder(tf.float32, [None, 3, 3]); y = tf.cholesky(x + tf.eye(3) * 9.0)",
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x, tf.constant(%s))" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x, tf.constant(%s), lower=False, "
    "adjoint=True)" % (A, B),
    "x = tf.constant(%s); y = tf.matrix_triangular_solve(x[0], tf.constant(%s))" % (A, B),
]


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_linalg_gradients_match_tf(oracle, case):
    code = RECORD + case + (
        "\ng = tf.gradients(tf.sin(y), x)\n"
        "result = record(g, {x: %s} if x.op.type == 'Placeholder' else None)\n" % A)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


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
