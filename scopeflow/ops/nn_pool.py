"""Pooling: MaxPool, AvgPool (2-D and 3-D), MaxPoolWithArgmax, and tf.nn.pool.

Max pooling whose windows tile the input (stride == window, VALID, divisible sizes) is a max
over a reshaped view: its gradient is a cheap broadcast compare, where XLA's generic
select-and-scatter gradient of reduce_window measured about 10x slower on CPU. VALID windows
of stride == window over sizes that do not divide tile the input cut to the windows' extent
(the rows and columns they never reach take no part: a 11x11 map pooled 2x2 is its 10x10 head).
Values are TF's: NaNs never win and a window with nothing above `pool_floor` gives the floor
(XLA's max would give NaN), a maximum of 0 keeps the sign of the window's first zero.
"""

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.nn_conv import (check_attr, convert_padding, get_sequence, lax_padding,
                                   out_dim)
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError, spec

_FORMATS = {"MaxPool": ("NHWC", "NCHW", "NCHW_VECT_C"), "AvgPool": ("NHWC", "NCHW"),
            "MaxPool3D": ("NDHWC", "NCDHW"), "AvgPool3D": ("NDHWC", "NCDHW"),
            "MaxPoolWithArgmax": ("NHWC",)}
_PADS = {"MaxPool": ("SAME", "VALID", "EXPLICIT")}


def _pool_infer(op_type):
    def infer(x, *, ksize, strides, padding, data_format=None, explicit_paddings=(), **_):
        fmt = data_format or _FORMATS[op_type][0]
        check_attr(op_type, "padding", padding, _PADS.get(op_type, ("SAME", "VALID")))
        rank = 5 if "3D" in op_type else 4
        d = x.shape._dims
        if d is not None and len(d) != rank:
            raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(d)))
        c = 1 if fmt.startswith("NC") else rank - 1
        if ksize[0] != 1 or ksize[c] != 1 or strides[0] != 1 or strides[c] != 1:
            raise ValueError("Pooling is not yet supported on the batch nor channel dimension.")
        if d is None:
            return spec(None, x.dtype.base_dtype)
        pads = np.asarray(explicit_paddings or [0] * (2 * rank)).reshape(rank, 2)
        out = [out_dim(d[i], ksize[i], strides[i], 1, padding, pads[i])
               if i not in (0, c) else d[i] for i in range(rank)]
        return spec(out, x.dtype.base_dtype)

    return infer


def _tiles(x, ksize, strides, padding):
    """True when the windows exactly tile `x` (no overlap, no padding, no remainder; SAME pads
    nothing then either)."""
    return padding in ("VALID", "SAME") and list(ksize) == list(strides) and all(
        s % k == 0 for s, k in zip(x.shape, ksize))


def tiled_extent(x, ksize, strides, padding):
    """The sizes of the part of `x` its windows tile (None when they do not): all of `x` as
    `_tiles` says, or for VALID windows of stride == window the part they reach."""
    if _tiles(x, ksize, strides, padding):
        return tuple(x.shape)
    if padding != "VALID" or list(ksize) != list(strides):
        return None
    return tuple(s - s % k for s, k in zip(x.shape, ksize))


def head(x, extent):
    """`x` cut to its first `extent` entries per axis."""
    if tuple(x.shape) == tuple(extent):
        return x
    return x[tuple(slice(0, n) for n in extent)]


