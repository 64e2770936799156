"""Indexing by value: gather, gather_nd, scatter_nd, where / select, boolean_mask, unique.

Where (one argument), boolean_mask, Unique and ListDiff give outputs whose size depends on the
data: those ops run on the host between compiled steps (dynamic_shape.py).
"""

import collections
import weakref

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.core.shape import dims_str
from scopeflow.ops import array_base as _b
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of, dims_text, static_value, xp
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.dynamic_shape import list_diff_op, unique_counts_op, unique_op, where_op
from scopeflow.ops.op_util import check_allowed
from scopeflow.ops.padded_rows import split_padding, zero_rows
from scopeflow.ops.registry import ANY, INDEX, broadcast_dims, op, spec
from scopeflow.ops.value_checks import check, check_index_tuples, check_indices, first_bad

# ---- gather ---------------------------------------------------------------------------------
_INDEX_TYPES = ("int16", "int32", "int64")  # TF's Tindices


def _gather_shape(params, indices, axis, *, batch_dims=0):
    check_allowed(indices, "indices", _INDEX_TYPES)
    check_allowed(axis, "axis", _INDEX_TYPES[1:])
    p, i = dims_of(params), dims_of(indices)
    dt = params.dtype.base_dtype
    a = static_value(axis)
    if a is None or p is None or i is None:
        if p is None or i is None:
            return spec(None, dt)
        return spec((None,) * (len(p) + len(i) - 1 - batch_dims), dt)
    a = int(a)
    if a < -len(p) or a >= len(p):
        want = a + 1 if a >= 0 else -a
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (want, len(p)))
    a %= len(p)
    bd = batch_dims + len(i) if batch_dims < 0 else batch_dims
    if bd > a:
        raise ShapeError("batch_dims (%d) must be less than or equal to axis (%d)." % (bd, a))
    if bd > len(i):
        raise ShapeError("batch_dims (%d) must be less than rank(indices) (%d)." % (bd, len(i)))
    batch = tuple(x if x is not None else y for x, y in zip(p[:bd], i[:bd]))
    return spec(batch + p[bd:a] + i[bd:] + p[a + 1:], dt)


# GatherV2 op -> the word its range check names the indices by (a partitioned lookup's check
# of the partition numbers words it as TF's DynamicPartition: 'partitions[1] = 2 ...')
INDEX_WORDS = weakref.WeakKeyDictionary()


def _gather_kernel(ctx, params, indices, axis, *, batch_dims=0):
    if isinstance(params, np.ndarray) and params.dtype == object:
        # strings never enter XLA: traced indices (a host op's output, a fed value) raise
        # JAX's concretization error, and the lowering compiles their values in
        indices = np.asarray(indices)
    a, rank = int(np.asarray(axis)), np.ndim(params)
    if rank == 0:  # (params fed with a rank the graph did not know)
        check(ctx, False, "params must be at least 1 dimensional")
        return xp(params).zeros(np.shape(indices), params.dtype)
    # a fed axis out of range: TF's words are its shape function's
    check(ctx, -rank <= a < rank, "Shape must be at least rank %d but is rank %d"
          % (a + 1 if a >= 0 else -a, rank))
    a %= max(rank, 1)
    if batch_dims < 0:  # (TF: counted from the indices' rank)
        batch_dims += np.ndim(indices)
    if not _same_batch(ctx, params, indices, batch_dims):
        p, i = np.shape(params), np.shape(indices)
        return xp(params).zeros(i[:batch_dims] + p[batch_dims:a] + i[batch_dims:] + p[a + 1:],
                                params.dtype)
    op_ = getattr(ctx, "op", None)
    pad = None
    if a == 0 and batch_dims == 0:  # padded rows (-1) of a lookup's gradient read zeros
        indices, pad = split_padding(ctx, 1, indices)
    check_indices(ctx, indices, np.shape(params)[a],
                  what=INDEX_WORDS.get(op_, "indices") if op_ is not None else "indices")
    p, i = np.shape(params), np.shape(indices)
    if p[a] == 0 and np.size(indices):  # (every index failed its check: nothing to take)
        return xp(params).zeros(p[:a] + i[batch_dims:] + p[a + 1:], params.dtype)
    return zero_rows(_take(params, indices, a, batch_dims), pad)


