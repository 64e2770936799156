"""`tf.TensorArray` as TF1 builds it: a TensorArrayV3 handle and a flow tensor per state.

Every write / scatter / split / unstack returns a new TensorArray that shares the handle, the
size and the element shape learned so far (TF's shared `_element_shape`), with the new flow.
Names and scopes are TF's (`TensorArrayWrite/TensorArrayWriteV3`, `TensorArrayStack/...`).

>>> import scopeflow as tf
>>> ta = tf.TensorArray(tf.int32, size=3).unstack([1, 2, 3])
>>> s = ta.stack()
>>> s.name, s.shape.as_list()
('TensorArrayStack/TensorArrayGatherV3:0', [3])
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.ops import tensor_array_ops as _ops
from scopeflow.ops.array import identity
from scopeflow.ops.array_base import scope, static_value
from scopeflow.ops.constant import convert_to_tensor


class TensorArray:
    """A list of tensors of one dtype, written once each, read in graph ops."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = _dt.as_dtype(dtype).base_dtype
        self._dynamic_size = dynamic_size or False
        self._infer_shape = infer_shape
        self._size = size
        self._colocate_with_first_write_call = colocate_with_first_write_call
        if handle is not None and flow is None:
            raise ValueError("flow must not be None if handle is not None.")
        if handle is not None:
            if size is not None:
                raise ValueError("Cannot provide both a handle and size at the same time")
            self._handle, self._flow = handle, flow
            self._element_shape = [TensorShape(element_shape)]
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        if clear_after_read is None:
            clear_after_read = True
        shape = TensorShape(element_shape)
        self._element_shape = [shape]
        with scope(name, "TensorArray", [size]) as s:
            self._handle, self._flow = _ops._tensor_array(
                size, dtype=self._dtype, element_shape=shape, dynamic_size=self._dynamic_size,
                clear_after_read=clear_after_read, identical_element_shapes=infer_shape,
                tensor_array_name=tensor_array_name or "", name=s)
        _ops.ELEMENT_SHAPES[self._handle.op] = self._element_shape

    # ---- properties -------------------------------------------------------------------------
    flow = property(lambda self: self._flow)
    handle = property(lambda self: self._handle)
    dtype = property(lambda self: self._dtype)
    dynamic_size = property(lambda self: self._dynamic_size)
    element_shape = property(lambda self: self._element_shape[0])

    def _with_flow(self, flow):
        """TF's build_ta_with_new_flow: same handle, size and (shared) element shape."""
        ta = TensorArray(self._dtype, handle=self._handle, flow=flow,
                         infer_shape=self._infer_shape,
                         colocate_with_first_write_call=self._colocate_with_first_write_call)
        ta._dynamic_size, ta._size = self._dynamic_size, self._size
        ta._element_shape = self._element_shape
        return ta

    def _check_element_shape(self, shape):
        if not shape.is_compatible_with(self.element_shape):
            raise ValueError("Inconsistent shapes: saw %s but expected %s "
                             % (shape, self.element_shape))
        if self._infer_shape:
            self._element_shape[0] = self.element_shape.merge_with(shape)

    def _check_dtype(self, value):
        """TF's graph-mode TensorArray logs a write of another dtype, and its kernel fails
        when the write runs (tensor_array_ops._write)."""
        if value.dtype.base_dtype is not self._dtype:
            import logging
            import traceback
            logging.getLogger("tensorflow").error(
                "Error: Input value %s has dtype <dtype: '%s'>, but expected dtype "
                "<dtype: '%s'>.  This leads to undefined behavior and will be an error in "
                "future versions of TensorFlow.  Traceback:\n%s", value, value.dtype.name,
                self._dtype.name, "".join(traceback.format_stack()))

    def _value(self, value):
        return convert_to_tensor(value, preferred_dtype=self._dtype, name="value")

    # ---- ops --------------------------------------------------------------------------------
    def identity(self):
        return self._with_flow(identity(self._flow))

    def grad(self, source, flow=None, name=None):
        if flow is None:
            flow = self.flow
        from scopeflow.core.frame import default_graph
        with scope(name, "TensorArrayGrad", [self._handle]):
            g_handle, _ = _ops._tensor_array_grad(self._handle, flow, source=source)
            with default_graph().control_dependencies([g_handle]):
                flow = identity(flow, name="gradient_flow")
        g = TensorArray(self._dtype, handle=g_handle, flow=flow, infer_shape=self._infer_shape,
                        colocate_with_first_write_call=False)
        g._element_shape = self._element_shape
        return g

    def read(self, index, name=None):
        value = _ops._read_v3(self._handle, index, self._flow, dtype=self._dtype, name=name)
        if self.element_shape._dims is not None:
            value.set_shape(self.element_shape)
        return value

    def write(self, index, value, name=None):
        with scope(name, "TensorArrayWrite", [self._handle, index, value]):
            value = self._value(value)
            self._check_dtype(value)
            self._check_element_shape(value.shape)
            flow = _ops._write_v3(self._handle, index, value, self._flow)
        return self._with_flow(flow)

    def stack(self, name=None):
        with scope(name, "TensorArrayStack", [self._handle]):
            from scopeflow.ops.shape_ops import range as _range
            value = self.gather(_range(0, self.size()), name=name)
            if (self.element_shape._dims is not None and not self._dynamic_size
                    and self._size is not None):
                n = static_value(convert_to_tensor(self._size)) \
                    if isinstance(self._size, Tensor) else self._size
                if n is not None:
                    value.set_shape(TensorShape([int(n)]).concatenate(self.element_shape))
            return value

    def gather(self, indices, element_shape=None, name=None):
        if element_shape is None:
            element_shape = self.element_shape
        value = _ops._gather_v3(self._handle, indices, self._flow, dtype=self._dtype,
                                element_shape=TensorShape(element_shape), name=name)
        if self.element_shape._dims is not None:
            value.set_shape(TensorShape([None]).concatenate(self.element_shape))
        return value

    def concat(self, name=None):
        rest = TensorShape(self.element_shape._dims[1:]) \
            if self.element_shape._dims else TensorShape(None)
        value, _ = _ops._concat_v3(self._handle, self._flow, dtype=self._dtype,
                                   element_shape_except0=rest, name=name)
        es = self.element_shape
        if es._dims is not None and es._dims:
            first = None
            if self._infer_shape:
                n = static_value(self.size())
                if n is not None and es._dims[0] is not None:
                    first = int(n) * es._dims[0]
            value.set_shape(TensorShape([first]).concatenate(TensorShape(es._dims[1:])))
        return value

    def unstack(self, value, name=None):
        with scope(name, "TensorArrayUnstack", [self._handle, value]):
            from scopeflow.ops.shape_ops import range as _range
            from scopeflow.ops.shape_ops import shape
            num = shape(value)[0]
            return self.scatter(_range(0, num), value, name=name)

    def scatter(self, indices, value, name=None):
        with scope(name, "TensorArrayScatter", [self._handle, value, indices]):
            value = self._value(value)
            self._check_dtype(value)
            if value.shape._dims is not None:
                self._check_element_shape(TensorShape(value.shape._dims[1:]))
            flow = _ops._scatter_v3(self._handle, indices, value, self._flow)
        return self._with_flow(flow)

    def split(self, value, lengths, name=None):
        with scope(name, "TensorArraySplit", [self._handle, value, lengths]):
            from scopeflow.ops.math_cast import cast
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            lengths_64 = cast(lengths, _dt.int64)
            lens = static_value(lengths_64)
            if value.shape._dims is not None and lens is not None and lens.size and \
                    lens.max() == lens.min():
                self._check_element_shape(
                    TensorShape([int(lens[0])]).concatenate(TensorShape(value.shape._dims[1:])))
            flow = _ops._split_v3(self._handle, value, lengths_64, self._flow)
        return self._with_flow(flow)

    def size(self, name=None):
        if not self._dynamic_size and self._size is not None:
            return convert_to_tensor(self._size, dtype=_dt.int32)
        return _ops._size_v3(self._handle, self._flow, name=name)

    def close(self, name=None):
        return _ops._close_v3(self._handle, name=name)


def to_flow(x):
    """A loop / cond value: a TensorArray travels as its flow tensor."""
    return x.flow if isinstance(x, TensorArray) else x


def from_flow(like, x):
    """The loop / cond result for `like`: a TensorArray again, with the flow `x`."""
    return like._with_flow(x) if isinstance(like, TensorArray) else x
