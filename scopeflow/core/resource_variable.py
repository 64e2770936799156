"""`ResourceVariable`: a variable behind a `VarHandleOp` handle (`use_resource=True`).

Ops as TF builds them: `w/Initializer/initial_value`, `w` (VarHandleOp, dtype resource),
`w/IsInitialized/VarIsInitializedOp`, `w/Assign` (AssignVariableOp) and the graph element
`w/Read/ReadVariableOp`. Every use reads the variable afresh (`ReadVariableOp`), so a read after
an update in the same run sees the new value.

>>> import scopeflow as tf
>>> v = tf.Variable([1.0, 2.0], use_resource=True, name="w")
>>> type(v).__name__, v.handle.dtype.name, v.initializer.type
('ResourceVariable', 'resource', 'AssignVariableOp')
"""

from scopeflow.core.variables import (
    VariableAggregation,
    VariableSynchronization,
    VariableV1,
)
from scopeflow.ops import resource_ops as _ops


class BaseResourceVariable(VariableV1):
    """What ResourceVariable and the lazy read `_UnreadVariable` share."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    # ---- identity and reads ---------------------------------------------------------------
    handle = property(lambda self: self._handle)
    name = property(lambda self: self._handle_name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    device = property(lambda self: self._handle.device)
    graph = property(lambda self: self._handle.graph)
    op = property(lambda self: self._handle.op)
    create = property(lambda self: self._initializer_op)

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)

    def _as_graph_element(self):
        return self._graph_element

    def _as_graph_tensor(self):
        return self._graph_element

    def _ref(self):
        return self._handle

    def value(self):
        """A new read of the variable (`ReadVariableOp`), or its caching device's copy."""
        cached = getattr(self, "_cached_value", None)
        if cached is not None:
            return cached
        g = self._handle.graph
        with g.colocate_with(None, ignore_existing=True):
            return self._read_variable_op()

    def _read_variable_op(self):
        return _ops.read_variable_op(self._handle, dtype=self._dtype)

    def read_value(self):
        """`Read/ReadVariableOp` and an Identity of it."""
        from scopeflow.ops.array import identity
        with self._home()[0].name_scope("Read"):
            value = self._read_variable_op()
        return identity(value)

    def eval(self, session=None):
        return self._graph_element.eval(session=session)

    def initialized_value(self):
        raise NotImplementedError  # TF's resource variables have none

    def is_initialized(self, name=None):
        return _ops.var_is_initialized_op(self._handle, name=name)

    def _home(self):
        """(graph, handle) where an op on the variable goes: its own graph, or a function
        graph being traced (tf.function), which captures the handle."""
        from scopeflow.core.frame import default_graph
        g = default_graph()
        if g is not self._handle.graph and getattr(g, "captures_outer", False):
            return g, g.capture(self._handle)
        return self._handle.graph, self._handle

    def sparse_read(self, indices, name=None):
        """Rows `indices` of the variable (`ResourceGather`, named `Gather`)."""
        g, handle = self._home()
        with g.name_scope("Gather" if name is None else name) as scope:
            return _build(g, _ops.resource_gather, scope, [handle, indices],
                          {"dtype": self._dtype, "batch_dims": 0, "validate_indices": True})

    def gather_nd(self, indices, name=None):
        from scopeflow.ops.array import identity
        g, handle = self._home()
        with g.name_scope("GatherNd" if name is None else name) as scope:
            value = _build(g, _ops.resource_gather_nd, scope, [handle, indices],
                           {"dtype": self._dtype})
        return identity(value)

    # ---- updates ----------------------------------------------------------------------------
    def _value_tensor(self, value):
        from scopeflow.ops.constant import convert_to_tensor
        return convert_to_tensor(value, dtype=self._dtype)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        g, _ = self._home()
        with g.as_default():
            value = self._value_tensor(value)
            if not self._shape.is_compatible_with(value.shape):
                raise ValueError(
                    "Cannot assign value to variable ' %s': Shape mismatch.The variable shape "
                    "%s, and the assigned value shape %s are incompatible."
                    % (self.name, self._shape, value.shape))
            validate = bool(getattr(self, "_validate_shape", True)) and \
                self._shape.is_fully_defined()
            op = _ops.assign_variable_op(self._handle, value, name=name or "AssignVariableOp",
                                         dtype=self._dtype, validate_shape=validate)
        return self._lazy_read(op) if read_value else op

    def _update(self, builder, default, delta, name, read_value):
        with self._home()[0].as_default():
            op = builder(self._handle, self._value_tensor(delta), name=name or default,
                         dtype=self._dtype)
        return self._lazy_read(op) if read_value else op

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_ops.assign_add_variable_op, "AssignAddVariableOp", delta, name,
                            read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update(_ops.assign_sub_variable_op, "AssignSubVariableOp", delta, name,
                            read_value)

    def _lazy_read(self, op):
        return _UnreadVariable(self._home()[1], self._dtype, self._shape, op)

    def _scatter(self, kind, sparse_delta, use_locking, name):
        if not (hasattr(sparse_delta, "indices") and hasattr(sparse_delta, "values")):
            raise TypeError("Argument `sparse_delta` must be a `tf.IndexedSlices`. Received "
                            "arg: %s" % (sparse_delta,))
        return self._lazy_read(self._scatter_op(kind, sparse_delta.indices,
                                                sparse_delta.values, name))

    def _scatter_op(self, kind, indices, updates, name):
        op_type = "ResourceScatter" + kind.capitalize()
        builder = _ops.RESOURCE_SCATTER[op_type]
        with self._home()[0].as_default():
            return builder(self._handle, indices, self._value_tensor(updates),
                           name=name or op_type, dtype=self._dtype)

    def count_up_to(self, limit):
        return _ops.resource_count_up_to(self._handle, limit=int(limit), T=self._dtype)

    # ---- protos -----------------------------------------------------------------------------
    def to_proto(self, export_scope=None):
        from scopeflow.core.resource_var_init import to_proto
        return to_proto(self, export_scope)

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        return ResourceVariable(variable_def=variable_def, import_scope=import_scope)

    @staticmethod
    def _TensorConversionFunction(v, dtype=None, name=None, as_ref=False):
        if dtype is not None and not dtype.is_compatible_with(v.dtype):
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s' (%s)" % (dtype.name, v.dtype.name, v))
        return v._handle if as_ref else v.value()