def _same_batch(ctx, params, indices, batch_dims):
    """TF's check that params and indices have the same batch dimensions (known when traced:
    a mismatch fails the run, and the caller returns zeros so that a branch can go on)."""
    for d in range(batch_dims):
        p, i = np.shape(params)[d], np.shape(indices)[d]
        if p != i:
            check(ctx, False, "params.shape[%d]: %d should be equal to indices.shape[%d]: %d"
                  % (d, p, d, i))
            return False
    return True


def _take(params, indices, a, batch_dims):
    if batch_dims == 0:
        m = xp(params, indices)
        # (out-of-range indices failed their check; host values clip so the run can go on to
        # report it, e.g. from a branch that is not taken)
        return m.take(params, indices, axis=a, mode="clip" if m is np else None)
    import jax
    return jax.vmap(lambda p, i: _take(p, i, a - 1, batch_dims - 1))(params, indices)


_gather_v2 = op("GatherV2", infer=_gather_shape, context=True,
                types={"params": ANY, "indices": INDEX, "axis": INDEX})(_gather_kernel)


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """`tf.gather`: GatherV2 named 'GatherV2' (slices of `params` at `indices` along `axis`).

    >>> import scopeflow as tf
    >>> tf.gather(tf.zeros([4, 3]), [0, 2]).name
    'GatherV2:0'
    """
    if getattr(params, "_ragged_dispatch", False) or getattr(indices, "_ragged_dispatch", False):
        from scopeflow.ragged.ragged_gather import gather as ragged_gather  # (TF's dispatch)
        return ragged_gather(params, indices, validate_indices, 0 if axis is None else axis,
                             batch_dims, name)  # (TF1's ragged dispatch: axis 0 by default)
    if axis is None:
        axis = batch_dims
    if hasattr(params, "sparse_read") and constant_value(axis) == 0 and batch_dims == 0:
        return params.sparse_read(indices, name=name)
    return _gather_v2(params, indices, axis, name=name or "GatherV2", batch_dims=batch_dims)


def _gather_nd_shape(params, indices, *, batch_dims=0):
    check_allowed(indices, "indices", _INDEX_TYPES)
    p, i = dims_of(params), dims_of(indices)
    dt = params.dtype.base_dtype
    if i is None or not i or i[-1] is None or p is None:
        if i is not None and not i:
            raise ShapeError("Shape must be at least rank 1 but is rank 0")
        return spec(None, dt)
    k = i[-1] + batch_dims
    if k > len(p):
        raise ShapeError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                         "and params shape: %s" % (dims_text(i), dims_text(p)))
    return spec(i[:-1] + p[k:], dt)


def _gather_nd_kernel(ctx, params, indices, *, batch_dims=0):
    name = ctx.op._name if ctx is not None else ""
    shape = tuple(np.shape(params))
    if not shape:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("params must be at least a vector")
    if np.shape(indices)[-1] + batch_dims > len(shape):
        raise ValueError("index innermost dimension length must be <= params rank; saw: %d vs. %d"
                         % (np.shape(indices)[-1] + batch_dims, len(shape)))
    if not _same_batch(ctx, params, indices, batch_dims):
        i = np.shape(indices)
        return xp(params).zeros(i[:-1] + shape[batch_dims + i[-1]:], params.dtype)
    if batch_dims:
        full = _with_batch_coordinates(indices, batch_dims)
    else:
        full = indices
    if np.shape(full)[-1] and int(np.prod(np.shape(full)[:-1])) and 0 in shape:
        check(ctx, False, "Requested more than 0 entries, but params is empty.  Params shape: "
              "%s" % dims_text(shape))
    check_index_tuples(ctx, full, shape, lambda pos, t: "indices%s = %s does not index into "
                       "param shape %s, node name: %s" % (pos, t, dims_text(shape), name))
    return _take_nd(params, indices, batch_dims)


def _with_batch_coordinates(indices, batch_dims):
    """Index tuples with their batch coordinates in front (TF checks them that way)."""
    m = xp(indices)
    ishape = np.shape(indices)
    grids = m.meshgrid(*[m.arange(n, dtype=indices.dtype) for n in ishape[:batch_dims]],
                       indexing="ij")
    rest = ishape[batch_dims:-1]
    lead = [m.broadcast_to(g.reshape(g.shape + (1,) * len(rest)), ishape[:-1]) for g in grids]
    full = m.concatenate([m.stack(lead, axis=-1), indices], axis=-1)
    return m.reshape(full, (-1, ishape[-1] + batch_dims))


