"""Convolutions: Conv2D, Conv3D, DepthwiseConv2dNative and their input backprops (transposed
convolutions), with TF's stride/padding/dilation/data_format rules and shape errors.

Kernels are XLA convolutions. Im2col (shifted slices concatenated, then one matmul) and the
same sum taken tap by tap (kh*kw matmuls) were measured against them (forward, input gradient,
filter gradient; process CPU ms, both cores, 2026-12-03, XLA's dots in YNNPACK):
  128x14x14x32 -> 64 (5x5):   XLA 39 / 43 / 47     taps 234 / 242 / 191   im2col 205 / 342 / 218
  32x56x56x64 -> 64 (3x3):    XLA 116 / 104 / 201  taps 449 / 403 / 522   im2col 680 / 554 / 611
  32x56x56x256 -> 64 (1x1):   XLA 62 / 128 / 301   matmul 60 / 126 / 131
XLA wins everywhere but the filter gradient of 1x1 convolutions, which is one matmul instead,
and the forward pass of one-channel convolutions, a sum of shifted slices (ops/conv_fast.py).
Depthwise convolutions on CPU are tap sums in TF's order (ops/depthwise_taps.py): XLA:CPU runs
a convolution of one group a channel with a block-diagonal filter, channels times the work.
3-D convolutions are 2-D ones over the depth taps' slices (ops/conv3d_split.py): XLA:CPU's own
3-D convolution is 4-6x slower.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import conv3d_split, conv_fast, depthwise_taps
from scopeflow.ops.array_base import partial_shape
from scopeflow.ops.op_util import static_value, typed_op
from scopeflow.ops.registry import ShapeError, spec

_FORMATS = {"Conv2D": ("NHWC", "NCHW"), "Conv3D": ("NDHWC", "NCDHW"),
            "DepthwiseConv2dNative": ("NHWC", "NCHW"), "Conv2DBackpropInput": ("NHWC", "NCHW"),
            "Conv3DBackpropInputV2": ("NDHWC", "NCDHW"),
            "Conv2DBackpropFilter": ("NHWC", "NCHW")}
_PADDINGS = {"Conv3D": ("SAME", "VALID"), "Conv3DBackpropInputV2": ("SAME", "VALID")}


# ---- argument normalization (nn_ops.py helpers) ---------------------------------------------
def get_sequence(value, n, channel_index, name):
    """TF's `_get_sequence`: strides/dilations as a full-rank list (1 on batch and channels)."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, (list, tuple)):
        value = list(value)
    elif isinstance(value, (int, np.integer)) or not hasattr(value, "__len__"):
        value = [value]
    else:
        value = list(value)
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError("%s should be of length 1, %d or %d. Received: %s=%s of length %d"
                         % (name, n, n + 2, name, value, len(value)))
    return [1, 1] + value if channel_index == 1 else [1] + value + [1]


def convert_padding(padding, expected_length=4):
    """TF's `convert_padding`: a list of pairs becomes ('EXPLICIT', flat paddings)."""
    explicit = []
    if padding == "EXPLICIT":
        raise ValueError("'EXPLICIT' is not a valid value for `padding`. To use explicit "
                         "padding, `padding` must be a list.")
    if isinstance(padding, (list, tuple)):
        for i, pair in enumerate(padding):
            if not isinstance(pair, (list, tuple)):
                raise ValueError("When `padding` is a list, each element of `padding` must be a "
                                 "list/tuple of size 2. Received: padding=%s with element at "
                                 "index %d of type %s" % (padding, i, type(pair)))
            if len(pair) != 2:
                raise ValueError("When `padding` is a list, each element of `padding` must be a "
                                 "list/tuple of size 2. Received: padding=%s with element at "
                                 "index %d of size %d" % (padding, i, len(pair)))
            explicit.extend(int(p) for p in pair)
        if len(padding) != expected_length:
            raise ValueError("When padding is a list, it must be of size %d. Received: "
                             "padding=%s of size %d" % (expected_length, padding, len(padding)))
        padding = "EXPLICIT"
    return padding, explicit


