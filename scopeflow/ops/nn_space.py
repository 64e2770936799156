"""Space-to-batch family (SpaceToBatchND, BatchToSpaceND, SpaceToDepth, DepthToSpace) and
`with_space_to_batch`, which TF uses for dilated convolution and pooling."""

import numpy as np

from scopeflow.ops.array_base import check_rank_at_least, merge_dims
from scopeflow.ops.constant import constant
from scopeflow.ops.op_util import array_ops, attr, name_scope, static_value, tensor, typed_op
from scopeflow.ops.registry import INDEX, ShapeError, spec
from scopeflow.ops.value_checks import check

__all__ = ["batch_to_space", "batch_to_space_nd", "depth_to_space",
           "required_space_to_batch_paddings", "space_to_batch", "space_to_batch_nd",
           "space_to_depth", "with_space_to_batch"]


def _block_shape_infer(to_batch):
    """TF's SpaceToBatch / BatchToSpace shape rule: the block values first (each positive,
    the batch multiplied or evenly divided by each in turn), then the paddings or crops."""
    def infer(input, block_shape, pads):  # noqa: A002 - TF's arg name
        m = block_shape.shape._dims[0] if block_shape.shape._dims else None
        d = input.shape._dims
        if m is not None:
            check_rank_at_least(input, m + 1)
        pd = pads.shape._dims
        if pd is not None and len(pd) == 2:  # (paddings / crops: [M, 2])
            merge_dims(pd, (m, 2), "")
        block, p = static_value(block_shape), static_value(pads)
        out = None if d is None else list(d)
        if block is not None:
            _block_batch(out, [int(b) for b in block.reshape(-1)], to_batch)
        if p is not None:
            _pad_spatial(out, block, p.reshape(-1, 2), to_batch)
        if out is not None and (block is None or p is None):
            out[1:1 + (m or 0)] = [None] * (m or 0)
        return spec(out, input.dtype.base_dtype)

    return infer


def _block_batch(out, block, to_batch):
    """(the batch dim of `out` times / divided by each block value)"""
    for b in block:
        if b < 1:
            raise ShapeError("block_shape must be positive")
        if out is None or out[0] is None:
            continue
        if to_batch:
            out[0] *= b
        elif out[0] % b:
            raise ShapeError("Dimension size must be evenly divisible by %d but is %d"
                             % (b, out[0]))
        else:
            out[0] //= b


def _pad_spatial(out, block, pads, to_batch):
    """(the spatial dims of `out` padded and divided, or multiplied and cropped)"""
    for i, (lo, hi) in enumerate(pads.tolist()):
        if lo < 0 or hi < 0:
            raise ShapeError("paddings cannot be negative" if to_batch
                             else "crops cannot be negative")
        if out is None or out[1 + i] is None or block is None:
            continue
        out[1 + i] = _spatial(out[1 + i], int(block[i]), lo, hi, to_batch)


def _spatial(size, b, lo, hi, to_batch):
    if to_batch:
        total = size + lo + hi
        if total % b:
            raise ShapeError("Dimension size must be evenly divisible by %d but is %d"
                             % (b, total))
        return total // b
    size *= b
    for crop in (lo, hi):
        if crop > size:
            raise ShapeError("Negative dimension size caused by subtracting %d from %d"
                             % (crop, size))
        size -= crop
    return size


def _kernel_failed(ctx, input, block, message):
    """False after TF's kernel checks of `input`'s rank; else True, `message` raised by the run
    (the kernel then returns zeros: a failed run fetches nothing)."""
    if input.ndim < 1 + len(block):
        message = "input rank should be >= %d instead of %d" % (1 + len(block), input.ndim)
    if message:
        check(ctx, False, message)
    return bool(message)


@typed_op("SpaceToBatchND", infer=_block_shape_infer(True),
          types={"block_shape": INDEX, "paddings": INDEX}, context=True)
