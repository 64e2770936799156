"""Gradients of the Fourier transforms as TF's fft_ops builds them: the inverse transform
scaled by the transform size for FFT/IFFT (1-3D); for RFFT/IRFFT (1D, 2D) the inverse real
transform plus the terms that the half spectrum counts once (DC, and Nyquist for even
lengths). TF has no gradient for RFFT3D/IRFFT3D."""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.ops import math as m
from scopeflow.ops import spectral as sp
from scopeflow.ops.array import reshape
from scopeflow.ops.array_base import static_value
from scopeflow.ops.joining import concat, tile
from scopeflow.ops.linalg import matmul
from scopeflow.ops.math_cast import cast
from scopeflow.ops.math_unary import UNARY, conj, real, reciprocal
from scopeflow.ops.op_util import array_ops
from scopeflow.ops.reductions import reduce_prod
from scopeflow.ops.shape_ops import ones, rank, shape
from scopeflow.ops.shape_ops import range as range_


def _size(t, n):
    """The element count of `t`'s innermost `n` dims (a Prod over tf.shape, as TF)."""
    return reduce_prod(shape(t)[-n:])


def _c2c_grad(inverse_of, n, scale_up):
    def grad_fn(_, grad):
        if scale_up:
            scale = cast(_size(grad, n), grad.dtype)
        else:
            scale = cast(1. / cast(_size(grad, n), grad.dtype.real_dtype), grad.dtype)
        return sp._C2C[inverse_of](grad) * scale
    return grad_fn


for _t, _inv, _n in (("FFT", "IFFT", 1), ("IFFT", "FFT", 1), ("FFT2D", "IFFT2D", 2),
                     ("IFFT2D", "FFT2D", 2), ("FFT3D", "IFFT3D", 3), ("IFFT3D", "FFT3D", 3)):
    gradient(_t)(_c2c_grad(_inv, _n, not _t.startswith("I")))


def _ymask(length, dtype):
    """[1, -1, 1, -1, ...] of `length`, complex."""
    return cast(1 - 2 * (range_(length) % 2), dtype)


def _mask_matrix(length, dtype):
    """exp(-2 pi i a b / length) over a, b in range(length): the DFT matrix."""
    a = tile(array_ops.expand_dims(range_(length), 0), (length, 1))
    b = array_ops.transpose(a, [1, 0])
    return UNARY["Exp"](-2j * np.pi * cast(a * b, dtype) / cast(length, dtype))


def _tile_for_broadcasting(matrix, t):
    expanded = reshape(matrix, concat([ones([rank(t) - 2], _dt.int32), shape(matrix)], 0))
    return tile(expanded, concat([shape(t)[:-2], [1, 1]], 0))


def _rfft_grad(n, irfft_fn):
    def grad_fn(op, grad):
        fft_length = op._inputs[1]
        cdt = grad.dtype.base_dtype
        input_shape = shape(op._inputs[0])
        is_even = cast(1 - (fft_length[-1] % 2), cdt)
        y0 = grad[..., 0:1]
        if n == 1:
            ym = grad[..., -1:]
            extra = y0 + is_even * ym * _ymask(input_shape[-1], cdt)
        else:
            tiled = _tile_for_broadcasting(_mask_matrix(input_shape[-2], cdt), y0)
            extra = matmul(tiled, conj(y0))
            ym = grad[..., -1:]
            ym_term = matmul(tiled, conj(ym))
            inner = input_shape[-1]
            ym_term = tile(ym_term, concat([ones([rank(grad) - 1], _dt.int32), [inner]], 0)) \
                * _ymask(inner, cdt)
            extra += is_even * ym_term
        input_size = cast(_size(op._inputs[0], n), cdt.real_dtype)
        the_irfft = irfft_fn(grad, fft_length)
        return 0.5 * (the_irfft * input_size + real(extra)), None
    return grad_fn


def _irfft_grad(n, rfft_fn):
    def grad_fn(op, grad):
        fft_length = op._inputs[1]
        known = static_value(fft_length)
        if known is not None:
            fft_length = np.asarray(known, np.int32)
        rdt = grad.dtype.base_dtype
        cdt = sp._COMPLEX_OF[rdt.name]
        is_odd = m.mod(fft_length[-1], 2, name="mod")
        last = shape(op._inputs[0])[-1]
        mask = concat([[1.0], 2.0 * ones([last - 2 + is_odd], rdt), ones([1 - is_odd], rdt)],
                      0)
        rsize = reciprocal(cast(_size(grad, n), rdt))
        return rfft_fn(grad, fft_length) * cast(rsize * mask, cdt), None
    return grad_fn


gradient("RFFT")(_rfft_grad(1, sp.irfft))
gradient("IRFFT")(_irfft_grad(1, sp.rfft))
gradient("RFFT2D")(_rfft_grad(2, sp.irfft2d))
gradient("IRFFT2D")(_irfft_grad(2, sp.rfft2d))
