"""Casts (Cast, saturate_cast, to_float, ...), Complex and Betainc."""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops.libm_betainc import betainc_op
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import broadcast

_sp = jax.scipy.special


def _complex_shape(real, imag, *, Tout):  # noqa: N803 - TF attr name
    return broadcast(real, imag)[0], Tout


@typed_op("Complex", infer=_complex_shape)
def _complex_op(real, imag, *, Tout):  # noqa: N803
    return jax.lax.complex(real, imag).astype(Tout.as_numpy_dtype)


def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """`tf.complex`: real + imag * 1j (complex64 from float32, complex128 from float64)."""
    with name_scope(name, "Complex", [real, imag]) as scope:
        real, imag = tensor(real, name="real"), tensor(imag, name="imag")
        if real.dtype.base_dtype is not imag.dtype.base_dtype:
            raise TypeError("real and imag must have the same dtype")
        tout = _dt.complex128 if real.dtype.base_dtype is _dt.float64 else _dt.complex64
        return _complex_op(real, imag, name=scope, Tout=tout)


@typed_op("Betainc")
def _betainc_op(a, b, x):
    for (n1, v1), (n2, v2) in (((("a", a), ("b", b))), (("a", a), ("x", x)),
                               (("b", b), ("x", x))):
        s1, s2 = np.shape(v1), np.shape(v2)
        if s1 and s2 and s1 != s2:  # fed shapes; scalars repeat
            raise ValueError("Shapes of %s and %s are inconsistent: [%s] vs. [%s]"
                             % (n1, n2, ",".join(map(str, s1)), ",".join(map(str, s2))))
    return betainc_op(a, b, x)


def betainc(a, b, x, name=None):
    """`tf.math.betainc`: the regularized incomplete beta function I_x(a, b)."""
    return _betainc_op(a, b, x, name=name or "Betainc")


# ---- cast -----------------------------------------------------------------------------------
def _cast_shape(x, *, SrcT=None, DstT, Truncate=False):  # noqa: N803 - TF attr names
    return x.shape, DstT


@typed_op("Cast", infer=_cast_shape)
def _cast_op(x, *, SrcT=None, DstT, Truncate=False):  # noqa: N803
    if jnp.iscomplexobj(x) and not DstT.is_complex:
        x = jnp.real(x)
    dst = np.dtype(DstT.as_numpy_dtype)
    if dst.kind in "iu" and jnp.issubdtype(x.dtype, jnp.floating):
        return _vectorized_float_to_int(x, dst)
    return x.astype(dst)


# TF's x86 Cast kernel converts runs of this many elements at once with saturating packed
# conversions (source bytes, destination); the last size % run elements one at a time
_PACKET_RUN = {(4, np.uint32): 8, (8, np.uint32): 8, **{
    (size, t): 32 // (size // 4) for size in (4, 8)
    for t in (np.int8, np.int16, np.uint8, np.uint16)}}