def _tiled_max(x, ksize):
    shape, axes = [], []
    for i, (s, k) in enumerate(zip(x.shape, ksize)):
        shape += [s // k, k]
        axes.append(2 * i + 1)
    return jnp.max(x.reshape(shape), axis=tuple(axes))


def _window(x, ksize, strides, padding, explicit):
    sp = [i for i, k in enumerate(ksize)]
    pads = lax_padding(padding, explicit, x.shape, ksize, strides, [1] * x.ndim, sp)
    return pads


def pool_floor(dtype):
    """Where TF's max pooling starts each window: the result of a window with nothing greater
    (all NaN or -inf, or padding). Its CPU kernels take a value only when it is greater than
    the maximum so far, so NaNs never win: the lowest finite value (float32 through oneDNN,
    float64 and float16 through Eigen), bfloat16's oneDNN kernel -inf, an integer's minimum."""
    dtype = np.dtype(dtype)
    if dtype == jnp.bfloat16:
        return np.asarray(-np.inf, dtype)
    if jnp.issubdtype(dtype, jnp.floating):
        return np.asarray(jnp.finfo(dtype).min, dtype)
    return np.asarray(jnp.iinfo(dtype).min, dtype)


def pool_keys(x):
    """`x` as TF's max pooling compares it: NaN and anything not above `pool_floor` become
    the floor (XLA's max would carry a NaN through)."""
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return x
    floor = pool_floor(x.dtype)
    return jnp.where(x > floor, x, floor)


def max_pool_kernel(x, ksize, strides, padding, explicit=()):
    """TF's MaxPool: each window's maximum, NaNs left out (`pool_keys`); a maximum of 0 has
    the sign of the window's first zero (TF keeps the first of equal values)."""
    extent = tiled_extent(x, ksize, strides, padding)
    if extent is not None:
        x = pool_keys(head(x, extent))
        return _first_zero_signs(_tiled_max(x, ksize),
                                 window_parts(x, ksize, ksize, [(0, 0)] * x.ndim))
    pads = _window(x, ksize, strides, padding, explicit)
    parts = window_parts(pool_keys(x), ksize, strides, pads)
    out = functools.reduce(jnp.maximum, parts)  # (the floor pads: XLA's max is NaN-free here)
    return _first_zero_signs(out, parts)


def _first_zero_signs(out, parts):
    """`out` with each 0 signed as the first zero of its window (`window_parts`: XLA's max of
    -0 and +0 may be either)."""
    if not jnp.issubdtype(out.dtype, jnp.floating):
        return out
    first = out
    for part in reversed(parts):
        first = jnp.where(part == 0, part, first)
    return jnp.where(out == 0, first, out)


def window_axes(ksize, strides, pads):
    """The axes along which pooling windows move or are padded."""
    return [a for a, (k, s, p) in enumerate(zip(ksize, strides, pads))
            if k > 1 or s > 1 or tuple(p) != (0, 0)]


def window_parts(x, ksize, strides, pads):
    """For each position in the window (row-major, padding counted), the elements of `x`
    there in every window: strided slices of `x` padded with `pool_floor`, each in the pooled
    shape (their max is the max pool, one loop XLA:CPU fuses: its reduce_window took 8.2 ms
    for a 128x24x24x64 3x3 stride 2 pool, the slices 3.9)."""
    win = window_axes(ksize, strides, pads)
    outs = [(x.shape[a] + pads[a][0] + pads[a][1] - ksize[a]) // strides[a] + 1 for a in win]
    padded = jax.lax.pad(x, pool_floor(x.dtype), [(lo, hi, 0) for lo, hi in pads])
    parts = []
    for pos in itertools.product(*(range(ksize[a]) for a in win)):
        start, limit, step = [0] * x.ndim, list(padded.shape), [1] * x.ndim
        for a, i, n in zip(win, pos, outs):
            start[a], limit[a], step[a] = i, i + (n - 1) * strides[a] + 1, strides[a]
        parts.append(jax.lax.slice(padded, start, limit, step))
    return parts


def avg_pool_kernel(x, ksize, strides, padding):
    """Mean over each window's in-bounds entries (SAME windows at edges count fewer)."""
    pads = _window(x, ksize, strides, padding, ())
    zero = np.asarray(0, x.dtype)  # concrete: JAX then uses its differentiable window sum
    total = jax.lax.reduce_window(x, zero, jax.lax.add, tuple(ksize), tuple(strides), pads)
    if padding == "VALID":
        return total / jnp.asarray(np.prod(ksize), x.dtype)
    return total / _window_counts(x.shape, ksize, strides, pads).astype(x.dtype)


def _window_counts(shape, ksize, strides, pads):
    """In-bounds entries of each window, a NumPy constant broadcasting against the pooled
    output (a window sum over ones, which XLA constant-folds for tens of seconds per pool)."""
    count = np.ones([1] * len(shape))
    for axis, (size, k, s, (lo, hi)) in enumerate(zip(shape, ksize, strides, pads)):
        if k == 1 and lo == hi == 0:
            continue
        start = np.arange((size + lo + hi - k) // s + 1) * s - lo
        per = np.minimum(start + k, size) - np.maximum(start, 0)
        count = count * per.reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return count


def _check_pool_rank(x):
    if np.ndim(x) not in (4, 5):  # a fed rank (TF's oneDNN kernel's words, the reference)
        raise ValueError("Input must be 4 or 5-dimensional")


@typed_op("MaxPool", infer=_pool_infer("MaxPool"))
def _max_pool(input, *, ksize, strides, padding, explicit_paddings=(), data_format="NHWC"):  # noqa: A002
    _check_pool_rank(input)
    return max_pool_kernel(input, ksize, strides, padding, explicit_paddings)


@typed_op("AvgPool", infer=_pool_infer("AvgPool"))
def _avg_pool(value, *, ksize, strides, padding, data_format="NHWC"):
    _check_pool_rank(value)
    return avg_pool_kernel(value, ksize, strides, padding)


@typed_op("MaxPool3D", infer=_pool_infer("MaxPool3D"))
def _max_pool3d(input, *, ksize, strides, padding, data_format="NDHWC"):  # noqa: A002
    _check_pool_rank(input)
    return max_pool_kernel(input, ksize, strides, padding)


@typed_op("AvgPool3D", infer=_pool_infer("AvgPool3D"))
def _avg_pool3d(input, *, ksize, strides, padding, data_format="NDHWC"):  # noqa: A002
    _check_pool_rank(input)
    return avg_pool_kernel(input, ksize, strides, padding)


def _argmax_infer(input, **attrs):  # noqa: A002
    s = _pool_infer("MaxPoolWithArgmax")(input, **attrs)
    return [s, (s[0], attrs.get("Targmax", _dt.int64))]


@typed_op("MaxPoolWithArgmax", infer=_argmax_infer, multi=True)
def _max_pool_with_argmax(input, *, ksize, strides, padding, Targmax=_dt.int64,  # noqa: A002,N803
                          include_batch_in_index=False):
    n = input.shape[0]
    per = int(np.prod(input.shape[1:]))
    idx = jnp.arange(n * per).reshape(input.shape)
    if not include_batch_in_index:
        idx = idx % per
    pads = _window(input, ksize, strides, padding, ())

    def pick(a, b):
        take_a = (a[0] > b[0]) | ((a[0] == b[0]) & (a[1] < b[1]))
        return jnp.where(take_a, a[0], b[0]), jnp.where(take_a, a[1], b[1])

    init = (jnp.asarray(-jnp.inf, input.dtype), jnp.asarray(np.iinfo(np.int64).max, idx.dtype))
    out, arg = jax.lax.reduce_window((input, idx), init, pick, tuple(ksize), tuple(strides),
                                     pads)
    return out, arg.astype(Targmax.as_numpy_dtype)


# ---- public functions -----------------------------------------------------------------------
def _pool_args(ksize, strides, padding, data_format, n=2, explicit=False):
    channel_index = 1 if data_format.startswith("NC") else n + 1
    ksize = get_sequence(ksize, n, channel_index, "ksize")
    strides = get_sequence(strides, n, channel_index, "strides")
    if any(v == 0 for v in ksize):
        raise ValueError("`ksize` cannot be zero. Received: ksize=%s" % (ksize,))
    attrs = dict(ksize=ksize, strides=strides, data_format=data_format)
    if explicit:
        attrs["padding"], attrs["explicit_paddings"] = convert_padding(padding, n + 2)
    else:
        if not isinstance(padding, str):
            raise TypeError("Expected string for argument 'padding' not %r." % (padding,))
        attrs["padding"] = padding
    return attrs


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """`tf.nn.max_pool`: one MaxPool op.

    >>> import scopeflow as tf
    >>> tf.nn.max_pool(tf.ones([1, 4, 4, 3]), 2, 2, "VALID").shape.as_list()
    [1, 2, 2, 3]
    """
    value = _pick(input, value)
    with name_scope(name, "MaxPool", [value]) as scope:
        attrs = _pool_args(ksize, strides, padding, data_format or "NHWC", explicit=True)
        return _max_pool(value, name=scope, **attrs)


def _pick(input, value):  # noqa: A002
    if input is not None and value is not None:
        raise ValueError("Cannot specify both 'value' and 'input'.")
    return input if input is not None else value


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    with name_scope(name, "MaxPool2d", [input]) as scope:
        attrs = _pool_args(ksize, strides, padding, data_format or "NHWC", explicit=True)
        return _max_pool(input, name=scope, **attrs)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """`tf.nn.avg_pool`: one AvgPool op (SAME windows average their in-bounds entries)."""
    value = _pick(input, value)
    with name_scope(name, "AvgPool", [value]) as scope:
        attrs = _pool_args(ksize, strides, padding, data_format or "NHWC")
        return _avg_pool(value, name=scope, **attrs)


avg_pool2d = avg_pool


def _pool1d(op, default, input, ksize, strides, padding, data_format, name):  # noqa: A002
    if data_format not in ("NWC", "NCW", None):
        raise ValueError("`data_format` must be 'NWC' or 'NCW'. Received: data_format=%s"
                         % data_format)
    nwc = data_format in ("NWC", None)
    with name_scope(name, default, [input]) as scope:
        expand = 1 if nwc else 2
        attrs = _pool_args(ksize, strides, padding, "NHWC" if nwc else "NCHW", 1)
        attrs["ksize"] = [1] + attrs["ksize"]
        attrs["strides"] = [1] + attrs["strides"]
        if not nwc:
            attrs["ksize"] = [1, 1, 1, attrs["ksize"][-1]]
            attrs["strides"] = [1, 1, 1, attrs["strides"][-1]]
        x = array.expand_dims(input, expand)
        if op is _max_pool:
            attrs["explicit_paddings"] = []
        return array.squeeze(op(x, name=scope, **attrs), [expand])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool1d(_max_pool, "MaxPool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool1d(_avg_pool, "AvgPool1D", input, ksize, strides, padding, data_format, name)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    with name_scope(name, "MaxPool3D", [input]) as scope:
        attrs = _pool_args(ksize, strides, padding, data_format or "NDHWC", 3)
        return _max_pool3d(input, name=scope, **attrs)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    with name_scope(name, "AvgPool3D", [input]) as scope:
        attrs = _pool_args(ksize, strides, padding, data_format or "NDHWC", 3)
        return _avg_pool3d(input, name=scope, **attrs)


def _by_rank(input, fns, name_kw):  # noqa: A002
    n = tensor(input).shape.ndims
    if n not in (3, 4, 5):
        raise ValueError("`input.shape.rank` must be 3, 4 or 5. Received: input.shape=%s of "
                         "rank %s" % (tensor(input).shape, n))
    return fns[n - 3](**name_kw)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    kw = dict(input=input, ksize=ksize, strides=strides, padding=padding, name=name)
    fns = [lambda **k: max_pool1d(data_format=data_format or "NWC", **k),
           lambda **k: max_pool2d(data_format=data_format or "NHWC", **k),
           lambda **k: max_pool3d(data_format=data_format or "NDHWC", **k)]
    return _by_rank(input, fns, kw)


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    kw = dict(ksize=ksize, strides=strides, padding=padding, name=name)
    fns = [lambda **k: avg_pool1d(input, data_format=data_format or "NWC", **k),
           lambda **k: avg_pool(input, data_format=data_format or "NHWC", **k),
           lambda **k: avg_pool3d(input, data_format=data_format or "NDHWC", **k)]
    return _by_rank(input, fns, kw)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", Targmax=None,  # noqa: A002,N803
                         name=None, output_dtype=None, include_batch_in_index=False):
    """`tf.nn.max_pool_with_argmax`: (max, flat index of the max) per window."""
    if data_format != "NHWC":
        raise ValueError("`data_format` values other  than 'NHWC' are not supported. Received: "
                         "data_format=%s" % data_format)
    if Targmax is not None and output_dtype is not None and Targmax != output_dtype:
        raise ValueError("Cannot specify both 'Targmax' and 'output_dtype'.")
    dtype = _dt.as_dtype(Targmax or output_dtype or _dt.int64)
    for arg, v in (("ksize", ksize), ("strides", strides)):
        if not isinstance(v, (list, tuple)):
            raise TypeError("Expected list for '%s' argument to 'max_pool_with_argmax' Op, not "
                            "%s." % (arg, v))
    out = _max_pool_with_argmax(input, name=name or "MaxPoolWithArgmax", ksize=list(ksize),
                                strides=list(strides), padding=padding, Targmax=dtype,
                                include_batch_in_index=include_batch_in_index)
    return tuple(out)


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,  # noqa: A002
         name=None, data_format=None, dilations=None):
    """`tf.nn.pool`: N-d max or average pooling (scope 'max_pool' / 'avg_pool')."""
    from scopeflow.ops.nn_space import with_space_to_batch
    if dilations is not None and dilation_rate is not None:
        raise ValueError("Cannot specify both 'dilation_rate' and 'dilations'.")
    dilation_rate = dilations if dilations is not None else dilation_rate
    with name_scope(name, "%s_pool" % pooling_type.lower(), [input]) as scope:
        input = tensor(input, name="input")
        n = len(window_shape)
        if n not in (1, 2, 3):
            raise ValueError("`len(window_shape)` must be 1, 2, or 3. Received: "
                             "window_shape=%s of length %d" % (window_shape, n))
        dilation_rate = [1] * n if dilation_rate is None else list(dilation_rate)
        strides = [1] * n if strides is None else list(strides)
        if any(d > 1 for d in dilation_rate):
            if padding == "SAME":
                raise ValueError("pooling with 'SAME' padding is not implemented for "
                                 "`dilation_rate` > 1. Received: padding=%s and "
                                 "dilation_rate=%s" % (padding, np.asarray(dilation_rate)))
            if any(s > 1 for s in strides):
                raise ValueError("`strides` > 1 not supported in conjunction with "
                                 "`dilation_rate` > 1. Received: strides=%s and "
                                 "dilation_rate=%s" % (strides, dilation_rate))
        if pooling_type not in ("MAX", "AVG"):
            raise ValueError("`pooling_type` must be 'MAX' or 'AVG'. Received: pooling_type=%s"
                             % pooling_type)
        channel_first = data_format is not None and data_format.startswith("NC")

        def op(x, _, pad):
            fmt = data_format or {1: "NWC", 2: "NHWC", 3: "NDHWC"}[n]
            if n == 1:
                fn = max_pool1d if pooling_type == "MAX" else avg_pool1d
            elif n == 2:
                fn = max_pool if pooling_type == "MAX" else avg_pool
            else:
                fn = max_pool3d if pooling_type == "MAX" else avg_pool3d
            return fn(x, window_shape, strides, pad, data_format=fmt, name=scope)

        return with_space_to_batch(input, dilation_rate, padding, op,
                                   filter_shape=np.asarray(window_shape, np.int32),
                                   data_format="NC" if channel_first else None)
