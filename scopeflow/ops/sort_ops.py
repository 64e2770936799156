"""`tf.sort` / `tf.argsort`, built as TF builds them: TopKV2 over the whole axis (k from the
shape), on the negated values for an ascending sort, between two Transposes when the axis is
not the last.

    >>> import scopeflow as tf
    >>> [o.type for o in tf.sort(tf.constant([3., 1.])).graph.get_operations()][-2:]
    ['TopKV2', 'Neg']
"""

import numpy as np

from scopeflow.ops.array_base import scope
from scopeflow.ops.constant import constant, constant_value, convert_to_tensor

_DIRECTIONS = ("ASCENDING", "DESCENDING")


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`tf.sort`: `values` sorted along `axis` (stable: equal values keep their order)."""
    with scope(name, "sort"):
        return _sort_or_argsort(values, axis, direction, False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """`tf.argsort`: int32 indices that sort `values` along `axis` (always stable, as TF's
    TopKV2; `stable` is accepted and unused, as in TF)."""
    del stable
    with scope(name, "argsort"):
        return _sort_or_argsort(values, axis, direction, True)


def _sort_or_argsort(values, axis, direction, return_argsort):
    if direction not in _DIRECTIONS:
        raise ValueError("Argument `direction` should be one of %s. Received: direction=%s"
                         % (", ".join(_DIRECTIONS), direction))
    axis = convert_to_tensor(axis, name="axis")
    axis_static = constant_value(axis)
    if axis.shape.ndims not in (None, 0) or axis_static is None:
        raise ValueError("Argument `axis` must be a constant scalar. Received: axis=%s."
                         % axis)
    values = convert_to_tensor(values, name="values")
    sort_ = _descending if direction == "DESCENDING" else _ascending
    return sort_(values, int(axis_static), return_argsort)


def _ascending(values, axis, return_argsort):
    """A descending sort of a reversed order: max - x (unsigned), -x - 1 (signed), -x."""
    dt = values.dtype.base_dtype
    if dt.is_unsigned:
        out = _descending(dt.max - values, axis, return_argsort)
        return out if return_argsort else dt.max - out
    if dt.is_integer:
        out = _descending(-values - 1, axis, return_argsort)
        return out if return_argsort else -out - 1
    out = _descending(-values, axis, return_argsort)
    return out if return_argsort else -out


def _descending(values, axis, return_argsort):
    from scopeflow.ops.array import transpose
    from scopeflow.ops.math_extra import top_k
    from scopeflow.ops.shape_ops import rank, shape
    k = shape(values)[axis]
    rank_ = rank(values)
    static_rank = values.shape.ndims
    transposition = None
    top_k_input = values
    if not (axis == -1 or axis + 1 == static_rank):
        if axis < 0:
            axis += static_rank or rank_
        transposition = _transposition(axis, static_rank, rank_)
        top_k_input = transpose(values, transposition)
    out = top_k(top_k_input, k)[1 if return_argsort else 0]
    return out if transposition is None else transpose(out, transposition)


def _transposition(axis, static_rank, rank_):
    """The permutation swapping `axis` with the last axis: a Const when the rank is known."""
    if static_rank is not None:
        return constant(np.r_[np.arange(axis), [static_rank - 1],
                              np.arange(axis + 1, static_rank - 1), [axis]],
                        name="transposition")
    from scopeflow.ops.scatter import tensor_scatter_update
    from scopeflow.ops.shape_ops import range as range_
    return tensor_scatter_update(range_(rank_), [[axis], [rank_ - 1]], [rank_ - 1, axis])
