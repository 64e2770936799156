"""Slicing: Slice, StridedSlice (getitem.py builds `tensor[...]` on it), reverse,
reverse_sequence."""

import builtins

import numpy as np

from scopeflow.ops import array_base as _b
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of, is_numpy, static_value, xp
from scopeflow.ops.registry import INDEX, REGISTRY, op, spec
from scopeflow.ops.value_checks import check, check_elements, first_bad

newaxis = None


# ---- Slice ----------------------------------------------------------------------------------
def _slice_shape(input, begin, size):  # noqa: A002
    check_rank(begin, 1)
    check_rank(size, 1)
    n = (dims_of(begin) or (None,))[0]
    if n is None:
        n = (dims_of(size) or (None,))[0]
    dims = dims_of(input)
    dt = input.dtype.base_dtype
    if dims is not None and n is not None and len(dims) != n:
        raise ShapeError("Shape must be rank %d but is rank %d" % (n, len(dims)))
    n = len(dims) if dims is not None else n
    sizes = static_value(size)
    if sizes is not None and sizes.ndim == 1:
        _b.dims_of_shape_value(sizes)  # (TF reads `size` as a shape: below -1 fails so)
    b = _b.partial_shape(begin) if n is not None else None
    if sizes is None:
        s = _b.partial_shape(size)
        return spec(s if s is not None else (None if n is None else (None,) * n), dt)
    dims = dims if dims is not None else (None,) * len(sizes)
    b = b if b is not None else (None,) * len(sizes)
    out = []
    for d, bb, s in zip(dims, b, sizes.tolist()):
        if s == -1:
            if d is not None and bb is not None and d - bb < 0:
                raise ShapeError("Negative dimension size caused by subtracting %d from %d"
                                 % (bb, d))
            out.append(None if d is None or bb is None else d - bb)
        elif s < 0:
            raise ShapeError("Slice size must be >= -1, got %d" % s)
        else:
            out.append(s)
    return spec(out, dt)


@op("Slice", infer=_slice_shape, types={"begin": INDEX, "size": INDEX}, context=True,
    same_index=("begin", "size"))
def _slice_op(ctx, input, begin, size):  # noqa: A002
    sizes = _b.as_int_list(size)
    if len(sizes) != np.ndim(input):  # (an input fed with a rank the graph did not know)
        raise ValueError("Expected begin and size arguments to be 1-D tensors of size %d, but got "
                         "shapes [%d] and [%d] instead." % (np.ndim(input), len(sizes), len(sizes)))
    _check_slice(ctx, np.shape(input), begin, sizes)
    if is_numpy(begin):
        b = _b.as_int_list(begin)
        idx = tuple(builtins.slice(x, None if s == -1 else x + s) for x, s in zip(b, sizes))
        return input[idx]
    if -1 in sizes:  # the output's size depends on `begin`: known in the graph ([i, 0]), or
        known = _elements(ctx.op._inputs[1] if ctx is not None else None, len(sizes))
        sizes = [d - b if s == -1 and b is not None else s
                 for s, b, d in zip(sizes, known, np.shape(input))]
    if -1 in sizes:  # compiled in (lowering/lower.py)
        np.asarray(begin)
    out = input
    for i, s in enumerate(sizes):  # (a failed check above: never run, see the helper)
        out = dynamic_slice_or_zeros(out, begin[i], s, i)
    return out


def _check_slice(ctx, dims, begin, sizes):
    """TF's SharedSliceValidation: begin[i] in [0, dim], size[i] in [0, dim - begin[i]]."""
    if len(dims) != len(sizes) or not dims:
        return
    m = xp(begin)
    d = np.asarray(dims, np.int64)
    s = np.asarray(sizes, np.int64)
    b = m.asarray(begin).astype(np.int64)
    s = m.where(s == -1, d - b, s)
    bad = m.where(d == 0, (b != 0) | (s != 0), (b < 0) | (b > d) | (s < 0) | (b + s > d))
    ok, first = first_bad(bad)
    data = m.stack([m.asarray(first).astype(np.int64), b[first], s[first]])

    def text(v):
        i, bb, ss = (int(x) for x in v)
        if dims[i] == 0:
            return ("Expected begin[%d] == 0 (got %d) and size[%d] == 0 (got %d) when "
                    "input.dim_size(%d) == 0" % (i, bb, i, ss, i))
        if not 0 <= bb <= dims[i]:
            return "Expected begin[%d] in [0, %d], but got %d" % (i, dims[i], bb)
        return "Expected size[%d] in [0, %d], but got %d" % (i, dims[i] - bb, ss)

    check(ctx, ok, text, [data])


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """`tf.slice`: `size[i]` elements from `begin[i]` (-1: to the end).

    >>> import scopeflow as tf
    >>> tf.slice(tf.zeros([4, 3]), [1, 0], [2, -1]).shape.as_list()
    [2, 3]
    """
    return _slice_op(input_, begin, size, name=name or "Slice")


