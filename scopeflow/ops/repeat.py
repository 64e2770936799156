"""`tf.repeat`: each element (or slice along `axis`) repeated `repeats` times, TF's graph.

As TF's `repeat_with_axis` builds it: a scalar `repeats` tiles along a new axis and reshapes;
a vector `repeats` tiles by the largest count and keeps `sequence_mask(repeats)` of the tiles
with `boolean_mask` (so its output size follows the values: a host Where).

    >>> import scopeflow as tf
    >>> tf.repeat([1, 2], 3).op.type
    'Reshape'
"""

from scopeflow import dtypes as _dt
from scopeflow.ops.array import expand_dims, reshape
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.gather import boolean_mask
from scopeflow.ops.joining import concat, stack, tile
from scopeflow.ops.op_util import name_scope, raw
from scopeflow.ops.shape_ops import _all_dimensions, ones, rank, sequence_mask, shape

__all__ = ["convert_to_int_tensor", "get_positive_axis", "repeat", "repeat_with_axis"]


def convert_to_int_tensor(tensor, name, dtype=_dt.int32):
    """TF's array_ops.convert_to_int_tensor: an integer tensor, cast to `dtype` when given."""
    tensor = convert_to_tensor(tensor, name=name, preferred_dtype=dtype or _dt.int32)
    if not tensor.dtype.is_integer:
        raise TypeError("Argument `tensor` (name: %s) must be of type integer. Received "
                        "`tensor` = %s of dtype: %s" % (name, tensor, tensor.dtype))
    if dtype is not None:  # (gen_math_ops.cast: a Cast op even to the same dtype)
        tensor = raw("Cast", tensor, name="Cast", DstT=_dt.as_dtype(dtype))
    return tensor


def get_positive_axis(axis, ndims, axis_name="axis", ndims_name="ndims"):
    """TF's array_ops.get_positive_axis: `axis` in [0, ndims), with TF's errors."""
    if not isinstance(axis, int):
        raise TypeError("%s must be an int; got %s" % (axis_name, type(axis).__name__))
    if ndims is not None:
        if 0 <= axis < ndims:
            return axis
        if -ndims <= axis < 0:
            return axis + ndims
        raise ValueError("%s=%s out of bounds: expected %s<=%s<%s" % (
            axis_name, axis, -ndims, axis_name, ndims))
    if axis < 0:
        raise ValueError("%s may only be negative if %s is statically known." % (
            axis_name, ndims_name))
    return axis


def _tile_one_dimension(data, axis, multiple):
    if data.shape.ndims is not None:
        multiples = [1] * data.shape.ndims
        multiples[axis] = multiple
    else:
        ones_value = ones(rank(data), _dt.int32)
        multiples = concat([ones_value[:axis], [multiple], ones_value[axis + 1:]], axis=0)
    return tile(data, multiples)


def _with_nonzero_rank(data):
    if data.shape.ndims is not None:
        return stack([data]) if data.shape.ndims == 0 else data
    data_shape, data_ndims = shape(data), rank(data)
    return reshape(data, concat([[1], data_shape], axis=0)[-data_ndims:])


def repeat_with_axis(data, repeats, axis, name=None):
    """TF's array_ops.repeat_with_axis."""
    from scopeflow.ops.array import broadcast_to
    if not isinstance(axis, int):
        raise TypeError("Argument `axis` must be an int. Received `axis` = %s of type %s"
                        % (axis, type(axis).__name__))
    with name_scope(name, "Repeat", [data, repeats]):
        data = convert_to_tensor(data, name="data")
        repeats = convert_to_int_tensor(repeats, name="repeats")
        repeats.shape.with_rank_at_most(1)
        data = _with_nonzero_rank(data)
        data_shape = shape(data, out_type=repeats.dtype)
        axis = get_positive_axis(axis, data.shape.rank, ndims_name="rank(data)")
        if repeats.shape.num_elements() == 1:
            repeats = reshape(repeats, [])
            tiled = _tile_one_dimension(expand_dims(data, axis + 1), axis + 1, repeats)
            result_shape = concat([data_shape[:axis], [repeats * data_shape[axis]],
                                   data_shape[axis + 1:]], axis=0)
            return reshape(tiled, result_shape)
        if repeats.shape.ndims == 1:
            data.shape.dims[axis].assert_is_compatible_with(repeats.shape[0])
        repeats = broadcast_to(repeats, [data_shape[axis]])
        repeats_original = repeats
        if repeats.shape.ndims != axis + 1:
            repeats_shape, repeats_ndims = shape(repeats), rank(repeats)
            repeats = broadcast_to(repeats, concat(
                [data_shape[:axis + 1 - repeats_ndims], repeats_shape], axis=0))
            repeats.set_shape([None] * (axis + 1))
        max_repeat = raw("Max", repeats, _all_dimensions(repeats), name="Max", keep_dims=False)
        max_repeat = raw("Maximum", convert_to_tensor(0, name="zero", dtype=max_repeat.dtype),
                         max_repeat, name="Maximum")
        mask = sequence_mask(repeats, max_repeat)
        tiled = _tile_one_dimension(expand_dims(data, axis + 1), axis + 1, max_repeat)
        result = boolean_mask(tiled, mask)
        if axis != 0:
            size = raw("Sum", repeats_original, raw(
                "Range", 0, rank(repeats_original), 1, name="Range"), name="Sum",
                keep_dims=False)
            result = reshape(result, concat([data_shape[:axis], [size], data_shape[axis + 1:]],
                                            axis=0))
        if data.shape.ndims is not None:
            new_axis_size = 0 if repeats.shape[0] == 0 else None
            result.set_shape(data.shape[:axis].concatenate([new_axis_size]).concatenate(
                data.shape[axis + 1:]))
        return result


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """`tf.repeat`: repeated elements of `input` (flattened first when `axis` is None)."""
    if axis is None:
        input = reshape(input, [-1])  # noqa: A001
        axis = 0
    return repeat_with_axis(input, repeats, axis, name)