def _take_nd(params, indices, batch_dims):
    if batch_dims:
        import jax
        return jax.vmap(lambda p, i: _take_nd(p, i, batch_dims - 1))(params, indices)
    k = np.shape(indices)[-1]
    m = xp(params, indices)
    params = m.asarray(params)  # constant params, run-time indices
    if m is np:  # (see _take)
        indices = np.clip(indices, 0, np.maximum(np.asarray(params.shape[:k]) - 1, 0))
    return params[tuple(indices[..., j] for j in range(k))]


_gather_nd = op("GatherNd", infer=_gather_nd_shape, context=True,
                types={"params": ANY, "indices": INDEX})(_gather_nd_kernel)


def gather_nd(params, indices, name=None, batch_dims=0):
    """`tf.gather_nd`: slices of `params` at the index tuples in the last axis of `indices`."""
    known = constant_value(batch_dims) if isinstance(batch_dims, Tensor) else None
    batch_dims = int(known) if known is not None else batch_dims
    if isinstance(batch_dims, Tensor) or batch_dims != 0:  # TF's composite (errors: its ops')
        from scopeflow.ops.batch_gather_nd import batch_gather_nd
        return batch_gather_nd(params, indices, batch_dims, name, lambda p, i: _gather_nd(
            p, i, name="GatherNd"))
    return _gather_nd(params, indices, name=name or "GatherNd")


def _scatter_nd_shape(indices, updates, shape):
    # before reading `shape` (TF's errors then name no computed input): the prefix, then the
    # ranks against an output of the shape vector's length
    _b.scatter_nd_prefix_check(dims_of(indices), dims_of(updates))
    rank = dims_of(shape)
    if rank is not None and len(rank) == 1 and rank[0] is not None:
        _b.scatter_nd_check((None,) * rank[0], dims_of(indices), dims_of(updates))
    out = _b.partial_shape(shape)
    _b.scatter_nd_check(out, dims_of(indices), dims_of(updates))
    return spec(out, updates.dtype.base_dtype)


def _scatter_nd_kernel_check(out, idx, upd):
    """ScatterNdOp's checks of the shapes it is run with (inputs of shapes the graph did not
    know): TF's messages (ValueError: InvalidArgumentError at the node)."""
    if len(idx) < 1:
        raise ValueError("Indices shape must have rank at least one. Found:%s" % dims_text(idx))
    if len(upd) < 1:
        raise ValueError("Updates shape must have rank at least one. Found:%s" % dims_text(upd))
    if (np.prod(out) == 0 or not out) and (np.prod(idx) != 0 or np.prod(upd) != 0):
        raise ValueError("Indices and updates specified for empty output shape")
    outer = len(idx) - 1
    for i in range(outer):
        if i >= len(upd) or idx[i] != upd[i]:
            raise ValueError("Dimensions [0,%d) of indices[shape=%s] must match dimensions [0,%d) "
                             "of updates[shape=%s]" % (outer, dims_text(idx), outer,
                                                       dims_text(upd)))
    ix = idx[outer]
    bad = len(upd) - outer != len(out) - ix or any(
        upd[i + outer] != out[ix + i] for i in range(len(upd) - outer))
    if bad:
        raise ValueError("Dimensions [%d,%d) of input[shape=%s] must match dimensions [%d,%d) of "
                         "updates[shape=%s]" % (ix, len(out), dims_text(out), outer, len(upd),
                                                dims_text(upd)))


@op("ScatterNd", infer=_scatter_nd_shape, context=True,
    types={"indices": INDEX, "updates": ANY, "shape": INDEX}, same_index=("indices", "shape"))
def _scatter_nd(ctx, indices, updates, shape):
    import jax.numpy as jnp
    dims = _b.as_int_list(shape)
    _scatter_nd_kernel_check(dims, np.shape(indices), np.shape(updates))
    check_index_tuples(ctx, indices, dims, lambda pos, t: "indices%s = %s does not index into "
                       "shape %s" % (pos, t, dims_text(dims)))
    out = jnp.zeros(dims, dtype=jnp.result_type(updates))
    k = np.shape(indices)[-1]
    return out.at[tuple(indices[..., j] for j in range(k))].add(updates)


def scatter_nd(indices, updates, shape, name=None):
    """`tf.scatter_nd`: zeros of `shape` with `updates` added at `indices`."""
    return _scatter_nd(indices, updates, shape, name=name or "ScatterNd")