def pick(new, new_name, old, old_name):
    if new is not None and old is not None:
        raise ValueError("Cannot specify both '%s' and '%s'." % (old_name, new_name))
    return new if new is not None else old


# ---- shape rule -----------------------------------------------------------------------------
def check_attr(op_type, name, value, allowed):
    if not isinstance(value, str):
        raise TypeError("Expected string for argument '%s' not %r." % (name, value))
    if value not in allowed:
        raise ValueError("Attr '%s' of '%s' Op passed string '%s' not in: %s." % (
            name, op_type, value, ", ".join('"%s"' % a for a in allowed)))


def out_dim(size, k, stride, dilation, padding, pads=(0, 0)):
    """One spatial output size; TF's "Negative dimension size" error for VALID windows."""
    if size is None or k is None:
        return None
    k_eff = (k - 1) * dilation + 1
    if padding == "SAME":
        return -(-size // stride)
    size = size + pads[0] + pads[1]
    if size < k_eff:
        raise ShapeError("Negative dimension size caused by subtracting %d from %d"
                         % (k_eff, size))
    return (size - k_eff) // stride + 1


def _layout(data_format, rank):
    """(batch axis, channel axis, spatial axes) for a data format of `rank` dims."""
    if data_format.startswith("NC"):
        return 0, 1, tuple(range(2, rank))
    return 0, rank - 1, tuple(range(1, rank - 1))


def conv_shape(op_type, x, filter_dims, attrs, out_channels):
    """Output dims of a convolution of `x` by a filter of `filter_dims` (spatial..., in, out)."""
    fmt = attrs.get("data_format", _FORMATS[op_type][0])
    check_attr(op_type, "data_format", fmt, _FORMATS[op_type])
    check_attr(op_type, "padding", attrs["padding"], _PADDINGS.get(op_type,
                                                                   ("SAME", "VALID", "EXPLICIT")))
    rank = len(_FORMATS[op_type][0])
    d = x.shape._dims
    if d is not None and len(d) != rank:
        raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(d)))
    if filter_dims is not None and len(filter_dims) != rank:
        raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(filter_dims)))
    strides, dil = attrs["strides"], attrs.get("dilations") or [1] * rank
    b, c, sp = _layout(fmt, rank)
    if strides[b] != 1 or strides[c] != 1:
        raise ValueError("Current implementation does not yet support strides in the batch "
                         "and depth dimensions.")
    if d is None:
        return None
    fd = filter_dims or (None,) * rank
    pads = np.asarray(attrs.get("explicit_paddings") or [0] * (2 * rank)).reshape(rank, 2)
    out = [None] * rank
    out[b] = d[b]
    out[c] = out_channels
    for i, a in enumerate(sp):
        out[a] = out_dim(d[a], fd[i], strides[a], dil[a], attrs["padding"], pads[a])
    return tuple(out)


def _check_depth(x_c, f_in):
    if x_c is not None and f_in is not None and x_c % f_in:
        raise ShapeError("Depth of input (%d) is not a multiple of input depth of filter (%d)"
                         % (x_c, f_in))


def _conv_infer(op_type):
    def infer(input, filter, **attrs):  # noqa: A002 - TF's arg names
        fd = filter.shape._dims
        fmt = attrs.get("data_format", _FORMATS[op_type][0])
        check_attr(op_type, "data_format", fmt, _FORMATS[op_type])
        d = input.shape._dims
        if d is not None and fd is not None and len(d) == len(fd):
            _check_depth(d[_layout(fmt, len(d))[1]], fd[-2])
        out_c = None if fd is None else fd[-1]
        if op_type == "DepthwiseConv2dNative" and fd is not None:
            out_c = None if fd[-2] is None or fd[-1] is None else fd[-2] * fd[-1]
        return spec(conv_shape(op_type, input, fd, attrs, out_c), input.dtype.base_dtype)

    return infer


