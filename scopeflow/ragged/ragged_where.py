"""`tf.where` and `tf.where_v2` with a RaggedTensor (TF's ragged_where_op): coordinates of the
true values of a ragged condition, or an elementwise pick between ragged (or row-wise) operands.

    >>> import scopeflow as tf
    >>> c = tf.ragged.constant([[True, False], [True]])
    >>> tf.where(c).shape.as_list()
    [None, 2]
"""

from scopeflow.ops.array import expand_dims
from scopeflow.ops.gather import gather as _dense_gather
from scopeflow.ops.gather import where as _dense_where
from scopeflow.ops.gather import where_v2 as _dense_where_v2
from scopeflow.ops.joining import concat
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.shape_ops import range as _range
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.ragged_broadcast import broadcast_apply
from scopeflow.ragged.ragged_concat import concat as ragged_concat
from scopeflow.ragged.ragged_gather import gather as ragged_gather
from scopeflow.ragged.ragged_math import map_flat_values
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            match_row_splits_dtypes)


def where(condition, x=None, y=None, name=None):
    """TF1 `tf.where` of a ragged condition, x or y."""
    return _where(condition, x, y, name, _elementwise_where)


def where_v2(condition, x=None, y=None, name=None):
    """`tf.where_v2` of a ragged condition, x or y: the three broadcast to one ragged shape
    (values, shapes and error classes as TF's; the broadcasting graph is ours)."""
    return _where(condition, x, y, name, _elementwise_where_v2)


def _where(condition, x, y, name, elementwise):
    if (x is None) != (y is None):
        raise ValueError("x and y must be either both None or both non-None")
    with name_scope("RaggedWhere", name, [condition, x, y]):
        condition = convert_to_tensor_or_ragged_tensor(condition, name="condition")
        if x is None:
            return _coordinate_where(condition)
        x = convert_to_tensor_or_ragged_tensor(x, name="x")
        y = convert_to_tensor_or_ragged_tensor(y, name="y")
        condition, x, y = match_row_splits_dtypes(condition, x, y)
        return elementwise(condition, x, y)


def _elementwise_where_v2(condition, x, y):
    ragged = [t for t in (condition, x, y) if isinstance(t, RaggedTensor)]
    if not ragged:
        return _dense_where_v2(condition, x, y)
    return broadcast_apply(_dense_where_v2, [condition, x, y], ragged[0].row_splits.dtype)


def _elementwise_where(condition, x, y):
    c_ragged, x_ragged, y_ragged = [isinstance(t, RaggedTensor) for t in (condition, x, y)]
    if not (c_ragged or x_ragged or y_ragged):
        return _dense_where(condition, x, y)
    if c_ragged and x_ragged and y_ragged:
        return map_flat_values(_dense_where, condition, x, y)
    if not c_ragged:
        condition.shape.assert_has_rank(1)
        x_and_y = ragged_concat([x, y], axis=0)
        x_nrows = _nrows(x, x_and_y.row_splits.dtype)
        y_nrows = _nrows(y, x_and_y.row_splits.dtype)
        indices = _dense_where(condition, _range(x_nrows), x_nrows + _range(y_nrows))
        return ragged_gather(x_and_y, indices)
    raise ValueError("Input shapes do not match.")


def _coordinate_where(condition):
    if not isinstance(condition, RaggedTensor):
        return _dense_where(condition)
    selected_coords = _coordinate_where(condition.values)
    condition = condition.with_row_splits_dtype(selected_coords.dtype)
    first_index = selected_coords[:, 0]
    selected_rows = _dense_gather(condition.value_rowids(), first_index)
    selected_row_starts = _dense_gather(condition.row_splits, selected_rows)
    selected_cols = first_index - selected_row_starts
    return concat([expand_dims(selected_rows, 1), expand_dims(selected_cols, 1),
                   selected_coords[:, 1:]], axis=1)


def _nrows(rt_input, out_type):
    if isinstance(rt_input, RaggedTensor):
        return rt_input.nrows(out_type=out_type)
    return _shape(rt_input, out_type=out_type)[0]