# ---- Where / Select -------------------------------------------------------------------------
def _select_shape(condition, t, e):
    c, a, b = dims_of(condition), dims_of(t), dims_of(e)
    dt = t.dtype.base_dtype
    if a is not None and b is not None:
        if len(a) != len(b):
            raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
        a = _b.merge_dims(a, b, "")
    a = a if a is not None else b
    if c is None or a is None or not c:
        return spec(a, dt)
    if len(c) == 1 and len(a) > 1:
        _b.merge_dims(c, a[:1], "")  # TF checks the sizes agree; the output is the data's
        return spec(a, dt)
    if len(c) != len(a):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(c)))
    return spec(_b.merge_dims(a, c, ""), dt)


def _check_select(ctx, condition, t, e):
    """TF's run-time checks of Select's fed shapes (SelectOp), in its order."""
    c, a, b = (tuple(np.shape(x)) for x in (condition, t, e))
    if len(c) == 1 and len(a) != 1:  # a vector picking rows
        if not a:
            raise ValueError("'then' must be at least a vector, but saw shape: %s" % dims_str(a))
        if a[0] != c[0]:
            raise ValueError("Number of batches of 'then' must match size of 'cond', but saw: "
                             "%d vs. %d" % (a[0], c[0]))
    if not c or (len(c) == 1 and len(a) != 1):
        if a != b:
            raise ValueError("'then' and 'else' must have the same size.  but received: %s vs. "
                             "%s" % (dims_str(a), dims_str(b)))
        return
    for i, d in ((1, a), (2, b)):
        if d != c:
            name = "Select" if ctx is None else ctx.op._name
            raise ValueError("Inputs to operation %s of type Select must have the same size and "
                             "shape.  Input 0: %s != input %d: %s" % (name, dims_str(c), i,
                                                                      dims_str(d)))


@op("Select", infer=_select_shape, types={"condition": _dt.bool}, context=True)
def _select(ctx, condition, t, e):
    _check_select(ctx, condition, t, e)
    m = xp(condition, t, e)
    if np.ndim(condition) == 1 and np.ndim(t) > 1:
        condition = m.reshape(condition, (-1,) + (1,) * (np.ndim(t) - 1))
    return m.where(condition, t, e)


def _select_v2_shape(condition, t, e):
    d = broadcast_dims(broadcast_dims(dims_of(condition), dims_of(t)), dims_of(e))
    return spec(d, t.dtype.base_dtype)


@op("SelectV2", infer=_select_v2_shape, types={"condition": _dt.bool})
def _select_v2(condition, t, e):
    return xp(condition, t, e).where(condition, t, e)


def _where_indices(condition, name):
    with _b.scope(name, "Where", [condition]) as scope:
        condition = convert_to_tensor(condition, preferred_dtype=_dt.bool, name="condition")
        return where_op(condition, name=scope)


def where(condition, x=None, y=None, name=None):
    """TF1 `tf.where`: coordinates of true entries (Where) or an elementwise pick (Select)."""
    if any(getattr(t, "_ragged_dispatch", False) for t in (condition, x, y)):
        from scopeflow.ragged.ragged_where import where as ragged_where  # (TF's dispatch)
        return ragged_where(condition, x, y, name)
    if x is None and y is None:
        return _where_indices(condition, name)
    if x is not None and y is not None:
        return _select(condition, x, y, name=name or "Select")
    raise ValueError("x and y must both be non-None or both be None.")


def where_v2(condition, x=None, y=None, name=None):
    """`tf.where_v2`: like `where`, but the pick broadcasts (SelectV2)."""
    if any(getattr(t, "_ragged_dispatch", False) for t in (condition, x, y)):
        from scopeflow.ragged.ragged_where import where_v2 as ragged_where_v2  # (TF's dispatch)
        return ragged_where_v2(condition, x, y, name)
    if x is None and y is None:
        return _where_indices(condition, name)
    if x is not None and y is not None:
        return _select_v2(condition, x, y, name=name or "SelectV2")
    raise ValueError("x and y must both be non-None or both be None.")


def select(condition, x, y, name=None):
    """`tf.select` (TF 0.x spelling of `where` with three arguments)."""
    return _select(condition, x, y, name=name or "Select")


