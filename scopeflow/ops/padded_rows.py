"""Row indices padded with -1: slots of a fixed-size index vector that name no row.

A partitioned `embedding_lookup` gathers each partition at a fixed size, the number of ids
(XLA needs static shapes; TF's DynamicPartition hands each partition only its own ids). The
slots past a partition's own ids read row 0 and are dropped from the result, so their rows'
gradients are zero; but an update such as FTRL's, momentum's or RMSProp's decay changes a
row it is given even with a zero gradient. The gradient's IndexedSlices therefore name those
slots -1, and the index tensors carrying such padding are marked: the sparse training kernels
and scatters they reach skip the -1 rows, as if absent (TF's vector holds none of them);
`UnsortedSegmentSum` (the dense conversion) drops negative ids anyway. A -1 in an index tensor
that is not marked stays an error, as in TF.

    >>> import scopeflow as tf
    >>> padded_indices(tf.constant([3, 0, 0]), tf.constant([True, False, True])).op.type
    'Select'
"""

import weakref

import numpy as np

_GATHERS = weakref.WeakKeyDictionary()  # gather op -> its partition's membership of each id
_MARKED = weakref.WeakKeyDictionary()  # op -> the indices of its outputs holding padding


def pad_gather(gather_op, mine):
    """Records that `gather_op` gathers a partition's ids packed in front, its other slots
    padding: `mine` (bool, one per slot) holds as many True as the partition has ids."""
    _GATHERS[gather_op] = mine


def gradient_indices(gather_op, indices):
    """The indices of `gather_op`'s IndexedSlices gradient: `indices` (its flat index input),
    or for a padded gather those with the padding slots -1 (marked)."""
    mine = _GATHERS.get(gather_op)
    return indices if mine is None else padded_indices(indices, mine)


def padded_indices(indices, mine):
    """`indices` with the slots past the count of True in `mine` set to -1, marked."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.op_util import raw
    from scopeflow.ops.reductions import reduce_sum
    count = reduce_sum(m.cast(mine, _dt.int32))
    real = array.range(array.size(indices)) < count
    out = raw("Select", real, indices, array.fill(array.shape(indices),
                                                  np.asarray(-1, indices.dtype.as_numpy_dtype)))
    return mark(out)


def mark(t):
    """Marks tensor `t` as row indices whose -1 entries are padding; returns it."""
    _MARKED.setdefault(t.op, set()).add(t.value_index)
    return t


def is_padded(t):
    """Whether tensor `t` is marked as holding padding (-1) among its row indices."""
    return t is not None and t.value_index in _MARKED.get(t.op, ())


def mark_like(out, *sources):
    """Marks `out` when any of `sources` (tensors) is marked: a concat or a Unique of them."""
    return mark(out) if any(is_padded(s) for s in sources) else out


def marked_outputs(op):
    """The output indices of `op` marked as padded row indices, in order (a graph key part:
    the kernels reading them compile otherwise)."""
    return tuple(sorted(_MARKED.get(op, ())))


def input_padded(ctx, position):
    """Whether the op a kernel computes (ctx.op) takes padded indices at input `position`."""
    op = getattr(ctx, "op", None) if ctx is not None else None
    return op is not None and position < len(op._inputs) and is_padded(op._inputs[position])


def split_padding(ctx, position, indices):
    """(`indices` with their padding read as row 0, the padding's mask) for a gather by padded
    indices at input `position` (a Keras optimizer's read of a slot's rows), else (indices,
    None): its rows at the padding are zeros (`zero_rows`)."""
    if not input_padded(ctx, position):
        return indices, None
    import jax.numpy as jnp
    pad = jnp.asarray(indices) < 0
    return jnp.where(pad, 0, indices), pad


def zero_rows(rows, pad):
    """`rows` (gathered along axis 0) with those at the padding (`pad`, the indices' shape)
    zero."""
    import jax.numpy as jnp
    if pad is None:
        return rows
    mask = jnp.reshape(pad, pad.shape + (1,) * (rows.ndim - pad.ndim))
    return jnp.where(mask, jnp.zeros((), rows.dtype), rows)


def without_padding(indices, rows):
    """Traced `indices` with the padding (-1) moved past the `rows` rows, so that a scatter
    (which drops indices out of bounds) skips them."""
    import jax.numpy as jnp
    idx = jnp.asarray(indices)
    return jnp.where(idx < 0, jnp.asarray(rows, idx.dtype), idx)


__all__ = ["gradient_indices", "input_padded", "is_padded", "mark", "mark_like",
           "marked_outputs", "pad_gather", "padded_indices", "split_padding", "without_padding",
           "zero_rows"]
