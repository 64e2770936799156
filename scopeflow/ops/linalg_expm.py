"""`tf.linalg.expm`: the matrix exponential as TF's graph computes it (Higham 2005): Padé
approximants of degree 3, 5, 7 (float32 / complex64 / float16) or 3, 5, 7, 9, 13 (float64 /
complex128), picked per matrix by its 1-norm, the last one of a matrix scaled by 2^-s, then
a MatrixSolve under a tf.cond on the norms being finite and s squarings in a while loop.

    >>> import scopeflow as tf
    >>> tf.linalg.expm(tf.zeros([2, 3, 3])).name
    'matrix_exponential/Reshape_1:0'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops import math as _m
from scopeflow.ops.constant import constant
from scopeflow.ops.control_flow import cond, while_loop
from scopeflow.ops.diag_ops import eye
from scopeflow.ops.gather import where_v2
from scopeflow.ops.joining import concat
from scopeflow.ops.linalg import matmul
from scopeflow.ops.linalg_ops import matrix_solve
from scopeflow.ops.math_unary import abs as abs_
from scopeflow.ops.math_unary import floor, is_finite, log
from scopeflow.ops.op_util import array_ops, name_scope, tensor
from scopeflow.ops.reductions import reduce_max, reduce_sum
from scopeflow.ops.shape_ops import fill, shape, size

__all__ = ["matrix_exponential"]

# Padé coefficients b[0..deg] of each degree (TF's linalg_impl)
_PADE = {
    3: (120.0, 60.0, 12.0),
    5: (30240.0, 15120.0, 3360.0, 420.0, 30.0),
    7: (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0),
    9: (17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0,
        110880.0, 3960.0, 90.0),
    13: (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
         129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
         40840800.0, 960960.0, 16380.0, 182.0),
}
# (norm bounds between the degrees, the largest degree's norm before scaling)
_SINGLE = ((4.258730016922831e-001, 1.880152677804762e+000), 3.925724783138660)
_DOUBLE = ((1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001,
            2.097847961257068e+000), 5.371920351148152)


def _pade(matrix, degree):
    """(U, V) of the degree's Padé approximant, the products in TF's order."""
    b = [constant(x, matrix.dtype) for x in _PADE[degree]]
    ident = eye(shape(matrix)[-2], batch_shape=shape(matrix)[:-2], dtype=matrix.dtype)
    m2 = matmul(matrix, matrix)
    if degree == 3:
        return matmul(matrix, m2 + b[1] * ident), b[2] * m2 + b[0] * ident
    m4 = matmul(m2, m2)
    if degree == 5:
        u = matmul(matrix, m4 + b[3] * m2 + b[1] * ident)
        return u, b[4] * m4 + b[2] * m2 + b[0] * ident
    m6 = matmul(m4, m2)
    if degree == 7:
        u = matmul(matrix, m6 + b[5] * m4 + b[3] * m2 + b[1] * ident)
        return u, b[6] * m6 + b[4] * m4 + b[2] * m2 + b[0] * ident
    if degree == 9:
        m8 = matmul(m6, m2)
        u = matmul(matrix, m8 + b[7] * m6 + b[5] * m4 + b[3] * m2 + b[1] * ident)
        return u, b[8] * m8 + b[6] * m6 + b[4] * m4 + b[2] * m2 + b[0] * ident
    tmp_u = matmul(m6, m6 + b[11] * m4 + b[9] * m2) + b[7] * m6 + b[5] * m4 + b[3] * m2 \
        + b[1] * ident
    u = matmul(matrix, tmp_u)
    tmp_v = b[12] * m6 + b[10] * m4 + b[8] * m2
    return u, matmul(m6, tmp_v) + b[6] * m6 + b[4] * m4 + b[2] * m2 + b[0] * ident


def _nest_where(l1_norm, bounds, cases):
    """cases[0] where the norm is below bounds[0], else the next case, and so on."""
    below = _m.less(l1_norm, constant(bounds[0], l1_norm.dtype))
    rest = cases[1] if len(bounds) == 1 else _nest_where(l1_norm, bounds[1:], cases[1:])
    return where_v2(below, cases[0], rest)


def matrix_exponential(input, name=None):  # noqa: A002
    """`tf.linalg.expm`: exp of each inner-most square matrix of `input`."""
    with name_scope(name, "matrix_exponential", [input]):
        matrix = tensor(input, name="input")
        if matrix.shape[-2:] == [0, 0]:
            return matrix
        batch_shape = matrix.shape[:-2]
        if not batch_shape.is_fully_defined():
            batch_shape = shape(matrix)[:-2]
        matrix = array_ops.reshape(matrix, concat(([-1], shape(matrix)[-2:]), axis=0))
        l1_norm = reduce_max(reduce_sum(abs_(matrix), axis=size(shape(matrix)) - 2),
                             axis=-1)[..., None, None]
        dt = matrix.dtype.base_dtype
        if dt in (_dt.float16, _dt.float32, _dt.complex64):
            (bounds, maxnorm), degrees = _SINGLE, (3, 5)
        elif dt in (_dt.float64, _dt.complex128):
            (bounds, maxnorm), degrees = _DOUBLE, (3, 5, 7, 9)
        else:
            raise ValueError("tf.linalg.expm does not support matrices of type <dtype: '%s'>"
                             % dt.name)
        two = lambda: constant(2.0, l1_norm.dtype)  # noqa: E731
        squarings = _m.maximum(floor(log(l1_norm / constant(maxnorm, l1_norm.dtype))
                                     / log(two())), 0)
        pairs = [_pade(matrix, d) for d in degrees]
        scaled = matrix / _cast(_m.pow(two(), squarings), matrix.dtype)
        pairs.append(_pade(scaled, 7 if len(degrees) == 2 else 13))
        u = _nest_where(l1_norm, bounds, [p[0] for p in pairs])
        v = _nest_where(l1_norm, bounds, [p[1] for p in pairs])
        finite = is_finite(reduce_max(l1_norm))
        nan = constant(np.nan, matrix.dtype)
        result = cond(finite, lambda: matrix_solve(-u + v, u + v),
                      lambda: fill(shape(matrix), nan))
        most = reduce_max(squarings)
        start = constant(0.0, l1_norm.dtype)

        def more(i, _):
            return cond(finite, lambda: _m.less(i, most), lambda: constant(False))

        def square(i, r):
            return i + 1, where_v2(_m.less(i, squarings), matmul(r, r), r)

        _, result = while_loop(more, square, [start, result])
        if not matrix.shape.is_fully_defined():
            return array_ops.reshape(result, concat((batch_shape, shape(result)[-2:]), axis=0))
        return array_ops.reshape(result, batch_shape.concatenate(result.shape[-2:]))


def _cast(x, dtype):
    from scopeflow.ops.math_cast import cast
    return cast(x, dtype)
