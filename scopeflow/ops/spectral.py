"""Fourier transforms (`tf.signal.fft`, `rfft`, ... and their `tf.spectral` names): TF's FFT,
IFFT, RFFT, IRFFT ops of rank 1 to 3 over the innermost dims, and TF's Python wrappers that
infer and pad for `fft_length`.

    >>> import scopeflow as tf
    >>> tf.signal.rfft(tf.zeros([3, 8])).shape.as_list()
    [3, 5]
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering.context import run_error
from scopeflow.ops.array_base import static_value
from scopeflow.ops.op_util import check_allowed, name_scope, tensor
from scopeflow.ops.registry import ShapeError, op, spec

_COMPLEX = ("complex64", "complex128")
_REAL = ("float32", "float64")
_COMPLEX_OF = {"float32": _dt.complex64, "float64": _dt.complex128}


def _at_least(t, rank):
    dims = t.shape._dims
    if dims is not None and len(dims) < rank:
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (rank, len(dims)))
    return dims


# ---- complex to complex ---------------------------------------------------------------------
def _fft_shape(rank):
    def infer(input):  # noqa: A002 - TF's input name
        check_allowed(input, "input", _COMPLEX)
        _at_least(input, rank)
        return input.shape, input.dtype.base_dtype
    return infer


def _c2c(op_type, rank, inverse):
    axes = tuple(range(-rank, 0))

    def kernel(ctx, input):  # noqa: A002
        if np.ndim(input) < rank:
            raise run_error(InvalidArgumentError, ctx.op, "Input must have rank of at least %d "
                            "but got: %s" % (rank, list(np.shape(input))))
        f = jnp.fft.ifftn if inverse else jnp.fft.fftn
        return f(input, axes=axes).astype(input.dtype)

    kernel.__name__ = op_type.lower()
    kernel.__doc__ = "TF's %s: the %s DFT over the innermost %d dims." % (
        op_type, "inverse" if inverse else "forward", rank)
    return op(op_type, infer=_fft_shape(rank), context=True)(kernel)


_C2C = {t: _c2c(t, r, t.startswith("I")) for t, r in (
    ("FFT", 1), ("IFFT", 1), ("FFT2D", 2), ("IFFT2D", 2), ("FFT3D", 3), ("IFFT3D", 3))}


def _public(op_type):
    def f(input, name=None):  # noqa: A002
        if isinstance(input, Tensor):
            return _C2C[op_type](input, name=name or op_type)
        with name_scope(name, op_type, [input]) as scope:
            return _C2C[op_type](_as_complex(input), name=scope)

    f.__name__ = op_type.lower()
    f.__doc__ = "`tf.signal.%s`: TF's %s op." % (op_type.lower(), op_type)
    return f


def _as_complex(value):
    """A value converted as TF's op_def_library does for Tcomplex (default complex64): as it
    is first, again as complex64 when that type is not allowed (a dangling Const `input`)."""
    try:
        first = tensor(value, name="input")
    except (TypeError, ValueError):
        first = None
    if first is not None and first.dtype.base_dtype.name in _COMPLEX:
        return first
    return tensor(value, name="input", preferred_dtype=_dt.complex64)


fft, ifft, fft2d, ifft2d, fft3d, ifft3d = (
    _public(t) for t in ("FFT", "IFFT", "FFT2D", "IFFT2D", "FFT3D", "IFFT3D"))


# ---- real to complex and back ---------------------------------------------------------------
def _length_dims(fft_length, rank):
    """fft_length's values (None where not known at graph time); TF's rank/size checks."""
    dims = fft_length.shape._dims
    if dims is not None:
        if len(dims) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(dims))
        if dims[0] is not None and dims[0] != rank:
            raise ShapeError("Dimension must be %d but is %d" % (rank, dims[0]))
    v = static_value(fft_length)
    return None if v is None else [int(x) for x in np.reshape(v, -1)]


def _real_shape(rank, forward):
    def infer(input, fft_length, *, Tcomplex=None, Treal=None):  # noqa: A002,N803
        check_allowed(input, "input", _REAL if forward else _COMPLEX)
        out_dt = Tcomplex if forward else Treal
        dims = _at_least(input, rank)
        lengths = _length_dims(fft_length, rank)
        if dims is None:
            return spec(None, out_dt)
        inner = [None] * rank if lengths is None else list(lengths)
        if forward and lengths is not None:
            inner[-1] = lengths[-1] // 2 + 1
        return spec(tuple(dims[:-rank]) + tuple(inner), out_dt)
    return infer


def _concrete_lengths(ctx, fft_length):
    if isinstance(fft_length, jax.core.Tracer):
        raise run_error(UnimplementedError, ctx.op, "%s needs fft_length known before the run "
                        "(a constant): scopeflow compiles a fixed transform size."
                        % ctx.op._type)
    lengths = [int(x) for x in np.reshape(np.asarray(fft_length), -1)]
    for i, n in enumerate(lengths):
        if n < 0:
            raise run_error(InvalidArgumentError, ctx.op,
                            "fft_length[%d] must >= 0, but got: %d" % (i, n))
    return lengths


def _crop(ctx, x, lengths, rank, forward):
    """The input cut to the lengths the transform reads; TF's error where it is shorter."""
    if np.ndim(x) < rank:
        raise run_error(InvalidArgumentError, ctx.op, "Input must have rank of at least %d but "
                        "got: %s" % (rank, list(np.shape(x))))
    lead = np.ndim(x) - rank
    need = list(lengths) if forward else lengths[:-1] + [lengths[-1] // 2 + 1]
    index = [slice(None)] * lead
    for i, n in enumerate(need):
        got = np.shape(x)[lead + i]
        if got < n:
            raise run_error(InvalidArgumentError, ctx.op, "Input dimension %d must have length "
                            "of at least %d but got: %d" % (lead + i, n, got))
        index.append(slice(0, n))
    return x[tuple(index)]


def _real_op(op_type, rank, forward):
    axes = tuple(range(-rank, 0))

    def kernel(ctx, input, fft_length, *, Tcomplex=None, Treal=None):  # noqa: A002,N803
        lengths = _concrete_lengths(ctx, fft_length)
        x = _crop(ctx, input, lengths, rank, forward)
        out = (Tcomplex if forward else Treal).as_numpy_dtype
        last = lengths[-1] // 2 + 1 if forward else lengths[-1]
        if 0 in lengths:  # (TF: zeros, without a transform)
            return jnp.zeros(np.shape(x)[:-1] + (last,), out)
        f = jnp.fft.rfftn if forward else jnp.fft.irfftn
        return f(x, s=lengths, axes=axes).astype(out)

    kernel.__name__ = op_type.lower()
    kernel.__doc__ = "TF's %s over the innermost %d dims: %s." % (op_type, rank, (
        "the DFT of a real signal, fft_length // 2 + 1 terms in the last" if forward else
        "the real signal of a half spectrum"))
    return op(op_type, infer=_real_shape(rank, forward), types={"fft_length": _dt.int32},
              context=True)(kernel)


_R2C = {r: _real_op("RFFT" + d, r, True) for r, d in ((1, ""), (2, "2D"), (3, "3D"))}
_C2R = {r: _real_op("IRFFT" + d, r, False) for r, d in ((1, ""), (2, "2D"), (3, "3D"))}


def _need_rank(t, rank):
    dims = t.shape._dims
    if dims is not None and len(dims) < rank:
        raise ValueError("Shape %s must have rank at least %d" % (t.shape, rank))


def _given_length(fft_length):
    """fft_length converted once (a Const in the wrapper's scope when it is a value); a
    scalar fails TF's reading of it as a shape."""
    t = tensor(fft_length, dtype=_dt.int32)
    v = static_value(t)
    if t.shape._dims == () and v is not None and int(v) != -1:
        raise ValueError("Received a scalar value '%s' as shape; require a statically known "
                         "scalar with value '-1' to describe an unknown shape." % int(v))
    return t


def _inferred_length(x, rank, forward):
    """fft_length from the input's innermost dims; a dynamic one from tf.shape (TF's graph)."""
    from scopeflow.ops import math as math_ops
    from scopeflow.ops.op_util import array_ops
    dims = x.shape._dims
    inner = None if dims is None else dims[-rank:]
    if inner is not None and None not in inner:
        lengths = list(inner)
        if not forward and lengths:
            lengths[-1] = max(0, 2 * (lengths[-1] - 1))
        return tensor(np.asarray(lengths, np.int32), dtype=_dt.int32)
    lengths = array_ops.shape(x)[-rank:]
    if forward:
        return lengths
    parts = array_ops.unstack(lengths)
    parts[-1] = math_ops.maximum(0, 2 * (parts[-1] - 1))
    return array_ops.stack(parts)


def _pad_to_length(x, rank, fft_length, inverse):
    """Zero-pads the innermost dims of `x` up to what the transform reads (TF pads; the
    kernel itself only crops)."""
    from scopeflow.ops import math as math_ops
    from scopeflow.ops.op_util import array_ops
    dims = x.shape._dims
    if dims is not None and 0 in dims:
        return x
    lengths = static_value(fft_length)
    if lengths is not None and dims is not None:
        want = [int(v) for v in np.reshape(lengths, -1)]
        if inverse:
            want[-1] = want[-1] // 2 + 1
        have = dims[len(dims) - len(want):] if want else ()
        if None not in have:
            pads = [[0, max(w - h, 0)] for w, h in zip(want, have)]
            if any(p for _, p in pads):
                lead = [[0, 0]] * max(len(dims) - len(want), 0)
                return array_ops.pad(x, lead + pads)
            return x
    rank_t = array_ops.rank(x)
    have = array_ops.shape(x)[-rank:]
    lead = array_ops.zeros([math_ops.maximum(0, rank_t - rank)], fft_length.dtype)
    if inverse:
        fft_length = array_ops.concat([fft_length[:-1], fft_length[-1:] // 2 + 1], 0)
    pads = array_ops.concat([lead, math_ops.maximum(0, fft_length - have)], 0)
    return array_ops.pad(x, array_ops.stack([array_ops.zeros_like(pads), pads], axis=1))


def _real_wrapper(rank, forward):
    default = ("rfft" if forward else "irfft") + ("" if rank == 1 else "%dd" % rank)
    kind = "RFFT" if forward else "IRFFT"

    def f(input_tensor, fft_length=None, name=None):
        with name_scope(name, default, [input_tensor, fft_length]) as scope:
            x = tensor(input_tensor, preferred_dtype=_dt.float32 if forward else _dt.complex64)
            ok = _REAL if forward else _COMPLEX
            if forward and x.dtype.base_dtype.name not in ok:
                raise ValueError("RFFT requires tf.float32 or tf.float64 inputs, got: %s" % x)
            _need_rank(x, rank)
            if not forward and x.dtype.base_dtype.name not in ok:
                raise ValueError("IRFFT requires tf.complex64 or tf.complex128 inputs, got: %s"
                                 % x)
            if fft_length is None:
                fft_length = _inferred_length(x, rank, forward)
            else:
                fft_length = _given_length(fft_length)
            x = _pad_to_length(x, rank, fft_length, not forward)
            known = static_value(fft_length)
            if known is not None:
                fft_length = np.asarray(known, np.int32)
            if forward:
                return _R2C[rank](x, fft_length, name=scope,
                                  Tcomplex=_COMPLEX_OF[x.dtype.base_dtype.name])
            return _C2R[rank](x, fft_length, name=scope, Treal=x.dtype.base_dtype.real_dtype)

    f.__name__ = default
    f.__doc__ = "`tf.signal.%s`: TF's %s%s, fft_length inferred from the input when not " \
                "given, the input zero-padded up to it." % (
                    default, kind, "" if rank == 1 else "%dD" % rank)
    return f


rfft, rfft2d, rfft3d = (_real_wrapper(r, True) for r in (1, 2, 3))
irfft, irfft2d, irfft3d = (_real_wrapper(r, False) for r in (1, 2, 3))


def _shift(x, axes, name, default, inverse):
    from scopeflow.ops import math as math_ops
    from scopeflow.ops.op_util import array_ops
    with name_scope(name, default) as scope:
        x = tensor(x)
        if axes is None:
            axes = tuple(range(x.shape.ndims))
            shift = array_ops.shape(x) // 2
        elif isinstance(axes, int):
            shift = array_ops.shape(x)[axes] // 2
        else:
            rank = array_ops.rank(x)
            axes = array_ops.where(math_ops.less(axes, 0), axes + rank, axes)
            shift = array_ops.gather(array_ops.shape(x), axes) // 2
        return array_ops.roll(x, -shift if inverse else shift, axes, scope)


def fftshift(x, axes=None, name=None):
    """`tf.signal.fftshift`: the zero frequency moved to the center (a Roll by half)."""
    return _shift(x, axes, name, "fftshift", False)


def ifftshift(x, axes=None, name=None):
    """`tf.signal.ifftshift`: the inverse of fftshift."""
    return _shift(x, axes, name, "ifftshift", True)