# ---- boolean_mask ---------------------------------------------------------------------------
def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """`tf.boolean_mask`: the entries of `tensor` where `mask` is true (Where + GatherV2)."""
    from scopeflow.ops.array import reshape, squeeze
    from scopeflow.ops.joining import concat
    from scopeflow.ops.shape_ops import shape
    with _b.scope(name, None, [tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        nm = mask.shape.ndims
        if nm == 0:
            raise ValueError("mask cannot be scalar.")
        if nm is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        axis = 0 if axis is None else axis
        axis_value = constant_value(axis)
        st = tensor.shape
        if axis_value is not None:
            axis = int(axis_value)
            st[axis:axis + nm].assert_is_compatible_with(mask.shape)
        lead = _b.raw("Prod", shape(tensor)[axis:axis + nm], [0], name="Prod", keep_dims=False)
        tensor = reshape(tensor, concat([shape(tensor)[:axis], [lead],
                                         shape(tensor)[axis + nm:]], 0))
        if axis_value is not None:
            first = st[axis:axis + nm].num_elements()
            tensor.set_shape(st[:axis].concatenate([first]).concatenate(st[axis + nm:]))
        mask = reshape(mask, [-1])
        indices = squeeze(where_v2(mask), axis=[1])
        return gather(tensor, indices, axis=axis)


# ---- unique / setdiff1d / searchsorted / permutations ---------------------------------------
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])
ListDiff = collections.namedtuple("ListDiff", ["out", "idx"])


def unique(x, out_idx=_dt.int32, name=None):
    """`tf.unique`: the distinct values `y` (first-seen order) and `idx` with x = y[idx]."""
    from scopeflow.ops.padded_rows import mark_like
    y, idx = unique_op(x, name=name or "Unique", out_idx=_dt.as_dtype(out_idx))
    return Unique(mark_like(y, y.op.inputs[0]), idx)  # padding (-1) stays one distinct row


def unique_with_counts(x, out_idx=_dt.int32, name=None):
    """`tf.unique_with_counts`: `unique` plus how often each value occurs."""
    return UniqueWithCounts(*unique_counts_op(x, name=name or "UniqueWithCounts",
                                              out_idx=_dt.as_dtype(out_idx)))


def setdiff1d(x, y, index_dtype=_dt.int32, name=None):
    """`tf.setdiff1d`: values of `x` not in `y`, and their positions in `x`."""
    return ListDiff(*list_diff_op(x, y, name=name or "ListDiff",
                                  out_idx=_dt.as_dtype(index_dtype)))


def _bound_shape(sorted_inputs, values, *, out_type):
    check_rank(sorted_inputs, 2)
    check_rank(values, 2)
    return values.shape, out_type


def _bound(side):
    def kernel(sorted_inputs, values, *, out_type):
        import jax
        import jax.numpy as jnp
        if np.shape(sorted_inputs)[0] != np.shape(values)[0]:  # fed shapes
            raise ValueError("Leading dim_size of both tensors must match.")
        fn = jax.vmap(lambda s, v: jnp.searchsorted(s, v, side=side))
        return fn(sorted_inputs, values).astype(out_type.as_numpy_dtype)
    return kernel


_lower_bound = op("LowerBound", infer=_bound_shape)(_bound("left"))
_upper_bound = op("UpperBound", infer=_bound_shape)(_bound("right"))


def _bucketize_shape(input, *, boundaries):
    if input.dtype.base_dtype not in _BUCKETIZE_TYPES:
        raise TypeError("Value passed to parameter 'input' has DataType %s not in list of "
                        "allowed values: int32, int64, float32, float64"
                        % input.dtype.base_dtype.name)
    return input.shape, _dt.int32


_BUCKETIZE_TYPES = (_dt.int32, _dt.int64, _dt.float32, _dt.float64)


@op("Bucketize", infer=_bucketize_shape, context=True)
def _bucketize(ctx, input, *, boundaries):
    m = xp(input)
    edges = np.asarray(boundaries, np.float32)  # float attrs, compared in float (double: double)
    if np.any(edges[1:] < edges[:-1]):
        check(ctx, False, "Expected sorted boundaries")
    kind = np.float64 if input.dtype == np.float64 else np.float32
    found = m.searchsorted(m.asarray(edges.astype(kind)), input.astype(kind), side="right")
    return found.astype(np.int32)


def bucketize(input, boundaries, name=None):
    """TF's `math_ops._bucketize`: the index of the bucket of each value, int32, where bucket
    i holds [boundaries[i-1], boundaries[i]).

    >>> import scopeflow as tf
    >>> bucketize(tf.constant([-5, 0, 3, 12]), [0., 3., 8.]).shape.as_list()
    [4]
    """
    if not isinstance(boundaries, (list, tuple)):
        raise TypeError("Expected list for 'boundaries' argument to 'Bucketize' Op, not %r."
                        % (boundaries,))
    return _bucketize(convert_to_tensor(input), boundaries=[float(b) for b in boundaries],
                      name=name or "Bucketize")


