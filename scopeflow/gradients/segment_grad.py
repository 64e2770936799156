"""Gradients of the sorted and unsorted segment reductions (Segment{Mean,Max,Min,Prod},
UnsortedSegment{Sum,Max,Min,Prod}) as TF's math_grad builds them: op names, types and inputs
under `<op>_grad/`. Max and min share each segment's gradient among its tied extremes; prod
divides the segment's product by the entry, with TF's cases for one zero (the product of the
others) and several (0); unsorted ops give entries with a negative id 0 (`_GatherDropNegatives`).
Before, each took the jax.vjp SymbolicGradient fallback. (SegmentSum's is in
ops/segments_grad.py, beside the sparse segment gradients.)"""

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import expand_dims, reshape
from scopeflow.ops.gather import gather, where_v2
from scopeflow.ops.joining import concat
from scopeflow.ops.math import equal, greater, greater_equal, logical_and, maximum
from scopeflow.ops.math_cast import cast
from scopeflow.ops.segments import (segment_prod, segment_sum, unsorted_segment_prod,
                                    unsorted_segment_sum)
from scopeflow.ops.shape_ops import ones, ones_like, rank, shape, zeros_like


@gradient("SegmentMean")
def _segment_mean_grad(op, grad):
    """Each row gets its segment's gradient over the segment's size."""
    data, ids = op._inputs
    data_rank = rank(data)
    ids_shape = shape(ids)
    remaining = ones(expand_dims(data_rank - 1, 0), dtype=ids_shape.dtype)
    ones_shape = concat([ids_shape, remaining], 0)
    count = segment_sum(ones(ones_shape, dtype=grad.dtype), ids)
    return gather(grad / count, ids), None


def _segment_min_or_max_grad(op, grad):
    data, ids = op._inputs
    zeros = zeros_like(data, dtype=data.dtype)
    is_selected = equal(data, gather(op._outputs[0], ids))
    num_selected = segment_sum(cast(is_selected, grad.dtype), ids)
    gathered = gather(grad / num_selected, ids)
    return where_v2(is_selected, gathered, zeros), None


gradient("SegmentMax", "SegmentMin")(_segment_min_or_max_grad)


@gradient("SegmentProd")
def _segment_prod_grad(op, grad):
    data, ids = op._inputs
    is_zero = equal(data, 0)
    num_zeros = segment_sum(cast(is_zero, dtype=_dt.int32), ids)
    grad = where_v2(greater(num_zeros, 1), zeros_like(grad), grad)
    non_zero_data = where_v2(is_zero, ones_like(data), data)
    non_zero_prod = segment_prod(non_zero_data, ids)
    gathered_prod = gather(op._outputs[0], ids)
    gathered_non_zero_prod = gather(non_zero_prod, ids)
    prod_divided_by_el = gathered_prod / non_zero_data
    partial = where_v2(is_zero, gathered_non_zero_prod, prod_divided_by_el)
    return gather(grad, ids) * partial, None


def _gather_drop_negatives(params, ids, zero_clipped=None, is_positive=None):
    """TF's _GatherDropNegatives: rows of `params` at the ids, 0 where an id is negative; also
    the clipped ids and the mask, for reuse."""
    if zero_clipped is None:
        zero_clipped = maximum(ids, zeros_like(ids))
    gathered = gather(params, zero_clipped)
    if is_positive is None:
        is_positive = greater_equal(ids, 0)
        positive_shape = shape(is_positive)
        broadcastable = concat(
            [positive_shape,
             ones([rank(gathered) - rank(is_positive)], dtype=positive_shape.dtype)], axis=0)
        is_positive = reshape(is_positive, broadcastable)
        is_positive = is_positive & ones_like(gathered, dtype=_dt.bool)
    zero_slice = zeros_like(gathered)
    return where_v2(is_positive, gathered, zero_slice), zero_clipped, is_positive


@gradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    return _gather_drop_negatives(grad, op._inputs[1])[0], None, None


def _unsorted_segment_min_or_max_grad(op, grad):
    data, ids, num_segments = op._inputs
    gathered_outputs, zero_clipped, is_positive = _gather_drop_negatives(op._outputs[0], ids)
    is_selected = logical_and(equal(data, gathered_outputs), is_positive)
    num_selected = unsorted_segment_sum(cast(is_selected, grad.dtype), ids, num_segments)
    gathered, _, _ = _gather_drop_negatives(grad / num_selected, None, zero_clipped,
                                            is_positive)
    return where_v2(is_selected, gathered, zeros_like(gathered)), None, None


gradient("UnsortedSegmentMax", "UnsortedSegmentMin")(_unsorted_segment_min_or_max_grad)


@gradient("UnsortedSegmentProd")
def _unsorted_segment_prod_grad(op, grad):
    data, ids, num_segments = op._inputs
    is_zero = equal(data, 0)
    num_zeros = unsorted_segment_sum(cast(is_zero, dtype=_dt.int32), ids, num_segments)
    grad = where_v2(greater(num_zeros, 1), zeros_like(grad), grad)
    non_zero_data = where_v2(is_zero, ones_like(data), data)
    non_zero_prod = unsorted_segment_prod(non_zero_data, ids, num_segments)
    zero_clipped = maximum(ids, zeros_like(ids))
    gathered_prod = gather(op._outputs[0], zero_clipped)
    gathered_non_zero_prod = gather(non_zero_prod, zero_clipped)
    prod_divided_by_el = gathered_prod / data  # (may hold nan / inf: not picked)
    partial = where_v2(is_zero, gathered_non_zero_prod, prod_divided_by_el)
    gathered_grad = _gather_drop_negatives(grad, ids, zero_clipped)[0]
    return gathered_grad * partial, None, None