# ---- kernels --------------------------------------------------------------------------------
def lax_padding(padding, explicit, x_shape, k_shape, strides, dilations, spatial):
    """Per spatial dim (lo, hi) padding, TF's SAME convention (the extra pad goes after)."""
    if padding == "EXPLICIT":
        p = np.asarray(explicit).reshape(-1, 2)
        return [tuple(int(v) for v in p[a]) for a in spatial]
    if padding == "VALID":
        return [(0, 0)] * len(spatial)
    pads = []
    for i, a in enumerate(spatial):
        k_eff = (k_shape[i] - 1) * dilations[a] + 1
        out = -(-x_shape[a] // strides[a])
        total = max((out - 1) * strides[a] + k_eff - x_shape[a], 0)
        pads.append((total // 2, total - total // 2))
    return pads


def conv_nd(x, w, strides, padding, explicit, data_format, dilations, groups=1):
    """XLA convolution of `x` (data_format) with `w` (spatial..., in, out)."""
    rank = x.ndim
    _, _, sp = _layout(data_format, rank)
    spatial_fmt = "DHW"[3 - len(sp):]
    lhs = data_format
    rhs = spatial_fmt + "IO"
    pads = lax_padding(padding, explicit, x.shape, w.shape[:-2], strides, dilations, sp)
    x, pads = _pad_beyond_filter(x, w, pads, dilations, sp)
    if _spans_last_axis(x, w, pads, dilations, data_format, groups):
        x, w = _fold_last_axis(x, w)
        strides, dilations = list(strides), list(dilations)
        strides[sp[-1]] = 1  # (one output column either way)
    if conv_fast.eligible(x, w, [strides[a] for a in sp], [dilations[a] for a in sp],
                          data_format, groups, pads):
        return conv_fast.conv2d_1x1(x, w, tuple(strides[a] for a in sp))
    if data_format == "NHWC" and conv_fast.taps_eligible(x, w, groups, pads):
        return conv_fast.conv2d_taps(x, w, tuple(strides[a] for a in sp),
                                     tuple(tuple(p) for p in pads),
                                     tuple(dilations[a] for a in sp))
    if conv3d_split.eligible(x, w, [strides[a] for a in sp], [dilations[a] for a in sp],
                             data_format, groups):
        return conv3d_split.conv3d(x, w, tuple(strides[a] for a in sp),
                                   tuple(tuple(p) for p in pads),
                                   tuple(dilations[a] for a in sp), conv_explicit)
    return jax.lax.conv_general_dilated(
        x, w, window_strides=[strides[a] for a in sp], padding=pads,
        rhs_dilation=[dilations[a] for a in sp], dimension_numbers=(lhs, rhs, lhs),
        feature_group_count=groups)


def _pad_beyond_filter(x, w, pads, dilations, spatial):
    """(x, pads) with the padding beyond the filter's reach (explicit paddings over kh - 1)
    taken out of the convolution onto `x`: JAX transposes such a convolution into one with a
    negative low pad and a positive high one, which XLA:CPU computed from memory outside its
    input (garbage input gradients, 2026-12-08)."""
    reach = [(w.shape[i] - 1) * dilations[a] for i, a in enumerate(spatial)]
    if all(lo <= r and hi <= r for (lo, hi), r in zip(pads, reach)):
        return x, pads
    cfg = [(0, 0)] * x.ndim
    for (lo, hi), r, a in zip(pads, reach, spatial):
        cfg[a] = (max(lo - r, 0), max(hi - r, 0))
    return jnp.pad(x, cfg), [(min(lo, r), min(hi, r)) for (lo, hi), r in zip(pads, reach)]


def conv_explicit(x, w, strides, pads, dilations):
    """`conv_nd` of channels-last `x` (NHWC / NDHWC) with `w`, its spatial `strides` and
    `dilations`, explicit `pads` ((lo, hi) a spatial dim)."""
    fmt = "NHWC" if x.ndim == 4 else "NDHWC"
    return conv_nd(x, w, [1, *strides, 1], "EXPLICIT",
                   [0, 0] + [p for pair in pads for p in pair] + [0, 0], fmt,
                   [1, *dilations, 1])


def _spans_last_axis(x, w, pads, dilations, data_format, groups):
    """Whether the filter covers the whole last spatial axis of `x` (channels last, unpadded,
    undilated: text CNNs' (n, words, embedding, 1) inputs under a (k, embedding) filter), so
    that axis is a contraction, not a window."""
    axis = x.ndim - 2
    return (data_format[-1] == "C" and groups == 1 and x.shape[axis] > 1
            and w.shape[axis - 1] == x.shape[axis] and tuple(pads[-1]) == (0, 0)
            and dilations[axis] == 1)


def _fold_last_axis(x, w):
    """`x` (..., W, C) and `w` (..., W, C, O) with W folded into the channels: the same
    convolution with a window of 1 there. XLA:CPU runs the input gradient of the unfolded
    form as a W-wide window over a (2W-1)-padded axis of one channel: for a (64, 56, 128, 1)
    input and a (3, 128, 1, 128) filter 62 s a step instead of 0.04 (text CNN, issue 14)."""
    xs, ws = x.shape, w.shape
    x = x.reshape(xs[:-2] + (1, xs[-2] * xs[-1]))
    return x, w.reshape(ws[:-3] + (1, ws[-3] * ws[-2], ws[-1]))


def _no_empty_filter(filter):
    if not np.size(filter):  # (TF's oneDNN kernels, its reference here)
        raise ValueError("filter must not have zero elements (i.e. all dimensions must be "
                         "non-zero)")


def _groups(c, filter):
    """Input channels `c` over the filter's: TF's run-time checks of fed channels (the
    filter's channels a divisor of the input's, its outputs a multiple of the groups)."""
    _no_empty_filter(filter)
    depth, out = filter.shape[-2], filter.shape[-1]
    if c % depth:
        raise ValueError("input depth must be evenly divisible by filter depth: %d vs %d"
                         % (c, depth))
    groups = c // depth
    if out % groups or out < groups:
        raise ValueError("output depth must be evenly divisible by number of groups: %d vs %d"
                         % (out, groups))
    return groups


@typed_op("Conv2D", infer=_conv_infer("Conv2D"))
def _conv2d(input, filter, *, strides, padding, use_cudnn_on_gpu=True, explicit_paddings=(),  # noqa: A002
            data_format="NHWC", dilations=(1, 1, 1, 1)):
    c = input.shape[_layout(data_format, 4)[1]]
    return conv_nd(input, filter, strides, padding, explicit_paddings, data_format, dilations,
                   groups=_groups(c, filter))


@typed_op("Conv3D", infer=_conv_infer("Conv3D"))
def _conv3d(input, filter, *, strides, padding, data_format="NDHWC",  # noqa: A002
            dilations=(1, 1, 1, 1, 1)):
    c, depth = input.shape[_layout(data_format, 5)[1]], filter.shape[-2]
    _no_empty_filter(filter)  # (TF's run-time checks of fed channels: no groups in 3-D)
    if c != depth:
        raise ValueError("input and filter must have the same depth: %d vs %d" % (c, depth))
    return conv_nd(input, filter, strides, padding, (), data_format, dilations)


@typed_op("DepthwiseConv2dNative", infer=_conv_infer("DepthwiseConv2dNative"))
def _depthwise(input, filter, *, strides, padding, explicit_paddings=(),  # noqa: A002
               data_format="NHWC", dilations=(1, 1, 1, 1)):
    kh, kw, c, mult = filter.shape
    w = filter.reshape(kh, kw, 1, c * mult)  # group g uses filter[:, :, g, :]
    # fed channels: TF's oneDNN kernel (the reference) checks them as a grouped Conv2D's
    # (filter [h, w, c, multiplier] read as [h, w, in, out])
    _groups(input.shape[_layout(data_format, 4)[1]], filter)
    if depthwise_taps.eligible(input, filter, data_format, dilations):
        return depthwise_taps.forward(input, filter, tuple(strides[1:3]),
                                      _depthwise_pads(input.shape, filter, strides, padding,
                                                      explicit_paddings, dilations),
                                      tuple((dilations or (1, 1, 1, 1))[1:3]))
    return conv_nd(input, w, strides, padding, explicit_paddings, data_format, dilations,
                   groups=c)


def _depthwise_pads(shape, filter, strides, padding, explicit, dilations):
    """((top, bottom), (left, right)) of an NHWC depthwise convolution (TF's padding rule)."""
    return tuple(tuple(p) for p in lax_padding(padding, explicit, shape, filter.shape[:2],
                                               strides, dilations or [1] * 4, (1, 2)))


# ---- input backprop (transposed convolution) -------------------------------------------------
def _backprop_input_infer(op_type, batch_of_backprop=False):
    """The input-gradient shape: `input_sizes` where known. Conv2DBackpropInput (TF 2.21's
    rule, not Conv3D's or depthwise's) checks out_backprop's channels against the filter's
    and takes out_backprop's batch dim, so DCGAN's `[batch_size, ...]` over a `-1` reshape
    gives (?, h, w, c)."""
    def infer(input_sizes, filter, out_backprop, **attrs):
        sizes = static_value(input_sizes)
        dt = filter.dtype.base_dtype
        fmt = attrs.get("data_format", _FORMATS[op_type][0])
        check_attr(op_type, "data_format", fmt, _FORMATS[op_type])
        d = out_backprop.shape._dims
        if batch_of_backprop and d is not None and len(d) == len(fmt):
            _check_equal(d[_layout(fmt, len(fmt))[1]], filter.shape._dims, -1)
        if sizes is None:  # a Pack / ConcatV2 of partly known sizes: those known
            sizes = partial_shape(input_sizes)
        if sizes is not None and np.ndim(sizes) == 1 and len(sizes) == len(fmt):
            out = [None if s is None else int(s) for s in sizes]
            if batch_of_backprop and d is not None and len(d) == len(fmt):
                _check_equal(out[0], d, 0)
                out[0] = d[0]
            return spec(tuple(out), dt)
        n = len(fmt)
        return spec((d[0] if d else None,) + (None,) * (n - 1), dt)

    return infer


def _check_equal(dim, dims, axis):
    if dim is not None and dims is not None and dims[axis] is not None and dim != dims[axis]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (dim, dims[axis]))


def _transpose_conv(input_sizes, filter, out_backprop, attrs, groups=1, depthwise=False):
    shape = tuple(int(s) for s in np.asarray(input_sizes))  # the output size must be static
    dilations = attrs.get("dilations") or [1] * len(shape)
    if depthwise and depthwise_taps.eligible(jax.ShapeDtypeStruct(shape, out_backprop.dtype),
                                             filter, attrs["data_format"], dilations):
        return depthwise_taps.input_grad(
            out_backprop, filter, shape, tuple(attrs["strides"][1:3]),
            _depthwise_pads(shape, filter, attrs["strides"], attrs["padding"],
                            attrs.get("explicit_paddings", ()), dilations),
            tuple(dilations[1:3]))
    if not depthwise and conv_fast.strided_input_grad_eligible(
            shape, filter, attrs["strides"], dilations, attrs["data_format"], groups):
        spatial = tuple(range(1, len(shape) - 1))
        pads = lax_padding(attrs["padding"], attrs.get("explicit_paddings", ()), shape,
                           filter.shape[:-2], attrs["strides"], dilations, spatial)
        return conv_fast.strided_input_grad(out_backprop, filter, shape,
                                            tuple(attrs["strides"][a] for a in spatial),
                                            tuple(tuple(p) for p in pads), conv_explicit)

    def forward(x):
        if depthwise:
            return _depthwise.op_def.kernel(x, filter, **attrs)
        return conv_nd(x, filter, attrs["strides"], attrs["padding"],
                       attrs.get("explicit_paddings", ()), attrs["data_format"],
                       attrs.get("dilations") or [1] * len(shape), groups)

    x0 = jnp.zeros(shape, out_backprop.dtype)
    _, vjp = jax.vjp(forward, x0)
    return vjp(out_backprop)[0]


@typed_op("Conv2DBackpropInput", infer=_backprop_input_infer("Conv2DBackpropInput", True),
          types={"input_sizes": "index"})
def _conv2d_backprop_input(input_sizes, filter, out_backprop, *, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, explicit_paddings=(), data_format="NHWC",
                           dilations=(1, 1, 1, 1)):
    attrs = dict(strides=strides, padding=padding, explicit_paddings=explicit_paddings,
                 data_format=data_format, dilations=dilations)
    sizes = [int(s) for s in np.asarray(input_sizes)]
    _check_backprop_dims("Conv2DCustomBackpropInput", sizes, filter.shape, out_backprop.shape,
                         attrs)
    c = sizes[_layout(data_format, 4)[1]]
    return _transpose_conv(input_sizes, filter, out_backprop, attrs, c // filter.shape[-2])


def _check_backprop_dims(label, sizes, filt, grad, attrs):
    """TF's ConvBackpropComputeDimensionsV2 (its Eigen kernels' checks) of the fed shapes:
    batch, depths, and each spatial size of `grad` against the convolution of `sizes`."""
    n, (b, c, spatial) = len(sizes), _layout(attrs["data_format"], len(sizes))
    for what, dims in (("input", sizes), ("filter", filt), ("out_backprop", grad)):
        if len(dims) != n:
            raise ValueError("%s: %s must be %d-dimensional" % (label, what, n))
    if sizes[b] != grad[b]:
        raise ValueError("%s: input and out_backprop must have the same batch size. Input "
                         "batch: %d, outbackprop batch: %d, batch_dim: %d"
                         % (label, sizes[b], grad[b], b))
    if filt[-2] <= 0:
        raise ValueError("%s: filter depth must be strictly greated than zero" % label)
    if sizes[c] % filt[-2]:
        raise ValueError("%s: input depth must be evenly divisible by filter depth" % label)
    if filt[-1] != grad[c]:
        raise ValueError("%s: filter and out_backprop must have the same out_depth" % label)
    strides, dilations = attrs["strides"], attrs.get("dilations") or [1] * n
    pads = attrs.get("explicit_paddings") or [0] * (2 * n)
    for i, axis in enumerate(spatial):
        size, k, stride, rate = sizes[axis], filt[i], strides[axis], dilations[axis]
        eff = (k - 1) * rate + 1
        if attrs["padding"] == "SAME":
            want = (size + stride - 1) // stride
        else:
            size_p = size + pads[2 * axis] + pads[2 * axis + 1]
            want = (size_p - eff + stride) // stride
        if want != grad[axis]:
            raise ValueError("%s: Size of out_backprop doesn't match computed: actual = %d, "
                             "computed = %d spatial_dim: %d input: %d filter: %d output: %d "
                             "stride: %d dilation: %d" % (label, grad[axis], want, axis, size, k,
                                                          grad[axis], stride, rate))


@typed_op("Conv3DBackpropInputV2", infer=_backprop_input_infer("Conv3DBackpropInputV2"),
          types={"input_sizes": "index"})
def _conv3d_backprop_input(input_sizes, filter, out_backprop, *, strides, padding,  # noqa: A002
                           data_format="NDHWC", dilations=(1, 1, 1, 1, 1)):
    attrs = dict(strides=strides, padding=padding, data_format=data_format,
                 dilations=dilations)
    return _transpose_conv(input_sizes, filter, out_backprop, attrs)


@typed_op("DepthwiseConv2dNativeBackpropInput",
          infer=_backprop_input_infer("Conv2DBackpropInput"), types={"input_sizes": "index"})
def _depthwise_backprop_input(input_sizes, filter, out_backprop, *, strides, padding,  # noqa: A002
                              explicit_paddings=(), data_format="NHWC",
                              dilations=(1, 1, 1, 1)):
    attrs = dict(strides=strides, padding=padding, explicit_paddings=explicit_paddings,
                 data_format=data_format, dilations=dilations)
    return _transpose_conv(input_sizes, filter, out_backprop, attrs, depthwise=True)


def _filter_backprop_infer(input, filter_sizes, out_backprop, **attrs):  # noqa: A002
    sizes = static_value(filter_sizes)
    return spec(None if sizes is None else tuple(int(s) for s in sizes),
                input.dtype.base_dtype)


@typed_op("Conv2DBackpropFilter", infer=_filter_backprop_infer,
          types={"filter_sizes": "index"})
def _conv2d_backprop_filter(input, filter_sizes, out_backprop, *, strides, padding,  # noqa: A002
                            use_cudnn_on_gpu=True, explicit_paddings=(), data_format="NHWC",
                            dilations=(1, 1, 1, 1)):
    shape = tuple(int(s) for s in np.asarray(filter_sizes))
    c = input.shape[_layout(data_format, 4)[1]]

    def forward(w):
        return conv_nd(input, w, strides, padding, explicit_paddings, data_format, dilations,
                       c // shape[-2])

    _, vjp = jax.vjp(forward, jnp.zeros(shape, input.dtype))
    return vjp(out_backprop)[0]


def _filter_backprop(input, shape, out_backprop, attrs, groups, depthwise=False):  # noqa: A002
    """d(sum(conv(input, w) * out_backprop)) / dw for a filter of `shape`."""
    def forward(w):
        if depthwise:
            return _depthwise.op_def.kernel(input, w, **attrs)
        return conv_nd(input, w, attrs["strides"], attrs["padding"],
                       attrs.get("explicit_paddings", ()), attrs["data_format"],
                       attrs.get("dilations") or [1] * input.ndim, groups)

    _, vjp = jax.vjp(forward, jnp.zeros(shape, input.dtype))
    return vjp(out_backprop)[0]


@typed_op("DepthwiseConv2dNativeBackpropFilter", infer=_filter_backprop_infer,
          types={"filter_sizes": "index"})
def _depthwise_backprop_filter(input, filter_sizes, out_backprop, *, strides, padding,  # noqa: A002
                               explicit_paddings=(), data_format="NHWC",
                               dilations=(1, 1, 1, 1)):
    attrs = dict(strides=strides, padding=padding, explicit_paddings=explicit_paddings,
                 data_format=data_format, dilations=dilations)
    shape = tuple(int(s) for s in np.asarray(filter_sizes))
    like = jax.ShapeDtypeStruct(shape, input.dtype)
    if depthwise_taps.eligible(input, like, data_format, dilations):
        dil = dilations or (1, 1, 1, 1)
        return depthwise_taps.filter_grad(
            input, out_backprop, shape, tuple(strides[1:3]),
            _depthwise_pads(input.shape, like, strides, padding, explicit_paddings, dil),
            tuple(dil[1:3]))
    return _filter_backprop(input, shape, out_backprop, attrs, 1, depthwise=True)


@typed_op("Conv3DBackpropFilterV2", infer=_filter_backprop_infer,
          types={"filter_sizes": "index"})
def _conv3d_backprop_filter(input, filter_sizes, out_backprop, *, strides, padding,  # noqa: A002
                            data_format="NDHWC", dilations=(1, 1, 1, 1, 1)):
    attrs = dict(strides=strides, padding=padding, data_format=data_format,
                 dilations=dilations)
    shape = tuple(int(s) for s in np.asarray(filter_sizes))
    c = input.shape[_layout(data_format, 5)[1]]
    return _filter_backprop(input, shape, out_backprop, attrs, c // shape[-2])


def conv_attrs(strides, padding, data_format, dilations, rank=4, explicit=True):
    """Attrs of a convolution op, normalized as TF's Python wrappers do."""
    data_format = data_format or ("NHWC" if rank == 4 else "NDHWC")
    if not isinstance(padding, (str, list, tuple)):
        raise TypeError("Expected string for argument 'padding' not %r." % (padding,))
    channel_index = 1 if data_format.startswith("NC") else rank - 1
    padding, explicit_paddings = convert_padding(padding, rank) if explicit else (padding, [])
    attrs = dict(strides=get_sequence(strides, rank - 2, channel_index, "strides"),
                 padding=padding, data_format=data_format,
                 dilations=get_sequence(dilations, rank - 2, channel_index, "dilations"))
    if explicit:
        attrs["explicit_paddings"] = explicit_paddings
    return attrs


from scopeflow.ops.nn_conv_api import *  # noqa: E402,F401,F403 - the public conv functions
