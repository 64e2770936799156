"""Joining and splitting: concat, stack / unstack (and list autopacking), split, tile, pad."""

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import array_base as _b
from scopeflow.ops.array import identity
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of, is_numpy, static_value, xp
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.registry import INDEX, op, spec
from scopeflow.ops.value_checks import failed


# ---- concat / stack / unstack ---------------------------------------------------------------
def _concat_shape(values, axis):
    ranks = [len(d) for d in (dims_of(v) for v in values) if d is not None]
    dt = values[0].dtype.base_dtype
    # (TF's first pass, before the axis is computed: its rank errors name no input values)
    for r in ranks[1:]:
        if r != ranks[0]:
            raise ShapeError("Shape must be rank %d but is rank %d" % (ranks[0], r))
    ax = static_value(axis)
    if ax is None:
        return spec(None if not ranks else (None,) * ranks[0], dt)
    if not ranks:
        return spec(None, dt)
    a = int(ax)
    r0 = ranks[0]
    a_pos = a + r0 if a < 0 else a
    if a_pos < 0 or a_pos >= r0:
        raise ShapeError("Shape must be at least rank %d but is rank %d"
                         % (a + 1 if a >= 0 else -a, r0))
    pre, mid, post = (None,) * a_pos, 0, (None,) * (r0 - a_pos - 1)
    for v in values:
        d = dims_of(v)
        if d is None:
            mid = None
            continue
        pre = _b.merge_dims(pre, d[:a_pos], "")
        post = _b.merge_dims(post, d[a_pos + 1:], "")
        mid = None if mid is None or d[a_pos] is None else mid + d[a_pos]
    return spec(pre + (mid,) + post, dt)


@op("ConcatV2", infer=_concat_shape, lists=("values",), types={"axis": INDEX})
def _concat_v2(values, axis):
    axis = int(np.asarray(axis))
    _check_concat([tuple(np.shape(v)) for v in values], axis)
    return xp(*values).concatenate(values, axis)