def _space_to_batch_nd(ctx, input, block_shape, paddings):  # noqa: A002
    import jax.numpy as jnp
    block = [int(b) for b in np.asarray(block_shape)]
    pads = np.asarray(paddings).reshape(-1, 2)
    m = len(block)
    sizes = [input.shape[1 + i] + int(lo) + int(hi) if 1 + i < input.ndim else 0
             for i, (lo, hi) in enumerate(pads)]
    bad = [i for i, n in enumerate(sizes) if n % block[i]]
    if _kernel_failed(ctx, input, block, bad and "padded_shape[%d]=%d is not divisible by "
                      "block_shape[%d]=%d" % (bad[0], sizes[bad[0]], bad[0], block[bad[0]])):
        return jnp.zeros([input.shape[0] * int(np.prod(block))] + [n // b for n, b in zip(
            sizes, block)] + list(input.shape[1 + m:]), input.dtype)
    x = jnp.pad(input, [(0, 0)] + [tuple(int(v) for v in p) for p in pads]
                + [(0, 0)] * (input.ndim - 1 - m))
    b, rest = x.shape[0], x.shape[1 + m:]
    shape = [b]
    for i, bs in enumerate(block):
        shape += [x.shape[1 + i] // bs, bs]
    x = x.reshape(shape + list(rest))
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(
        range(1 + 2 * m, 1 + 2 * m + len(rest)))
    x = x.transpose(perm)
    return x.reshape([b * int(np.prod(block))] + shape[1::2] + list(rest))


def _b2s_message(input, block, crops):
    """TF's BatchToSpaceND kernel check of the batch and the cropped sizes, or ''."""
    prod = int(np.prod(block))
    if input.ndim < 1 + len(block):
        return ""
    if input.shape[0] % prod:
        return ("Input batch dimension (%d) is not divisible by product of block sizes (%d)"
                % (input.shape[0], prod))
    for i, (b, (lo, hi)) in enumerate(zip(block, crops.tolist())):
        if input.shape[1 + i] * b - lo - hi < 0:
            return "cropped_shape[%d]=%d must be non-negative" % (
                i, input.shape[1 + i] * b - lo - hi)
    return ""


@typed_op("BatchToSpaceND", infer=_block_shape_infer(False),
          types={"block_shape": INDEX, "crops": INDEX}, context=True)
def _batch_to_space_nd(ctx, input, block_shape, crops):  # noqa: A002
    import jax.numpy as jnp
    block = [int(b) for b in np.asarray(block_shape)]
    crops = np.asarray(crops).reshape(-1, 2)
    m = len(block)
    b = input.shape[0] // int(np.prod(block))
    if _kernel_failed(ctx, input, block, _b2s_message(input, block, crops)):
        return jnp.zeros([b] + [max(0, n * k - int(lo) - int(hi)) for n, k, (lo, hi) in zip(
            input.shape[1:], block, crops)] + list(input.shape[1 + m:]), input.dtype)
    spatial, rest = list(input.shape[1:1 + m]), list(input.shape[1 + m:])
    x = input.reshape(block + [b] + spatial + rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    x = x.transpose(perm).reshape([b] + [s * bs for s, bs in zip(spatial, block)] + rest)
    idx = tuple([slice(None)] + [slice(int(c[0]), x.shape[1 + i] - int(c[1]))
                                 for i, c in enumerate(crops)])
    return x[idx]


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """`tf.space_to_batch_nd`: moves blocks of the spatial dims into the batch."""
    return _space_to_batch_nd(input, block_shape, paddings, name=name or "SpaceToBatchND")


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """`tf.batch_to_space_nd`: the inverse of space_to_batch_nd."""
    return _batch_to_space_nd(input, block_shape, crops, name=name or "BatchToSpaceND")


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    block = block_size if block_shape is None else block_shape
    return space_to_batch_nd(input, np.array([block, block], np.int64), paddings, name=name)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    block = block_size if block_shape is None else block_shape
    return batch_to_space_nd(input, np.array([block, block], np.int64), crops, name=name)


# ---- depth <-> space ------------------------------------------------------------------------
def _divisible(size, by):
    if size is not None and size % by:
        raise ShapeError("Dimension size must be evenly divisible by %d but is %d" % (by, size))


def _depth_infer(to_depth):
    def infer(input, *, block_size, data_format="NHWC"):  # noqa: A002
        d = input.shape._dims
        if d is None:
            return spec(None, input.dtype.base_dtype)
        if len(d) != 4:
            raise ShapeError("Shape must be rank 4 but is rank %d" % len(d))
        n, h, w, c = (d[0], d[2], d[3], d[1]) if data_format == "NCHW" else d
        b = block_size
        if to_depth:
            _divisible(h, b)
            _divisible(w, b)
            h2, w2, c2 = [None if v is None else v // b for v in (h, w)] + [
                None if c is None else c * b * b]
        else:
            _divisible(c, b * b)
            h2, w2, c2 = [None if v is None else v * b for v in (h, w)] + [
                None if c is None else c // (b * b)]
        out = (n, c2, h2, w2) if data_format == "NCHW" else (n, h2, w2, c2)
        return spec(out, input.dtype.base_dtype)

    return infer


# TF's CPU kernels of both ops take NHWC only; NCHW runs on GPUs (attrs in TF's printed order)
_CPU_KERNELS = ("VARIANT", "RESOURCE", "STRING", "BOOL", "COMPLEX128", "COMPLEX64", "DOUBLE",
                "FLOAT", "BFLOAT16", "HALF", "INT32", "INT8", "UINT8", "INT16", "UINT16",
                "UINT32", "INT64", "UINT64")
_KERNELS = {
    "DepthToSpace": (("QINT8", "BFLOAT16", "HALF", "FLOAT"), _CPU_KERNELS,
                     "block_size=%d, data_format=\"NCHW\", T=DT_%s"),
    "SpaceToDepth": (("UINT8", "QINT8", "BFLOAT16", "HALF", "FLOAT"), ("QINT8",) + _CPU_KERNELS,
                     "T=DT_%s, block_size=%d, data_format=\"NCHW\""),
}


def _no_nchw_kernel(ctx, op_type, block_size, dtype):
    """TF's 'No OpKernel was registered' error for an NCHW op on the CPU."""
    gpu, cpu, attrs = _KERNELS[op_type]
    t = {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}.get(
        dtype.name, dtype.name.upper())
    attrs = attrs % ((block_size, t) if op_type == "DepthToSpace" else (t, block_size))
    lines = ["  device='GPU'; T in [DT_%s]" % k for k in gpu]
    lines += ["  device='CPU'; T in [DT_%s]; data_format in [\"NHWC\"]" % k for k in cpu]
    check(ctx, False, "No OpKernel was registered to support Op '%s' used by {{node %s}} with "
          "these attrs: [%s]\nRegistered devices: [CPU]\nRegistered kernels:\n%s\n"
          % (op_type, ctx.op.name if ctx is not None else op_type, attrs, "\n".join(lines)))


@typed_op("SpaceToDepth", infer=_depth_infer(True), context=True)
def _space_to_depth(ctx, input, *, block_size, data_format="NHWC"):  # noqa: A002
    if input.ndim != 4:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("Input rank should be 4 instead of %d" % input.ndim)
    n, h, w, c = input.shape
    b = block_size
    if data_format == "NCHW":
        _no_nchw_kernel(ctx, "SpaceToDepth", b, input.dtype)
        return _zeros((n, c * b * b, h // b, w // b), input.dtype)
    check(ctx, h % b == 0 and w % b == 0, "Image width %d and height %d should be divisible by "
          "block_size: %d" % (w, h, b))
    x = input[:, :h - h % b, :w - w % b].reshape(n, h // b, b, w // b, b, c)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)


@typed_op("DepthToSpace", infer=_depth_infer(False), context=True)
def _depth_to_space(ctx, input, *, block_size, data_format="NHWC"):  # noqa: A002
    if input.ndim != 4:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("Input rank should be: 4 instead of: %d" % input.ndim)
    n, h, w, c = input.shape
    b = block_size
    if data_format == "NCHW":
        _no_nchw_kernel(ctx, "DepthToSpace", b, input.dtype)
        return _zeros((n, h // (b * b), w * b, c * b), input.dtype)
    check(ctx, c % (b * b) == 0, "Input depth dimension %d should be divisible by: %d"
          % (c, b * b))
    x = input[..., :c - c % (b * b)].reshape(n, h, w, b, b, c // (b * b))
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))


def _zeros(shape, dtype):
    import jax.numpy as jnp
    return jnp.zeros(shape, dtype)


def _block_attr(op_type, block_size):
    b = attr("int", block_size, "block_size")
    if b < 2:
        raise ValueError("Attr 'block_size' of '%s' Op passed %d less than minimum 2."
                         % (op_type, b))
    return b


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """`tf.space_to_depth`: moves (block_size, block_size) spatial blocks into depth."""
    return _space_to_depth(input, name=name or "SpaceToDepth",
                           block_size=_block_attr("SpaceToDepth", block_size),
                           data_format=data_format)


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """`tf.depth_to_space`: the inverse of space_to_depth."""
    return _depth_to_space(input, name=name or "DepthToSpace",
                           block_size=_block_attr("DepthToSpace", block_size),
                           data_format=data_format)


# ---- with_space_to_batch --------------------------------------------------------------------
def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """`tf.required_space_to_batch_paddings` for static shapes: (paddings, crops) Consts."""
    with name_scope(name, "required_space_to_batch_paddings", [input_shape, block_shape]):
        input_shape = tensor(input_shape, name="input_shape", dtype="int32")
        block_shape = tensor(block_shape, name="block_shape", dtype="int32")
        n = block_shape.shape.as_list()[0]
        if base_paddings is not None:
            base_paddings = tensor(base_paddings, name="base_paddings", dtype="int32")
        else:
            base_paddings = constant(np.zeros([n, 2], np.int32), name="zeros")
        block, shape = static_value(block_shape), static_value(input_shape)
        base = static_value(base_paddings)
        if block is None or shape is None or base is None:
            return _graph_paddings(input_shape, block_shape, base_paddings, n)
        pad_start, orig_end = base[:, 0], base[:, 1]
        full = shape + pad_start + orig_end
        extra = (block - full % block) % block
        paddings = np.stack([pad_start, orig_end + extra], axis=1).astype(np.int32)
        crops = np.stack([np.zeros_like(extra), extra], axis=1).astype(np.int32)
        return constant(paddings, name="paddings"), constant(crops, name="crops")


def _graph_paddings(input_shape, block_shape, base_paddings, n):
    """(paddings, crops) as ops, for sizes known only when the graph runs (TF's op chain)."""
    from scopeflow.ops.joining import stack
    pad_start, orig_end = base_paddings[:, 0], base_paddings[:, 1]
    full = input_shape + pad_start + orig_end
    extra = (block_shape - full % block_shape) % block_shape
    pad_end = orig_end + extra
    return (stack([[pad_start[i], pad_end[i]] for i in range(n)], name="paddings"),
            stack([[0, extra[i]] for i in range(n)], name="crops"))


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """`tf.nn.with_space_to_batch`: `op` on the space-to-batch'd input, for dilations > 1."""
    from scopeflow.ops.nn_conv import convert_padding
    input = tensor(input, name="input")
    rate = tensor(dilation_rate, name="dilation_rate", dtype="int32")
    n = rate.shape.as_list()[0]
    start = 2 if data_format is not None and data_format.startswith("NC") else 1
    spatial = list(range(start, start + n)) if spatial_dims is None else list(spatial_dims)
    const_rate = static_value(rate)
    if np.any(const_rate < 1):
        raise ValueError("`dilation_rate` must be positive. Received: dilation_rate=%s"
                         % (const_rate,))
    if np.all(const_rate == 1):
        return op(input, n, padding)
    padding, explicit = convert_padding(padding)
    base = _base_paddings(padding, explicit, filter_shape, const_rate, n, data_format)
    d = input.shape._dims
    sizes = None if d is None else [d[i] for i in spatial]
    if sizes is None or None in sizes:  # sizes known at run time: TF's Shape/slices/Pack
        from scopeflow.ops.joining import stack
        full_shape = array_ops.shape(input)
        sizes = stack([full_shape[i] for i in spatial])
    paddings, crops = required_space_to_batch_paddings(sizes, rate, base)
    # SpaceToBatchND blocks dims 1..: dims before the first spatial one (C of NC*) get block 1
    lead = spatial[0] - 1
    block = np.concatenate([np.ones(lead, np.int32), static_value(rate)])
    paddings, crops = (_lead_zeros(t, lead, n) for t in (paddings, crops))
    y = op(space_to_batch_nd(input, block, paddings), n, "VALID")
    return batch_to_space_nd(y, block, crops)


def _lead_zeros(t, lead, n):
    """`t` (n, 2) with `lead` zero rows first: NumPy when `t` is constant, else a concat."""
    const = static_value(t)
    if const is not None:
        return np.concatenate([np.zeros((lead, 2), np.int32), const])
    from scopeflow.ops.joining import concat
    parts = [np.zeros((lead, 2), np.int32)] if lead else []
    return concat(parts + [t[0:n]], 0)


def _base_paddings(padding, explicit, filter_shape, rate, n, data_format):
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`. Received: "
                             "filter_shape=None and padding=SAME")
        fs = static_value(filter_shape) if not isinstance(filter_shape, np.ndarray) \
            else filter_shape
        if fs is None:
            raise NotImplementedError("dilated SAME convolution needs a static filter shape")
        if isinstance(filter_shape, np.ndarray):
            tensor(filter_shape, name="filter_shape")
        extra = (np.asarray(fs[:n]) - 1) * rate
        start = extra // 2
        return constant(np.stack([start, extra - start], axis=1).astype(np.int32),
                        name="stack")
    if padding == "VALID":
        return np.zeros([n, 2], np.int32)
    if padding == "EXPLICIT":
        p = np.asarray(explicit).reshape(n + 2, 2)
        return p[2:] if data_format is not None and data_format.startswith("NC") else p[1:-1]
    raise ValueError("`padding` must be one of 'SAME' or 'VALID'. Received: padding=%s"
                     % padding)
