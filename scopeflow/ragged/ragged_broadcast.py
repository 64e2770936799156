"""Elementwise ops between RaggedTensors (or a RaggedTensor and a dense tensor of equal or
higher rank): TF's DynamicRaggedShape broadcasting rules, with values, shapes and errors as TF's.

TF aligns the two shapes from the right; a dimension of size 1 that is uniform (the outer
dimension, a dense dimension, a uniform row partition) broadcasts, a ragged dimension must equal
the other's (row splits compared at run time: TF's InvalidArgumentError "assertion failed:
[Condition x == y did not hold element-wise:] ...").  Operands whose row partitions are the same
objects (`rt + rt`, `rt * rt.with_values(..)`) build TF's graph exactly (the op of the flat
values); other operands build a graph of our own (gather indices per ragged level, as TF's
_Broadcaster computes them) with TF's values and errors but not TF's op names.

    >>> import scopeflow as tf
    >>> a = tf.ragged.constant([[1, 2], [3]])
    >>> (a + tf.constant([[10], [20]])).shape.as_list()
    [2, None]
"""

from scopeflow.core.shape import dimension_value
from scopeflow.ops import checks
from scopeflow.ops.array import reshape
from scopeflow.ops.constant import constant
from scopeflow.ops.gather import gather, where_v2
from scopeflow.ops.joining import concat
from scopeflow.ops.math import equal, logical_and, logical_or, maximum, minimum
from scopeflow.ops.math_cast import cast
from scopeflow.ops.reductions import cumsum, reduce_all
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import ones_like
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ops.shape_ops import zeros
from scopeflow.ops.state import with_dependencies
from scopeflow.ragged.ragged_tensor import RaggedTensor, is_ragged
from scopeflow.ragged.row_partition import RowPartition
from scopeflow.ragged.segment_ids import row_splits_to_segment_ids


def needs_broadcast(x, y):
    """TF's test for the DynamicRaggedShape path of ragged_binary_elementwise_op_impl."""
    x_ragged, y_ragged = is_ragged(x), is_ragged(y)
    return (x_ragged and y_ragged) or \
        (x_ragged and x.flat_values.shape.ndims <= y.shape.ndims) or \
        (y_ragged and y.flat_values.shape.ndims <= x.shape.ndims)


def broadcast_binary(op, x, y):
    """`op(x, y)` after broadcasting x and y to one ragged shape (see the module doc)."""
    dtype = (x if is_ragged(x) else y).row_splits.dtype
    shape_x, shape_y = _shape_parts(x, dtype), _shape_parts(y, dtype)
    if is_ragged(x) and is_ragged(y) and len(x._nested_row_partitions) == \
            len(y._nested_row_partitions) and all(
                a is b for a, b in zip(x._nested_row_partitions, y._nested_row_partitions)):
        return x.with_flat_values(op(x.flat_values, y.flat_values))
    del shape_x, shape_y
    return broadcast_apply(op, [x, y], dtype)