def _check_concat(shapes, axis):
    """TF's ConcatOp checks on the run's shapes (fed values may disagree)."""
    first, r = shapes[0], len(shapes[0])
    if r == 0 and axis == 0:  # (TF's kernel lets a scalar through its range check to here)
        raise ValueError("ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -r <= axis < r:
        raise ValueError("ConcatOp : Expected concatenating dimensions in the range [%d, %d), "
                         "but got %d" % (-r, r, axis))
    axis %= r
    for i, s in enumerate(shapes[1:], 1):
        if len(s) != r:
            raise ValueError("ConcatOp : Ranks of all input tensors should match: shape[0] = "
                             "%s vs. shape[%d] = %s" % (_dims(first), i, _dims(s)))
        for j in range(r):
            if j != axis and s[j] != first[j]:
                raise ValueError("ConcatOp : Dimension %d in both shapes must be equal: shape[0]"
                                 " = %s vs. shape[%d] = %s" % (j, _dims(first), i, _dims(s)))


def _dims(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def concat(values, axis, name="concat"):
    """`tf.concat`: joins tensors along `axis` (ConcatV2 named 'concat').

    >>> import scopeflow as tf
    >>> tf.concat([tf.zeros([2]), tf.zeros([3])], 0).shape.as_list()
    [5]
    """
    if isinstance(values, (list, tuple)) and any(
            getattr(v, "_ragged_dispatch", False) for v in values):
        from scopeflow.ragged.ragged_concat import concat as ragged_concat  # (TF's dispatch)
        return ragged_concat(values, axis, None if name == "concat" else name)
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        with _b.scope(name, None):
            d = convert_to_tensor(axis, name="concat_dim", dtype=_dt.int32)
            if d.shape.ndims not in (None, 0):
                raise ValueError("Shape %s must have rank 0" % d.shape)
            return identity(values[0], name=name)
    return _concat_v2(list(values), axis, name=name)


def _pack_shape(values, *, axis):
    merged = None
    for v in values:
        d = dims_of(v)
        if d is None:
            continue
        if merged is None:
            merged = d
        elif len(d) != len(merged):
            raise ShapeError("Shapes must be equal rank, but are %d and %d\n\tFrom merging shape "
                             "0 with other shapes." % (len(merged), len(d)))
        else:
            merged = _b.merge_dims(merged, d, "\n\tFrom merging shape 0 with other shapes.")
    dt = values[0].dtype.base_dtype
    if merged is None:
        return spec(None, dt)
    r = len(merged) + 1
    if not -r <= axis < r:
        raise ShapeError("Invalid axis: %d; must be in [%d,%d)" % (axis, -r, r))
    a = axis % r
    return spec(merged[:a] + (len(values),) + merged[a:], dt)


@op("Pack", infer=_pack_shape, lists=("values",))
def _pack(values, *, axis=0):
    shapes = [tuple(np.shape(v)) for v in values]
    for i, s in enumerate(shapes[1:], 1):
        if s != shapes[0]:  # fed values of other shapes
            raise ValueError("Shapes of all inputs must match: values[0].shape = %s != values[%d]"
                             ".shape = %s" % (_dims(shapes[0]), i, _dims(s)))
    return xp(*values).stack(values, axis)


def _parallel_concat_shape(values, *, shape):
    if not shape.is_fully_defined():
        raise ShapeError("shape attr must be fully defined.")
    return shape, values[0].dtype.base_dtype


@op("ParallelConcat", infer=_parallel_concat_shape, lists=("values",))
def _parallel_concat(values, *, shape):
    return xp(*values).concatenate(values, 0)


def parallel_stack(values, name="parallel_stack"):
    """`tf.parallel_stack`: TF's ParallelConcat of the values each expanded at axis 0 (the
    output shape comes from the first value's static shape)."""
    from scopeflow.core.shape import TensorShape
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.op_util import name_scope
    with name_scope(name):
        value_t = convert_to_tensor(values[0])
        output_shape = TensorShape([len(values)]).concatenate(value_t.shape)
        return _parallel_concat([expand_dims(v, 0) for v in values], shape=output_shape)

def stack(values, axis=0, name="stack"):
    """`tf.stack`: packs tensors along a new `axis` (Pack named 'stack').

    >>> import scopeflow as tf
    >>> tf.stack([tf.zeros([3]), tf.ones([3])]).shape.as_list()
    [2, 3]
    """
    if isinstance(values, (list, tuple)) and any(
            getattr(v, "_ragged_dispatch", False) for v in values):
        from scopeflow.ragged.ragged_concat import stack as ragged_stack  # (TF's dispatch)
        return ragged_stack(values, axis, None if name == "stack" else name)
    if axis == 0:
        try:
            return convert_to_tensor(values, name=name)
        except (TypeError, ValueError, NotImplementedError):
            pass
    first = convert_to_tensor(values[0], name=name)
    r = first.shape.ndims
    if r is not None and not -r - 1 <= axis < r + 1:
        raise ValueError("Argument `axis` = %d not in range [%d, %d)" % (axis, -r - 1, r + 1))
    return _pack(list(values), name=name, axis=axis)


def _unpack_shape(value, *, num, axis):
    dims = dims_of(value)
    dt = value.dtype.base_dtype
    if dims is None:
        return [spec(None, dt)] * num
    r = len(dims)
    if not -r <= axis < r:
        raise ShapeError("Invalid axis: %d; must be in [%d,%d)" % (axis, -r, r))
    a = axis % r
    if dims[a] is not None and dims[a] != num:
        raise ShapeError("Dimension must be %d but is %d" % (num, dims[a]))
    return [spec(dims[:a] + dims[a + 1:], dt)] * num


@op("Unpack", infer=_unpack_shape, name="unstack", multi=True)
def _unpack(value, *, num, axis=0):
    m = xp(value)
    shape = np.shape(value)
    if not -len(shape) <= axis < len(shape):  # (a fed rank)
        raise ValueError("axis = %d not in [%d, %d)" % (axis, -len(shape), len(shape)))
    if shape[axis] != num:  # a fed shape (a static one fails when the graph is built)
        raise ValueError("Input shape axis %d must equal %d, got shape [%s]"
                         % (axis % len(shape), num, ",".join(map(str, shape))))
    return _b.outputs(m.take(value, i, axis=axis) for i in range(num))


def unstack(value, num=None, axis=0, name="unstack"):
    """`tf.unstack`: Unpack into `num` tensors along `axis` (`num` read from the shape)."""
    if num is None:
        value = convert_to_tensor(value)
        dims = dims_of(value)
        if dims is not None:
            if not -len(dims) <= axis < len(dims):
                raise ValueError("Argument `axis` = %d not in range [%d, %d)"
                                 % (axis, -len(dims), len(dims)))
            num = dims[axis]
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s"
                             % _b.shape_text(value.shape))
    return _unpack(value, name=name, num=num, axis=axis)


# ---- split ----------------------------------------------------------------------------------
def _split_shape(split_dim, value, *, num_split):
    dims = dims_of(value)
    dt = value.dtype.base_dtype
    a = static_value(split_dim)
    if dims is None:
        return [spec(None, dt)] * num_split
    if a is None:
        return [spec((None,) * len(dims), dt)] * num_split
    a = _axis_in(int(a), len(dims))
    d = dims[a]
    if d is not None and d % num_split:
        raise ShapeError("Dimension size must be evenly divisible by %d but is %d\n\tNumber of "
                         "ways to split should evenly divide the split dimension" % (num_split, d))
    out = dims[:a] + (None if d is None else d // num_split,) + dims[a + 1:]
    return [spec(out, dt)] * num_split


def _axis_in(a, r):
    if not -r <= a < r:
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (a + 1, r)
                         if a >= 0 else "Shape must be at least rank %d but is rank %d"
                         % (-a, r))
    return a % r


@op("Split", infer=_split_shape, types={"split_dim": _dt.int32}, multi=True, name="split")
def _split(split_dim, value, *, num_split):
    a = _run_axis(split_dim, value)
    if value.shape[a] % num_split:
        raise ValueError("Number of ways to split should evenly divide the split dimension, but "
                         "got split_dim %d (size = %d) and num_split %d"
                         % (a, value.shape[a], num_split))
    return _b.outputs(xp(value).split(value, num_split, axis=a))


def _run_axis(split_dim, value):
    """The split axis of a run (TF's error for one out of range)."""
    a, r = int(np.asarray(split_dim)), np.ndim(value)
    if not -r <= a < r:
        raise ValueError("-input rank(-%d) <= split_dim < input rank (%d), but got %d" % (r, r, a))
    return a % r


def _run_split_sizes(sizes, d):
    """SplitV's sizes on a run's values, with TF's kernel errors."""
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    if len(unknown) > 1:
        raise ValueError("There can only be one -1 in the input.")
    for i, s in enumerate(sizes):
        if s < -1:
            raise ValueError("Split size at index %d must be >= 0. Got: %d" % (i, s))
    known = sum(s for s in sizes if s != -1)
    if (not unknown and known != d) or (unknown and known > d):
        raise ValueError("Determined shape must either match input shape along split_dim "
                         "exactly if fully specified, or be less than the size of the input "
                         "along split_dim if not fully specified.  Got: %d" % known)
    return [d - known if s == -1 else s for s in sizes]


def _split_v_shape(value, size_splits, split_dim, *, num_split):
    dims = dims_of(value)
    dt = value.dtype.base_dtype
    a = static_value(split_dim)
    sizes = static_value(size_splits)
    if dims is None or a is None:
        r = None if dims is None else (None,) * len(dims)
        return [spec(r, dt)] * num_split
    a = _axis_in(int(a), len(dims))
    if sizes is None:
        return [spec(dims[:a] + (None,) + dims[a + 1:], dt)] * num_split
    sizes = _fill_split_sizes(sizes.tolist(), dims[a])
    return [spec(dims[:a] + (s,) + dims[a + 1:], dt) for s in sizes]


def _fill_split_sizes(sizes, d):
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    if len(unknown) > 1:
        raise ShapeError("size_splits can only have one -1")
    known = sum(s for s in sizes if s != -1)
    out = [(None if d is None else d - known) if s == -1 else s for s in sizes]
    for i, s in enumerate(out):
        if s is not None and s < 0:
            raise ShapeError("Split size at index %d must be >= 0. Got: %d" % (i, s))
    if d is not None and not unknown and known != d:
        raise ShapeError("can't split axis of size %d into pieces of size [%s]"
                         % (d, ",".join(str(s) for s in sizes)))
    return out


@op("SplitV", infer=_split_v_shape, types={"size_splits": INDEX, "split_dim": _dt.int32},
    multi=True, name="split")
def _split_v(value, size_splits, split_dim, *, num_split):
    m = xp(value)
    a = _run_axis(split_dim, value)
    sizes = _run_split_sizes(_b.as_int_list(size_splits), value.shape[a])
    return _b.outputs(m.split(value, np.cumsum(sizes)[:-1].tolist(), axis=a))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """`tf.split`: equal pieces (Split) or given sizes (SplitV), outputs 'split:0..n'.

    >>> import scopeflow as tf
    >>> [t.name for t in tf.split(tf.zeros([4]), 2)]
    ['split:0', 'split:1']
    """
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
            num_or_size_splits, bool) or type(num_or_size_splits).__name__ == "Dimension":
        if int(num_or_size_splits) < 1:
            raise ValueError("Attr 'num_split' of 'Split' Op passed %d less than minimum 1."
                             % int(num_or_size_splits))
        return _split(axis, value, name=name, num_split=int(num_or_size_splits))
    sizes = convert_to_tensor(num_or_size_splits)
    if sizes.shape.ndims == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument "
                         "to split. Argument provided: %s" % (num_or_size_splits,))
    if num is None:
        d = dims_of(sizes)
        num = d[0] if d else None
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % (num_or_size_splits,))
    return _split_v(value, sizes, axis, name=name, num_split=num)