class ResourceVariable(BaseResourceVariable):
    """A variable whose state lives behind a resource handle (TF's ResourceVariable)."""

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, dtype=None, variable_def=None,
                 import_scope=None, constraint=None, distribute_strategy=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None, handle=None,
                 experimental_enable_variable_lifting=None, use_resource=None,
                 expected_shape=None):
        from scopeflow.core import resource_var_init as init
        from scopeflow.core.variables import VariableArgs
        self._save_slice_info = None
        self._caching_device = caching_device
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("The variable_def and initial_value args to `tf.Variable` are "
                                 "mutually exclusive, but got both: variable_def=%s,\n"
                                 "initial_value=%s" % (variable_def, initial_value))
            init.init_from_proto(self, variable_def, import_scope)
            return
        init.init_from_args(self, VariableArgs(
            initial_value, trainable, collections, validate_shape, caching_device, name, dtype,
            constraint, synchronization, aggregation, shape))


class _UnreadVariable(BaseResourceVariable):
    """The result of an update (`assign`, `scatter_update`): reads follow the update op."""

    def __init__(self, handle, dtype, shape, parent_op):
        self._handle = handle
        self._handle_name = handle.name
        self._dtype = dtype
        self._shape = shape
        self._parent_op = parent_op
        self._save_slice_info = None
        self._initializer_op = None
        self._initial_value = None
        self._trainable = False
        self._constraint = None
        self._synchronization = VariableSynchronization.AUTO
        self._aggregation = VariableAggregation.NONE
        self._caching_device = None
        with handle.graph.control_dependencies([parent_op]):
            self._graph_element = _ops.read_variable_op(handle, dtype=dtype)

    name = property(lambda self: self._parent_op.name)
    op = property(lambda self: self._parent_op)

    def value(self):
        return self._read_variable_op()

    def read_value(self):
        return self._read_variable_op()

    def _read_variable_op(self):
        with self._handle.graph.control_dependencies([self._parent_op]):
            return _ops.read_variable_op(self._handle, dtype=self._dtype)

    def _after(self, method, *args, **kwargs):
        with self._handle.graph.control_dependencies([self._parent_op]):
            return getattr(BaseResourceVariable, method)(self, *args, **kwargs)

    def assign(self, *args, **kwargs):
        return self._after("assign", *args, **kwargs)

    def assign_add(self, *args, **kwargs):
        return self._after("assign_add", *args, **kwargs)

    def assign_sub(self, *args, **kwargs):
        return self._after("assign_sub", *args, **kwargs)

    def _scatter(self, *args):
        return self._after("_scatter", *args)


def _build(g, builder, scope, inputs, attrs):
    """An op named exactly `scope` (TF's `gen_*` op called with `name=scope`)."""
    from scopeflow.ops import registry
    rec = builder.op_def
    tensors = registry._convert_inputs(g, rec, inputs, scope[:-1])
    return registry.finish(g, rec, scope[:-1], tensors, attrs)


def is_resource_variable(v):
    """Whether `v` is a resource variable (TF's `resource_variable_ops.is_resource_variable`)."""
    return isinstance(v, BaseResourceVariable)


def _register_conversion():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function(BaseResourceVariable,
                                        BaseResourceVariable._TensorConversionFunction, 90)


_register_conversion()

__all__ = ["BaseResourceVariable", "ResourceVariable", "is_resource_variable"]