def broadcast_apply(op, tensors, dtype):
    """`op(*flat values)` of `tensors` broadcast to one ragged shape, as a RaggedTensor."""
    ranks = [t.shape.ndims for t in tensors]
    if None in ranks:
        raise ValueError("Unable to broadcast: unknown rank")
    rank = max(ranks)
    operands = [_Operand(t, rank, dtype) for t in tensors]
    depth = max(o.depth for o in operands)
    for o in operands:
        o.deepen(depth)
    checks_, splits, uniform = [], [], []
    # level 0: the number of rows (uniform: 1 broadcasts)
    nrows = [o.rt.nrows(out_type=dtype) for o in operands]
    checks_.append(checks.assert_equal(_fits(nrows), True))
    target = _largest(nrows)
    gathers = [minimum(_range(target, dtype=dtype), n - 1) for n in nrows]
    parts = [o.rt for o in operands]
    for level in range(depth):
        lengths = [gather(p.row_splits[1:] - p.row_splits[:-1], g)
                   for p, g in zip(parts, gathers)]
        ragged = [i for i, o in enumerate(operands) if not o.uniform[level]]
        if ragged:
            first = ragged[0]
            new_lengths = lengths[first]
            first_splits = _splits(lengths[first])
            for i in ragged[1:]:
                checks_.append(checks.assert_equal(first_splits, _splits(lengths[i])))
            for i in range(len(operands)):
                if i not in ragged:  # (a uniform dimension: its splits, 1 read as broadcast)
                    fitted = where_v2(equal(lengths[i], 1), new_lengths, lengths[i])
                    checks_.append(checks.assert_equal(_splits(fitted), first_splits))
            uniform.append(None)
        else:
            uniform.append(_static_length(
                [o.rt._nested_row_partitions[level].static_uniform_row_length
                 for o in operands]))
            checks_.append(checks.assert_equal(reduce_all(_fits(lengths)), True))
            new_lengths = _largest(lengths)
        new_lengths = with_dependencies(checks_, new_lengths)
        new_splits = _splits(new_lengths)
        splits.append(new_splits)
        row = row_splits_to_segment_ids(new_splits)
        # (0, 1, ... per element: a cumsum keeps the count unknown where TF's graph does; a
        # range of it reads the count as a value, which graph building folds)
        position = cumsum(ones_like(row), exclusive=True) - gather(new_splits, row)
        gathers = [gather(gather(p.row_splits, g), row) +
                   minimum(position, gather(n, row) - 1)
                   for p, g, n in zip(parts, gathers, lengths)]
        parts = [p.values for p in parts]
    flat = [gather(p, with_dependencies(checks_, g)) for p, g in zip(parts, gathers)]
    out = with_dependencies(checks_, op(*flat))  # (TF: 'control_dependency')
    static = _static_nrows(tensors)
    if static is not None:
        splits[0].set_shape([static + 1])
    result = out
    for level in reversed(range(depth)):  # (a uniform level keeps its static row length)
        part = RowPartition.from_row_splits(splits[level], validate=False)
        if uniform[level] is not None:
            part = part._replace(uniform_row_length=constant(uniform[level], dtype))
        result = RaggedTensor._from_row_partition(result, part, validate=False)
    return result


def _fits(sizes):
    """Whether the sizes broadcast: each equals the largest or is 1."""
    if len(sizes) == 2:
        a, b = sizes
        return logical_or(logical_or(equal(a, b), equal(a, 1)), equal(b, 1))
    top = _largest(sizes)
    ok = [logical_or(equal(n, top), equal(n, 1)) for n in sizes]
    out = ok[0]
    for o in ok[1:]:
        out = logical_and(out, o)
    return out


def _largest(sizes):
    out = sizes[0]
    for n in sizes[1:]:
        out = maximum(out, n)
    return out


def _static_length(lengths):
    out = lengths[0]
    for b in lengths[1:]:
        a = out
        if a is None or b is None:
            return None
        out = a if a == b or b == 1 else b if a == 1 else None
    return out


def _splits(lengths):
    return concat([zeros([1], lengths.dtype), cumsum(lengths)], axis=0)


def _shape_parts(t, dtype):
    """TF's DynamicRaggedShape.from_tensor: the (cast) shape of the flat values."""
    return cast(_shape(t.flat_values if is_ragged(t) else t), dtype)


def _static_nrows(tensors):
    ranks = [t.shape.ndims for t in tensors]
    ragged_ranks = {r for t, r in zip(tensors, ranks) if is_ragged(t)}
    if len(ragged_ranks) > 1:
        return None
    return _static_length([dimension_value(t.shape[0]) if r == max(ranks) else 1
                           for t, r in zip(tensors, ranks)])


class _Operand:
    """An operand as a RaggedTensor of `rank` dimensions, with whether each ragged level is
    uniform (broadcasts from 1) or ragged (must match)."""

    def __init__(self, t, rank, dtype):
        pad = rank - t.shape.ndims
        if is_ragged(t):
            uniform = [p.static_uniform_row_length is not None
                       for p in t._nested_row_partitions]
            for _ in range(pad):
                t = RaggedTensor.from_uniform_row_length(t, t.nrows(out_type=dtype), nrows=1,
                                                         validate=False)
                uniform = [True] + uniform
            self.rt, self.uniform = t, uniform
        else:
            if pad:
                t = reshape(t, concat([[1] * pad, _shape(t)], axis=0))
            self.dense, self.rt, self.uniform, self.dtype = t, None, [], dtype
        self.depth = len(self.uniform)

    def deepen(self, depth):
        """Dense inner dimensions as uniform ragged levels, to `depth` levels in all."""
        more = depth - self.depth
        if self.rt is None:
            self.rt = RaggedTensor.from_tensor(self.dense, ragged_rank=more,
                                               row_splits_dtype=self.dtype)
        elif more:
            flat = RaggedTensor.from_tensor(self.rt.flat_values, ragged_rank=more,
                                            row_splits_dtype=self.rt.row_splits.dtype)
            self.rt = self.rt.with_flat_values(flat)
        self.uniform = self.uniform + [True] * more
        self.depth = depth