# ---- tile / pad / broadcast_to --------------------------------------------------------------
def _tile_shape(input, multiples):  # noqa: A002
    check_rank(multiples, 1)
    dims = dims_of(input)
    md = dims_of(multiples)
    n = md[0] if md else None
    if dims is not None and n is not None and n != len(dims):
        raise ShapeError("Shape must be rank %d but is rank %d" % (len(dims), n))
    n = len(dims) if dims is not None else n
    if n is None:
        return spec(None, input.dtype.base_dtype)
    mult = _b.partial_shape(multiples) or (None,) * n  # (TF reads it as a shape: -1 unknown)
    dims = dims or (None,) * n
    return spec(tuple(None if d is None or k is None else d * k for d, k in zip(dims, mult)),
                input.dtype.base_dtype)


@op("Tile", infer=_tile_shape, types={"multiples": INDEX}, context=True)
def _tile(ctx, input, multiples):  # noqa: A002
    if np.ndim(multiples) != 1:  # (a value fed with a rank the graph did not know)
        raise ValueError("Expected multiples to be 1-D, but got shape [%s]"
                         % ",".join(map(str, np.shape(multiples))))
    mult = _b.as_int_list(multiples)
    if failed(ctx, _tile_error(np.ndim(input), mult)):
        return xp(input).zeros([max(0, k) for k in mult][:np.ndim(input)]
                               + [1] * (np.ndim(input) - len(mult)), input.dtype)
    return xp(input).tile(input, mult)