def _vectorized_float_to_int(x, dst):
    """Float to integer as TF's CPU kernel gives it on a flat tensor: the vectorized runs
    (measured: the int32 conversion, NaN and out-of-range values its minimum, then saturated to
    the narrow type; uint32 keeps the low bits of values in [-2**31, 2**32), else 2**31) and
    the one-by-one tail (`_float_to_int`)."""
    run = _PACKET_RUN.get((x.dtype.itemsize, dst.type))
    one_by_one = _float_to_int(x, dst)
    if run is None or x.size < run:
        return one_by_one
    m = np if isinstance(x, (np.ndarray, np.generic)) else jnp
    flat = m.arange(x.size).reshape(x.shape)
    return m.where(flat < x.size // run * run, _packed(x, dst, m), one_by_one)


def _packed(x, dst, m):
    if dst == np.uint32:
        fine = (x > -2.0 ** 31 - 1) & (x < 2.0 ** 32)  # false for NaN
        return m.where(fine, m.where(fine, x, 0).astype(np.int64), 2 ** 31).astype(dst)
    fine = (x > -2.0 ** 31 - 1) & (x < 2.0 ** 31)
    v = m.where(fine, m.where(fine, x, 0).astype(np.int32), np.iinfo(np.int32).min)
    if dst == np.uint8 and x.dtype.itemsize == 8:  # through uint16, read back as int16
        v = m.clip(v, 0, 65535)
        v = m.where(v >= 32768, v - 65536, v)
    info = np.iinfo(dst)
    return m.clip(v, info.min, info.max).astype(dst)


def _float_to_int(x, dst):
    """Float to integer as TF's CPU kernels give it (x86 truncating conversions): NaN, +-inf and
    values out of range become the minimum of the 32- or 64-bit conversion; narrower types
    keep the low bits of it; uint64 converts values >= 2**63 with their top bit."""
    m = np if isinstance(x, (np.ndarray, np.generic)) else jnp
    wide = np.int64 if dst in (np.uint32, np.int64, np.uint64) else np.int32  # x86 cvttsd2si
    x = x.astype(np.float64) if x.dtype.itemsize < 4 or wide == np.int64 else x
    info = np.iinfo(wide)
    lim = float(2 ** (info.bits - 1))

    def convert(v):
        fine = (v > -lim - 1) & (v < lim)  # false for NaN
        return m.where(fine, m.where(fine, v, 0).astype(wide), info.min)

    out = convert(x)
    if dst == np.uint64:
        high = m.where(x >= lim, convert(x - lim), 0) | info.min
        out = m.where(x >= lim, high, out)
    return out.astype(dst)


def cast(x, dtype, name=None):
    """`tf.cast`: returns `x` itself when it already has `dtype`.

    >>> import scopeflow as tf
    >>> tf.cast(tf.constant(1.5), tf.int32).name
    'Cast:0'
    """
    dtype = _dt.as_dtype(dtype).base_dtype
    if isinstance(x, Tensor) and x.dtype.base_dtype is dtype:
        return x
    if not isinstance(x, Tensor) and hasattr(x, "_as_graph_tensor"):
        if hasattr(x, "sparse_read"):  # a resource variable: read where it is used (TF),
            if x.dtype.base_dtype is dtype:  # or under Cast/ (`Cast/ReadVariableOp`)
                return x
        else:
            t = tensor(x)
            if t.dtype.base_dtype is dtype:
                return t
    with name_scope(name, "Cast", [x]) as scope:
        from scopeflow.sparse_tensor import SparseTensor
        if isinstance(x, SparseTensor):  # (TF: the values cast, under the same name)
            return SparseTensor(x.indices, cast(x.values, dtype, name=scope), x.dense_shape)
        x = tensor(x, name="x")
        if x.dtype.base_dtype is dtype:
            return x
        return _cast_op(x, name=scope, SrcT=x.dtype.base_dtype, DstT=dtype, Truncate=False)


def saturate_cast(value, dtype, name=None):
    """`tf.saturate_cast`: clamps to `dtype`'s range (op 'saturate_cast/clamp'), then casts.

    TF 2.21 always clamps (inf becomes the largest finite value even where the ranges agree).
    """
    dtype = _dt.as_dtype(dtype).base_dtype
    with name_scope(name, "saturate_cast", [value]) as scope:
        value = tensor(value, name="value")
        src = value.dtype.base_dtype
        if src.is_complex and not dtype.is_complex:
            from scopeflow.ops.math_unary import real
            value = real(value)
            src = src.real_dtype
        if (src.is_floating or src.is_integer) and (dtype.is_floating or dtype.is_integer
                                                    or dtype.is_complex):
            from scopeflow.ops.clip import clip_by_value_op
            from scopeflow.ops.constant import constant
            lo, hi = _clamp_range(src, dtype.real_dtype)
            value = clip_by_value_op(value, constant(lo, src), constant(hi, src), name="clamp")
        return cast(value, dtype, name=scope)


def _clamp_range(src, dst):
    """TF's limits, in `src`'s type: the overlap of the two ranges, each end moved one step
    toward 0 where rounding to `src` carried it past `dst`'s range (float32(2**31 - 1) is
    2**31, so the top is 2147483520), compared as the two types promote."""
    np_src = src.as_numpy_dtype
    try:
        promoted = np.promote_types(np_src, dst.as_numpy_dtype)
    except TypeError:  # bfloat16
        promoted = float
    with np.errstate(over="ignore", invalid="ignore"):
        lo = np_src(np.maximum(src.min, dst.min))
        if np.array([lo, dst.min], promoted)[0] < np.array([lo, dst.min], promoted)[1]:
            lo = np.nextafter(lo, np_src(0), dtype=np_src)
        hi = np_src(np.minimum(float(src.max), float(dst.max)))
        if np.array([hi, dst.max], promoted)[0] > np.array([hi, dst.max], promoted)[1]:
            hi = np.nextafter(hi, np_src(0), dtype=np_src)
    return lo, hi


def to_float(x, name="ToFloat"):
    return cast(x, _dt.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, _dt.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, _dt.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, _dt.int64, name=name)


def to_bfloat16(x, name="ToBFloat16"):
    return cast(x, _dt.bfloat16, name=name)


def to_complex64(x, name="ToComplex64"):
    return cast(x, _dt.complex64, name=name)


def to_complex128(x, name="ToComplex128"):
    return cast(x, _dt.complex128, name=name)
