"""`tf.linalg`: matrix products, decompositions, solvers and norms."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.clip import global_norm
from scopeflow.ops.linalg import einsum, matmul, matvec, tensordot
from scopeflow.ops.linalg_eig import eig, eigvals
from scopeflow.ops.linalg_expm import matrix_exponential as expm
from scopeflow.ops.linear_operator import LinearOperatorLowerTriangular
from scopeflow.ops.linalg_ops import (adjoint, cholesky, cholesky_solve, cross, det, eigh,
                                      eigvalsh, inv, logdet, lstsq, lu, matrix_rank,
                                      matrix_transpose, norm,
                                      normalize, pinv, qr, slogdet, solve, svd, trace,
                                      triangular_solve)
from scopeflow.ops.linalg_tridiag import tridiagonal_matmul, tridiagonal_solve
from scopeflow.ops.linalg_ops import matrix_square_root as sqrtm
from scopeflow.ops.nn_norm import l2_normalize

transpose = matrix_transpose


def _array_alias(name, tf_name):
    def f(*args, **kwargs):
        from scopeflow.ops.op_util import array_ops
        return getattr(array_ops, tf_name)(*args, **kwargs)

    f.__name__ = name
    f.__doc__ = "`tf.linalg.%s`: the array op `tf.%s`." % (name, tf_name)
    return f


band_part = _array_alias("band_part", "matrix_band_part")
diag = _array_alias("diag", "matrix_diag")
diag_part = _array_alias("diag_part", "matrix_diag_part")
set_diag = _array_alias("set_diag", "matrix_set_diag")
tensor_diag = _array_alias("tensor_diag", "diag")
tensor_diag_part = _array_alias("tensor_diag_part", "diag_part")
eye = _array_alias("eye", "eye")