def _tile_error(rank, mult):
    """TF's Tile kernel check of fed multiples, or ''."""
    if len(mult) != rank:
        return ("Expected multiples argument to be a vector of length %d but got length %d"
                % (rank, len(mult)))
    neg = [i for i, k in enumerate(mult) if k < 0]
    return "Expected multiples[%d] >= 0, but got %d" % (neg[0], mult[neg[0]]) if neg else ""


def tile(input, multiples, name=None):  # noqa: A002
    """`tf.tile`: repeats `input` `multiples[i]` times along dimension i."""
    return _tile(input, multiples, name=name or "Tile")


def _pad_shape(input, paddings, constant_values=None, *, mode=None):  # noqa: A002
    return _shape_padded(input, paddings, 1)


def _shape_padded(input, paddings, sign):  # noqa: A002
    """Each dim plus (`sign` 1: Pad, MirrorPad) or less (-1: MirrorPadGrad, TF's
    MirrorPadKnown) its two paddings."""
    dims = dims_of(input)
    pd = dims_of(paddings)
    check_rank(paddings, 2)
    if pd is not None and pd[1] is not None and pd[1] != 2:
        raise ShapeError("Dimension 1 in both shapes must be equal, but are %d and 2. Shapes "
                         "are [%s,%d] and [?,2]." % (pd[1], pd[0], pd[1]))
    n = len(dims) if dims is not None else (pd[0] if pd else None)
    if dims is not None and pd and pd[0] is not None and pd[0] != n:
        raise ShapeError("Shape must be rank %d but is rank %d" % (pd[0], n))
    if n is None:
        return spec(None, input.dtype.base_dtype)
    p = static_value(paddings)
    dims = dims if dims is not None else (None,) * n
    if p is None:
        return spec((None,) * n, input.dtype.base_dtype)
    if (p < 0).any():
        raise ShapeError("Paddings must be non-negative")
    return spec(tuple(None if d is None else d + sign * (int(a) + int(b))
                      for d, (a, b) in zip(dims, p)), input.dtype.base_dtype)


