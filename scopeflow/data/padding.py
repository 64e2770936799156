"""`padded_batch`'s inputs: the padded shape (-1 = the batch's longest) and padding value per
component, as TF converts them (`Const` shapes, `padding_value` scalars).

>>> import scopeflow as tf
>>> from scopeflow.data.structure import TensorSpec
>>> shapes, values, out = padded_inputs(TensorSpec([None], tf.int64), [None], None)
>>> shapes[0].op.name, values[0].op.name, out[0].as_list()
('Const', 'padding_value', [None])
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.data import structure as st
from scopeflow.ops.constant import convert_to_tensor


def padded_inputs(structure, padded_shapes, padding_values):
    """([shape tensors], [padding value tensors], [static padded shapes]) per component."""
    specs = st.flatten(structure)
    if padded_shapes is None:
        flat_shapes = [s.shape for s in specs]
        for s in flat_shapes:
            if s.ndims is None:
                raise ValueError("You must provide `padded_shapes` argument because component "
                                 "has unknown rank.")
    else:
        flat_shapes = st.flatten_up_to(structure, padded_shapes)
    values = [None] * len(specs) if padding_values is None else st.flatten_up_to(
        structure, padding_values)
    shape_ts, value_ts, out = [], [], []
    for spec, shape, value in zip(specs, flat_shapes, values):
        t, static = _shape_tensor(shape, spec.shape)
        shape_ts.append(t)
        out.append(static)
        value_ts.append(_value_tensor(value, spec.dtype))
    return shape_ts, value_ts, out


def _check_padded_shape(static, input_shape):
    """TF's check: the same rank, and no known padded dimension below the element's."""
    a, b = static.dims, input_shape.dims
    if a is None or b is None:
        return
    if len(a) != len(b) or any(
            x.value is not None and y.value is not None and x.value < y.value
            for x, y in zip(a, b)):
        raise ValueError("The padded shape %s is not compatible with the shape %s of the "
                         "corresponding input component." % (static, input_shape))


def _shape_tensor(shape, input_shape):
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        shape = convert_to_tensor(shape, dtype=_dt.int64)  # (a Pack, as TF converts it)
    if isinstance(shape, Tensor):  # (its static shape: TF's constant_value_as_shape)
        from scopeflow.ops.shape_value import constant_value_as_shape
        static = constant_value_as_shape(shape)
        _check_padded_shape(static, input_shape)
        return convert_to_tensor(shape, dtype=_dt.int64), static
    static = TensorShape(shape)
    _check_padded_shape(static, input_shape)
    dims = [-1 if d is None else d for d in static.as_list()]
    return convert_to_tensor(np.asarray(dims, dtype=np.int64)), static


def _value_tensor(value, dtype):
    if value is None:
        value = b"" if dtype == _dt.string else np.zeros([], dtype.as_numpy_dtype)
        return convert_to_tensor(value, dtype=dtype, name="padding_value")
    t = convert_to_tensor(value, dtype=dtype, name="padding_value")
    if t.dtype.base_dtype != dtype:
        raise TypeError("Padding value has type %s but the corresponding component has type "
                        "%s." % (t.dtype.name, dtype.name))
    return t