# ---- StridedSlice ---------------------------------------------------------------------------
_NEW, _SHRINK = -1, -2  # final-shape markers of TF's dense spec


def _dense_spec(rank, n, masks):
    """TF's BuildDenseSpec: per input dim (sparse index or None, begin/end masked), gathers."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    if not ellipsis_mask:
        ellipsis_mask, n = 1 << n, n + 1
    elif ellipsis_mask & (ellipsis_mask - 1):
        raise ShapeError("Multiple ellipses in slice spec not allowed")
    ell = (ellipsis_mask & -ellipsis_mask).bit_length() - 1
    after = sum(1 for i in builtins.range(ell + 1, n) if new_axis_mask >> i & 1)
    dense, gather = [], []
    for i in builtins.range(n):
        if ellipsis_mask >> i & 1:
            stop = min(rank - (n - i) + 1 + after, rank)
            while len(dense) < stop:
                gather.append(len(dense))
                dense.append((None, True, True, False))
        elif new_axis_mask >> i & 1:
            gather.append(_NEW)
        else:
            if len(dense) == rank:
                if not rank:
                    raise ShapeError("Attempting to slice scalar input.")
                raise ShapeError("Index out of range using input dim %d; input has only %d dims"
                                 % (len(dense), rank))
            shrink = bool(shrink_mask >> i & 1)
            gather.append(_SHRINK if shrink else len(dense))
            dense.append((i, bool(begin_mask >> i & 1), bool(end_mask >> i & 1), shrink))
    return dense, gather



def _dim_size(k, d, b, e, s, masks):
    """Processing size of dense dim `k` (None = unknown), TF's ValidateStridedSliceOp."""
    masked_b, masked_e, shrink = masks
    if s == 0:
        raise ShapeError("strides[%d] must be non-zero" % k)
    if d is None:
        return 1 if shrink else None
    if shrink and s <= 0:
        raise ShapeError("only stride 1 allowed on non-range indexing.")
    if b is not None and e is not None:
        if shrink:
            fwd = b + d if b < 0 else b  # (TF's message shows the index made positive)
            if not 0 <= fwd < d:
                raise ShapeError("slice index %d of dimension %d out of bounds." % (fwd, k))
            return 1
        length = _canon(e, 1, masked_e, d, s) - _canon(b, 0, masked_b, d, s)
    elif shrink:
        return 1
    elif masked_b and masked_e:
        length = -d if s < 0 else d
    else:
        return None
    if length == 0 or (length < 0) != (s < 0):
        return 0
    return length // s + (1 if length % s else 0)


def _canon(x, c, masked, d, s):
    """Begin (c=0) / end (c=1) clamped into the valid range for stride `s`."""
    lo, hi = (0, d) if s > 0 else (-1, d - 1)
    if masked:
        return (lo, hi)[c] if s > 0 else (lo, hi)[1 - c]
    x = x + d if x < 0 else x
    return min(max(x, lo), hi)