def _pad_rank(input, paddings, sep=" "):  # (MirrorPad's text: ", ")  # noqa: A002
    """TF's check that paddings has a row per dimension of `input` (fed with a rank the graph
    did not know)."""
    ps, s = np.shape(paddings), np.shape(input)
    if len(ps) == 2 and ps[0] != len(s):
        raise ValueError("The first dimension of paddings must be the rank of inputs[%s]%s[%s]"
                         % (",".join(map(str, ps)), sep, ",".join(map(str, s))))


def _paddings(paddings, input):  # noqa: A002
    """A run's paddings as lists, with TF's errors for a wrong rank, a negative padding."""
    _pad_rank(input, paddings)
    rows = np.asarray(paddings).tolist()
    for before, after in rows:
        if before < 0 or after < 0:
            raise ValueError("Paddings must be non-negative: %d %d" % (before, after))
    return rows


# Pad op -> the shape its output has, known to the code that built it though its paddings are
# not (a Slice gradient in a loop body, begin popped from a stack: the sliced input's shape)
PADDED_SHAPES = weakref.WeakKeyDictionary()


@op("Pad", infer=_pad_shape, types={"paddings": INDEX}, context=True)
def _pad(ctx, input, paddings):  # noqa: A002
    shape = None if ctx is None or is_numpy(paddings) else PADDED_SHAPES.get(ctx.op)
    if shape is not None:  # paddings known when the run runs: `input` placed into zeros
        out = jnp.zeros(shape, jnp.result_type(input))
        return jax.lax.dynamic_update_slice(out, input, jnp.asarray(paddings)[:, 0])
    return xp(input).pad(input, _paddings(paddings, input))


@op("PadV2", infer=_pad_shape, types={"paddings": INDEX})
def _pad_v2(input, paddings, constant_values):  # noqa: A002
    return xp(input).pad(input, _paddings(paddings, input), constant_values=constant_values)


@op("MirrorPad", infer=_pad_shape, types={"paddings": INDEX}, context=True)
def _mirror_pad(ctx, input, paddings, *, mode):  # noqa: A002
    _pad_rank(input, paddings, ", ")
    rows = np.asarray(paddings).tolist()
    if failed(ctx, _mirror_error(np.shape(input), rows, mode == "REFLECT")):
        return xp(input).pad(input, [(max(0, a), max(0, b)) for a, b in rows])
    return xp(input).pad(input, rows, mode=mode.lower())


def _fold_shape(input, paddings, *, mode=None):  # noqa: A002
    return _shape_padded(input, paddings, -1)


@op("MirrorPadGrad", infer=_fold_shape, types={"paddings": INDEX})
def mirror_pad_grad(input, paddings, *, mode):  # noqa: A002
    """MirrorPad's gradient: the padded areas folded back onto the values they mirror (the
    transpose of MirrorPad with the same paddings and mode)."""
    rows = [(int(a), int(b)) for a, b in np.asarray(paddings).tolist()]
    shape = tuple(n - a - b for n, (a, b) in zip(np.shape(input), rows))
    value = jnp.asarray(input)
    fold = jax.linear_transpose(lambda x: jnp.pad(x, rows, mode=mode.lower()),
                                jax.ShapeDtypeStruct(shape, value.dtype))
    return fold(value)[0]