def searchsorted(sorted_sequence, values, side="left", out_type=_dt.int32, name=None):
    """`tf.searchsorted`: insertion points of `values` in each innermost sorted row."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.shape_ops import shape_internal
    seq_size = shape_internal(sorted_sequence)[-1]
    val_size = shape_internal(values)[-1]
    seq2 = reshape(sorted_sequence, [-1, seq_size])
    val2 = reshape(values, [-1, val_size])
    fns = {"right": (_upper_bound, "UpperBound"), "left": (_lower_bound, "LowerBound")}
    if side not in fns:
        raise ValueError("Argument `side` must be either 'right' or 'left'. Received: `side` = "
                         "'%s'." % side)
    fn, default = fns[side]
    out = fn(seq2, val2, name=name or default, out_type=_dt.as_dtype(out_type))
    return reshape(out, shape_internal(values))


def _invert_permutation_shape(x):
    check_rank(x, 1)
    return x.shape, x.dtype.base_dtype


@op("InvertPermutation", infer=_invert_permutation_shape, context=True)
def _invert_permutation(ctx, x):
    m = xp(x)
    n = np.shape(x)[0]
    pos = m.arange(n, dtype=x.dtype)
    out_of_range = m.logical_or(x < 0, x >= n)
    safe = m.where(out_of_range, 0, x)
    if m is np:
        first = np.full(n, n, x.dtype)
        np.minimum.at(first, safe[~out_of_range], pos[~out_of_range])
    else:
        first = m.full(n, n, x.dtype).at[safe].min(m.where(out_of_range, n, pos))
    repeated = m.logical_and(~out_of_range, first[safe] != pos)
    bad = m.logical_or(out_of_range, repeated)
    if n:
        ok, i = first_bad(bad)
        check(ctx, ok, lambda v: "%d is duplicated in the input." % v[0] if v[1] else
              "%d is not between 0 and %d" % (v[0], n),
              [m.stack([x[i].astype(np.int64), (~out_of_range[i]).astype(np.int64)])])
    return m.zeros_like(x).at[safe].set(pos) if m is not np else _np_inverse(safe, pos)


def _np_inverse(x, pos):
    out = np.zeros_like(x)
    out[x] = pos
    return out


def invert_permutation(x, name=None):
    """`tf.invert_permutation`: y with y[x[i]] = i."""
    return _invert_permutation(x, name=name or "InvertPermutation")


def _unravel_shape(indices, dims):
    check_rank(dims, 1)
    n = (dims_of(dims) or (None,))[0]
    i = dims_of(indices)
    if i is None:
        return spec(None, indices.dtype.base_dtype)
    return spec((n,) + i if i else (n,), indices.dtype.base_dtype)


@op("UnravelIndex", infer=_unravel_shape, types={"indices": INDEX, "dims": INDEX},
    context=True, same_index=("indices", "dims"))
def _unravel_index(ctx, indices, dims):
    m = xp(indices, dims)
    d = _b.as_int_list(dims)
    bad = next(((k, n) for k, n in enumerate(d) if n <= 0), None)  # (TF checks dims first)
    if bad is not None:
        check(ctx, False, "Input dims cannot contain a dim of zero, but dims contains zero at "
              "index %d" % bad[0] if bad[1] == 0 else
              "Input dims cannot be negative. Got dim = %d at index %d" % (bad[1], bad[0]))
        return m.zeros((len(d),) + tuple(np.shape(indices)), np.asarray(dims).dtype
                       if m is np else dims.dtype)
    total = int(np.prod(d))
    check(ctx, m.all(indices < total), "index is out of bound as with dims")
    # C++ integer division and remainder truncate: a negative index keeps its sign (TF's values)
    strides = np.cumprod([1] + d[::-1][:-1])[::-1].tolist()
    if m is np:
        out = [np.fmod(np.sign(indices) * (np.abs(indices) // s), n) for s, n in zip(strides, d)]
    else:
        import jax
        out = [jax.lax.rem(jax.lax.div(indices, m.asarray(s, indices.dtype)),
                           m.asarray(n, indices.dtype)) for s, n in zip(strides, d)]
    return m.stack(out).astype(np.asarray(dims).dtype if m is np else dims.dtype)


def unravel_index(indices, dims, name=None):
    """`tf.unravel_index`: flat indices to coordinates in an array of shape `dims`."""
    return _unravel_index(indices, dims, name=name or "UnravelIndex")