def _strided_slice_shape(input, begin, end, strides, *, begin_mask=0, end_mask=0,  # noqa: A002
                         ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
    for t in (begin, end, strides):
        check_rank(t, 1)
    dims = dims_of(input)
    dt = input.dtype.base_dtype
    n = next((d[0] for d in (dims_of(begin), dims_of(end), dims_of(strides))
              if d is not None and d[0] is not None), None)
    st = static_value(strides)
    if dims is None or n is None or st is None:
        return spec(None, dt)
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    dense, gather = _dense_spec(len(dims), n, masks)
    # As TF's shape refiner: a first pass knows only the strides (its errors name no begin or
    # end value), then begin and end are read and the sizes computed with them.
    _dense_sizes(dense, dims, st, None, None)
    sizes = _dense_sizes(dense, dims, st, static_value(begin), static_value(end))
    return spec([1 if g == _NEW else sizes[g] for g in gather if g != _SHRINK], dt)


def _dense_sizes(dense, dims, st, b, e):
    sizes = []
    for k, (i, mb, me, shrink) in enumerate(dense):
        s = 1 if i is None else int(st[i])
        bb = 0 if i is None else (None if b is None else int(b[i]))
        ee = 0 if i is None else (None if e is None else int(e[i]))
        sizes.append(_dim_size(k, dims[k], bb, ee, s, (mb, me, shrink)))
    return sizes


@op("StridedSlice", infer=_strided_slice_shape, name="strided_slice", context=True,
    types={"begin": INDEX, "end": INDEX, "strides": INDEX}, same_index=("begin", "end", "strides"))
def _strided_slice_op(ctx, input, begin, end, strides, *, begin_mask=0, end_mask=0,  # noqa: A002
                      ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
    st = _b.as_int_list(strides)
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    # TF's kernel validates the slice against the input's shape as run (an input fed with a
    # shape the graph did not know): its errors, never a clamped index
    dense = _dense_spec(np.ndim(input), len(st), masks)[0]
    known = is_numpy(begin, end)
    _dense_sizes(dense, np.shape(input), st, _b.as_int_list(begin) if known else None,
                 _b.as_int_list(end) if known else None)
    if known:
        return input[_index_tuple(_b.as_int_list(begin), _b.as_int_list(end), st, masks)]
    return _dynamic_strided_slice(ctx, input, (begin, end), st, masks)


def _index_tuple(b, e, st, masks):
    """The Python index (ints, slices, Ellipsis, None) that a sparse spec describes."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    idx = []
    for i, s in enumerate(st):
        bit = 1 << i
        if ellipsis_mask & bit:
            idx.append(Ellipsis)
        elif new_axis_mask & bit:
            idx.append(None)
        elif shrink_mask & bit:
            idx.append(b[i])
        else:
            idx.append(builtins.slice(None if begin_mask & bit else b[i],
                                      None if end_mask & bit else e[i], s))
    return tuple(idx)


def _dynamic_strided_slice(ctx, x, bounds, st, masks, out_dims=None):
    """Run-time begins (`x[i]`, `x[:, i]`, `x[i:i + k]`, `x[i + 1:i + 5:2]`): those dims are
    dynamically sliced first (sizes from the graph, else from `out_dims`, the slice's shape
    where the caller knows it: StridedSliceGrad's dy), then the static index applies (with
    the strides of those dims)."""
    import jax.numpy as jnp
    tensors = (ctx.op._inputs[1], ctx.op._inputs[2]) if ctx is not None else (None, None)
    idx, dyn = _split_spec(tensors, st, masks, (x.ndim, out_dims))
    begin = bounds[0]
    axes = _input_axes(idx, x.ndim)
    out = x
    for i, size in dyn:
        a = axes[i]
        n = x.shape[a]
        # (a masked begin or end is the dim's start or end: `x[1:]`'s end value is 0)
        b_i = 0 if masks[0] & (1 << i) and not masks[4] & (1 << i) else begin[i]
        e_i = n if masks[1] & (1 << i) else bounds[1][i]
        start = jnp.where(b_i < 0, b_i + n, b_i)
        if masks[4] & (1 << i):  # a shrunk axis: x[i] must index into the dim
            check(ctx, (begin[i] >= -n) & (begin[i] < n), lambda v, a=a, n=n: "slice index %d "
                  "of dimension %d out of bounds." % (int(v[0]) + (n if v[0] < 0 else 0), a),
                  [begin[i:i + 1]])
        else:  # x[i:i + k]: TF clamps both ends, so near an end it has fewer than k rows
            _check_whole(ctx, (start, e_i), (size, st[i]), n, a)
        # the rows from the first to the last element taken
        out = dynamic_slice_or_zeros(out, start, (size - 1) * st[i] + 1 if size else 0, a)
    return out[tuple(idx)]


def _check_whole(ctx, bounds, size, n, axis):
    """x[i:i + k] with a run-time i is compiled with k rows: where TF's clamped slice has fewer
    (i or i + k past an end of the dim), UnimplementedError instead of another value.
    `size`: (elements, stride)."""
    import jax.numpy as jnp

    from scopeflow.errors import UnimplementedError
    lo = jnp.clip(bounds[0], 0, n)
    end = bounds[1]
    hi = jnp.clip(jnp.where(end < 0, end + n, end), 0, n)
    size, stride = size
    count = (jnp.maximum(hi - lo, 0) + stride - 1) // stride
    data = jnp.stack([lo, hi, count]).astype(jnp.int64)
    check(ctx, count == size, lambda v: (
        "strided_slice: the slice [%d, %d) of dimension %d (size %d) has %d elements, not the "
        "%d a compiled (XLA) program gives it when its begin is a run-time value; slice with "
        "begins whose slices stay inside the dimension" % (
            int(v[0]), int(v[1]), axis, n, int(v[2]), size)),
        [data], exc=UnimplementedError)


def dynamic_slice_or_zeros(x, start, size, axis):
    """`size` entries of `x` from `start` along `axis`; zeros where the dim has fewer than
    `size` (a loop body or branch traced but, as its checks say, never run on such a value:
    the body of a loop over the rows of an empty tensor)."""
    import jax
    import jax.numpy as jnp
    if size > x.shape[axis]:
        shape = list(x.shape)
        shape[axis] = size
        return jnp.zeros(shape, x.dtype)
    return jax.lax.dynamic_slice_in_dim(x, start, size, axis=axis)


def _split_spec(tensors, st, masks, hint=(0, None)):
    """(Python index with dynamic dims made whole / 0, [(sparse index, slice size)]);
    `hint`: (input rank, the slice's output dims or None)."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = masks
    sb, se = (_elements(t, len(st)) for t in tensors)
    idx, dyn = [], []
    for i, s in enumerate(st):
        bit = 1 << i
        known_b = begin_mask & bit or sb[i] is not None
        known_e = end_mask & bit or se[i] is not None
        if ellipsis_mask & bit or new_axis_mask & bit:
            idx.append(Ellipsis if ellipsis_mask & bit else None)
        elif shrink_mask & bit:
            idx.append(sb[i] if sb[i] is not None else 0)
            if sb[i] is None:
                dyn.append((i, 1))
        elif known_b and known_e:
            idx.append(builtins.slice(None if begin_mask & bit else sb[i],
                                      None if end_mask & bit else se[i], s))
        else:
            span = _offset(tensors, i) if s > 0 and not (begin_mask | end_mask) & bit else None
            size = None if span is None else -(-max(span, 0) // s)  # elements: ceil(span / s)
            if size is None and s > 0 and hint[1] is not None:
                size = _hinted_size(idx, len(st) - (ellipsis_mask | new_axis_mask).bit_count(),
                                    *hint)
            if size is None:
                raise NotImplementedError(
                    "strided_slice with run-time bounds needs a static slice size (x[i:i + k] "
                    "or tf.slice with a fixed size) in a compiled (XLA) program")
            idx.append(builtins.slice(None, None, s))  # (of the rows sliced: every s-th)
            dyn.append((i, size))
    return idx, dyn


def size_per_iteration(op):
    """Whether Slice / StridedSlice `op` has bounds set per run whose slice size the graph
    does not give (`x[i:]`, `tf.slice(x, [i], [-1])`): compiled, they must be static, so
    in a loop body the loop runs on the host (lowering/stages.may_grow)."""
    if op._type == "Slice":
        size = static_value(op._inputs[2])
        if size is None:
            return True
        known = _elements(op._inputs[1], size.size)
        return any(s == -1 and b is None for s, b in zip(size.tolist(), known))
    begin, end, strides = op._inputs[1:4]
    st = static_value(strides)
    if static_value(begin) is not None and static_value(end) is not None:
        return False
    if st is None:
        return True
    masks = tuple(op._attrs.get(k, 0) for k in (
        "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"))
    try:
        _split_spec((begin, end), [int(v) for v in st.tolist()], masks)
    except NotImplementedError:
        return True
    return False


def _hinted_size(prefix, n_real, rank, out_dims):
    """The size of the slice after index entries `prefix`: the output dim it makes."""
    pos = 0
    for t in prefix:
        pos += (rank - n_real) if t is Ellipsis else 0 if isinstance(t, int) else 1
    return int(out_dims[pos]) if pos < len(out_dims) else None


def _elements(t, n):
    """Static value of each element of a begin / end tensor (None where unknown)."""
    if t is None:
        return [None] * n
    v = static_value(t)
    if v is not None:
        return [int(a) for a in v.tolist()]
    if t._op._type == "Pack" and len(t._op._inputs) == n:
        out = []
        for x in t._op._inputs:
            xv = static_value(x)
            out.append(None if xv is None or xv.ndim else int(xv))
        return out
    return [None] * n


def _offset(tensors, i):
    """k when end[i] is begin[i] + k in the graph (`x[i:i + k]`, `x[i + 1:i + 2]`), else
    None."""
    tb, te = tensors
    if tb is None or tb._op._type != "Pack" or te._op._type != "Pack":
        return None
    b, cb = _affine(tb._op._inputs[i])
    e, ce = _affine(te._op._inputs[i])
    return ce - cb if _same_value(b, e) else None


def _same_value(a, b, depth=8):
    """Whether tensors `a` and `b` hold the same value: the same tensor, equal static values,
    or outputs of ops of one pure type and attrs on the same inputs (`2 * i` built twice)."""
    if a is b:
        return True
    va, vb = static_value(a), static_value(b)
    if va is not None or vb is not None:
        return va is not None and vb is not None and np.array_equal(va, vb)
    x, y = a._op, b._op
    rule = REGISTRY.get(x._type)
    return (depth > 0 and x._type == y._type and rule is not None and not rule.stateful
            and a._value_index == b._value_index and x._attrs == y._attrs
            and len(x._inputs) == len(y._inputs) and x._inputs and x._ctx is y._ctx
            and all(_same_value(p, q, depth - 1) for p, q in zip(x._inputs, y._inputs)))


def _affine(t):
    """(x, c) with `t` = x + c in the graph (c static; x the innermost non-constant term)."""
    c = 0
    for _ in range(64):
        op = t._op
        if op._type not in ("AddV2", "Add", "Sub") or len(op._inputs) != 2:
            break
        x, y = op._inputs
        vy, vx = static_value(y), static_value(x)
        if vy is not None and vy.ndim == 0:
            t, c = x, c + (int(vy) if op._type != "Sub" else -int(vy))
        elif vx is not None and vx.ndim == 0 and op._type != "Sub":
            t, c = y, c + int(vx)
        else:
            break
    return t, c


def _input_axes(idx, rank):
    """Input axis of each entry of a Python index (None for new axes and the ellipsis)."""
    out, axis = [], 0
    n_real = sum(1 for t in idx if t is not None and t is not Ellipsis)
    for t in idx:
        if t is Ellipsis:
            out.append(None)
            axis += rank - n_real
        elif t is None:
            out.append(None)
        else:
            out.append(axis)
            axis += 1
    return out


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """`tf.strided_slice`: StridedSlice named 'StridedSlice' (strides default to ones)."""
    if strides is None:
        from scopeflow.ops.shape_ops import ones_like
        strides = ones_like(begin)
    return _strided_slice_op(input_, begin, end, strides, name=name or "StridedSlice",
                             begin_mask=begin_mask, end_mask=end_mask,
                             ellipsis_mask=ellipsis_mask, new_axis_mask=new_axis_mask,
                             shrink_axis_mask=shrink_axis_mask)


# ---- reverse / reverse_sequence -------------------------------------------------------------
def _reverse_shape(tensor, axis):
    check_rank(axis, 1)
    a = static_value(axis)
    dims = dims_of(tensor)
    if a is not None and dims is not None:
        seen = set()
        for i, v in enumerate(a.tolist()):
            if not -len(dims) <= v < len(dims):
                raise ShapeError("'axis'[%d] = %d is out of valid range [0, %d"  # TF's text
                                 % (i, v, len(dims) - 1))
            if v % len(dims) in seen:
                raise ShapeError("axis %d specified more than once." % (v % len(dims)))
            seen.add(v % len(dims))
    return tensor.shape, tensor.dtype.base_dtype


@op("ReverseV2", infer=_reverse_shape, types={"axis": INDEX})
def _reverse_v2(tensor, axis):
    rank, seen = np.ndim(tensor), set()
    if rank == 0:  # TF's kernel passes a scalar through, whatever the axes
        return tensor
    for i, v in enumerate(_b.as_int_list(axis)):  # (TF's run-time checks, in its order)
        k = v + rank if v < 0 else v
        if not 0 <= k < rank:
            raise ValueError("'axis'[%d] = %d is out of valid range [0, %d" % (i, v, rank - 1))
        if k in seen:
            raise ValueError("axis %d specified more than once." % k)
        seen.add(k)
    return xp(tensor).flip(tensor, tuple(seen))


def reverse(tensor, axis, name=None):
    """`tf.reverse` (ReverseV2): flips `tensor` along each axis in `axis`."""
    return _reverse_v2(tensor, axis, name=name or "ReverseV2")


reverse_v2 = reverse


def _reverse_sequence_shape(input, seq_lengths, *, seq_dim, batch_dim=0):  # noqa: A002
    check_rank(seq_lengths, 1)
    dims = dims_of(input)
    if dims is None:
        return input.shape, input.dtype.base_dtype
    r = len(dims)
    if batch_dim >= r:
        raise ShapeError("batch_dim must be < input rank: %d vs. %d" % (batch_dim, r))
    if seq_dim >= r:
        raise ShapeError("seq_dim must be < input rank: %d vs. %d" % (seq_dim, r))
    if batch_dim == seq_dim:
        raise ShapeError("batch_dim == seq_dim == %d" % seq_dim)
    n = (dims_of(seq_lengths) or (None,))[0]
    if n is not None and dims[batch_dim] is not None and n != dims[batch_dim]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (dims[batch_dim], n))
    out = list(dims)
    out[batch_dim] = out[batch_dim] if out[batch_dim] is not None else n
    return spec(out, input.dtype.base_dtype)


@op("ReverseSequence", infer=_reverse_sequence_shape, types={"seq_lengths": INDEX},
    context=True)
def _reverse_sequence_op(ctx, input, seq_lengths, *, seq_dim, batch_dim=0):  # noqa: A002
    import jax.numpy as jnp
    # (an input fed with a rank the graph did not know)
    for what, d in (("seq_dim", seq_dim), ("batch_dim", batch_dim)):
        if d >= input.ndim:
            raise ValueError("%s must be < input rank ( %d vs. %d)" % (what, d, input.ndim))
    n, dim = np.shape(seq_lengths)[0], input.shape[seq_dim]
    if n != input.shape[batch_dim]:
        check(ctx, False, "Length of seq_lengths != input.dims(%d), (%d vs. %d)"
              % (batch_dim, n, input.shape[batch_dim]))
    m = xp(seq_lengths)
    check_elements(ctx, seq_lengths, m.logical_or(seq_lengths < 0, seq_lengths > dim),
                   lambda pos, v: "seq_lens(%s) %s" % (pos[1:-1], "< 0" if v < 0 else
                                                       "> input.dims(%d)" % seq_dim))
    t = jnp.arange(input.shape[seq_dim])
    n = jnp.asarray(seq_lengths)
    shape = [1] * input.ndim
    shape[batch_dim] = -1
    n = n.reshape(shape)
    tshape = [1] * input.ndim
    tshape[seq_dim] = -1
    t = t.reshape(tshape)
    src = jnp.where(t < n, n - 1 - t, t)
    src = jnp.broadcast_to(src, input.shape)
    return jnp.take_along_axis(input, src, axis=seq_dim)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """`tf.reverse_sequence`: reverses the first `seq_lengths[b]` items of each batch row."""
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else batch_dim
    return _reverse_sequence_op(input, seq_lengths, name=name or "ReverseSequence",
                                seq_dim=seq_axis, batch_dim=0 if batch_axis is None
                                else batch_axis)