def _mirror_error(shape, rows, reflect):
    """TF's MirrorPad kernel check of fed paddings, or ''."""
    for n, (a, b) in zip(shape, rows):
        if a < 0 or b < 0:
            return "paddings must be non-negative: %d %d" % (a, b)
        if reflect and max(a, b) >= n:
            return "paddings must be less than the dimension size: %d, %d not less than %d" % (
                a, b, n)
        if not reflect and max(a, b) > n:
            return ("paddings must be no greater than the dimension size: %d, %d greater than %d"
                    % (a, b, n))
    return ""


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """`tf.pad`: Pad / PadV2 (nonzero `constant_values`) / MirrorPad (REFLECT, SYMMETRIC)."""
    mode = mode.upper()
    if mode == "CONSTANT":
        if not isinstance(constant_values, Tensor) and np.ndim(constant_values) == 0 and \
                constant_values == np.zeros_like(constant_values):
            result = _pad(tensor, paddings, name=name or "Pad")
        else:
            result = _pad_v2(tensor, paddings, constant_values, name=name or "PadV2")
    elif mode in ("REFLECT", "SYMMETRIC"):
        result = _mirror_pad(tensor, paddings, name=name or "MirrorPad", mode=mode)
    else:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", '
                         'or "SYMMETRIC". Received `mode` = %s' % mode)
    _refine_pad_shape(result, paddings)
    return result


def _refine_pad_shape(result, paddings):
    """TF's Python step: partially known paddings still give the dims they can."""
    dims = dims_of(result.op.inputs[0])
    if dims is None or result.shape.is_fully_defined():
        return
    p = _partial_paddings(paddings)
    if p is None:
        return
    out = []
    for pp, d in zip(p, dims):
        if pp is None or d is None or any(x is None for x in pp):
            out.append(None)
        else:
            out.append(int(sum(pp)) + d)
    result.set_shape(out)


def _partial_paddings(paddings):
    if isinstance(paddings, Tensor):
        v = constant_value(paddings)
        return None if v is None else v.tolist()
    if isinstance(paddings, (list, tuple)):
        return [_partial_paddings(x) for x in paddings]
    return paddings




# ---- autopacking: lists holding tensors convert through Pack -------------------------------
def _tensor_like(x):
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_element") and hasattr(x, "dtype")


def _nested_dtype(values):
    for v in values:
        if _tensor_like(v):
            return v.dtype.base_dtype
        if isinstance(v, (list, tuple)):
            d = _nested_dtype(v)
            if d is not None:
                return d
    return None


def _cast_nested(values, dtype):
    from scopeflow.ops.math import cast
    if isinstance(values, (list, tuple)):
        return type(values)(_cast_nested(v, dtype) for v in values)
    if _tensor_like(values) and values.dtype.base_dtype is not dtype:
        return cast(convert_to_tensor(values), dtype)
    return values


def _autopack(values, dtype=None, name=None, as_ref=False):
    """TF's conversion of a (nested) list holding tensors: a Pack named 'packed'."""
    if as_ref:
        return NotImplemented
    inferred = _nested_dtype(values)
    if inferred is None:
        return NotImplemented
    if dtype is None:
        dtype = inferred
    elif dtype.base_dtype is not inferred:
        values = _cast_nested(values, dtype.base_dtype)
    return _pack_nested(values, dtype.base_dtype, name or "packed")


def _pack_nested(values, dtype, name):
    from scopeflow.ops.constant import constant
    must_pack = False
    elems = []
    with _b.scope(name, None) as scope:
        for i, v in enumerate(values):
            if _tensor_like(v):
                v = convert_to_tensor(v)
                if v.dtype.base_dtype is not dtype:
                    raise TypeError("Cannot convert a list containing a tensor of dtype %s to %s "
                                    "(Tensor is: %r)" % (v.dtype, dtype, v))
                must_pack = True
            elif isinstance(v, (list, tuple)):
                v = _pack_nested(v, dtype, str(i))
                must_pack = must_pack or isinstance(v, Tensor)
            elems.append(v)
        if not must_pack:
            return elems
        tensors = [v if isinstance(v, Tensor) else constant(v, dtype=dtype, name=str(i))
                   for i, v in enumerate(elems)]
        return _pack(tensors, name=scope, axis=0)


def _install():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function((list, tuple), _autopack, 99)


_install()
