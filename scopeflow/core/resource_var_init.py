"""Building a ResourceVariable's ops (TF's `ResourceVariable._init_from_args`) and its
`VariableDef` (`is_resource: true`, snapshot `w/Read/ReadVariableOp:0`)."""

from scopeflow.core.frame import default_graph
from scopeflow.core.var_ops import _prepend, _strip, checked_args, guard_initial_value
from scopeflow.core.variables import validate_synchronization_aggregation_trainable
from scopeflow.ops import resource_ops as _ops


def init_from_args(v, a):
    """The ops of a new resource variable named under `a.name` (TF's order and names)."""
    from scopeflow.core.var_ops import _variable_scope_name
    from scopeflow.ops.constant import convert_to_tensor
    if a.initial_value is None:
        raise ValueError("The `initial_value` arg to `tf.Variable` must be specified except "
                         "when you are not providing a `variable_def`. You provided neither.")
    from_fn, collections = checked_args(v, a)
    with _variable_scope_name(a, from_fn, default_graph()) as scope:
        g = default_graph()
        handle_name = scope[:-1]
        start = len(g._ops)
        with g.name_scope("Initializer"), g.device(None):
            value = a.initial_value() if from_fn else a.initial_value
            initial = convert_to_tensor(value, name="initial_value", dtype=a.dtype)
        f = g._frame()
        # TF's attr scope `_class: loc:@<handle>`, unless a colocation scope overrides it
        own = not (f.colocate and f.colocate[-1])
        if own:
            for op in g._ops[start:]:
                op._colocation = (handle_name,)
        shape = initial.shape
        if a.shape is not None:
            from scopeflow.core.shape import as_shape
            want = as_shape(a.shape)
            if not initial.shape.is_compatible_with(want):
                raise ValueError("In this `tf.Variable` creation, the initial value's shape (%s) "
                                 "is not compatible with the explicitly supplied `shape` "
                                 "argument (%s)." % (initial.shape, want))
            shape = want
        with g.device(None):
            handle = _ops.variable_handle(shape, initial.dtype, handle_name, handle_name, g)
        if own:
            handle.op._colocation = (handle_name,)
        if getattr(initial.op, "_ctx", None) is not None:
            raise ValueError(
                "The `initial_value` passed to `tf.Variable` %s is from inside a control-flow  "
                "construct, such as a loop or conditional. When creating a `tf.Variable` inside "
                "a loop or conditional, use a lambda as the `initial_value`. Got: "
                "initial_value=(%s)" % (scope, initial))
        _finish(v, a, g, handle, initial, scope)
        g.add_to_collections(collections, v)
    v._constraint = a.constraint


def _finish(v, a, g, handle, initial, scope):
    dtype = initial.dtype.base_dtype
    v._handle, v._handle_name, v._dtype = handle, handle.name, dtype
    v._shape, v._initial_value = handle.op._attrs["shape"], initial
    v._validate_shape = a.validate_shape
    with g.name_scope("IsInitialized"):
        v._is_initialized_op = _ops.var_is_initialized_op(handle).op
    with g.name_scope("Assign") as n, g.colocate_with(None, ignore_existing=True), \
            g.device(handle.device):
        from scopeflow.ops.registry import finish
        value = guard_initial_value(scope, initial)
        v._initializer_op = finish(g, _ops.assign_variable_op.op_def, n[:-1], [handle, value],
                                   {"dtype": dtype, "validate_shape": False})
    v._cached_value = None
    with g.name_scope("Read"):
        with g.device(handle.device):
            v._graph_element = _ops.read_variable_op(handle, dtype=dtype)
        if a.caching_device is not None:
            from scopeflow.ops.array import identity
            with g.colocate_with(None, ignore_existing=True), g.device(a.caching_device):
                v._cached_value = identity(v._graph_element)


def to_proto(v, export_scope=None):
    """The `VariableDef` of resource variable `v` (None when outside `export_scope`)."""
    from tensorboard.compat.proto import variable_pb2
    if export_scope is not None and not v._handle.name.startswith(export_scope):
        return None
    d = variable_pb2.VariableDef()
    d.variable_name = _strip(v._handle.name, export_scope)
    if v._initial_value is not None:
        d.initial_value_name = _strip(v._initial_value.name, export_scope)
    d.initializer_name = _strip(v._initializer_op.name, export_scope)
    snap = v._cached_value if v._cached_value is not None else v._graph_element
    d.snapshot_name = _strip(snap.name, export_scope)
    d.is_resource = True
    d.trainable = v.trainable
    d.synchronization = v.synchronization.value
    d.aggregation = v.aggregation.value
    if v._save_slice_info is not None:
        d.save_slice_info_def.MergeFrom(v._save_slice_info.to_proto(export_scope))
    return d


def init_from_proto(v, d, import_scope=None):
    """A ResourceVariable over the existing ops a VariableDef names."""
    from scopeflow.core.partitioners import SaveSliceInfo
    g = default_graph()
    el = g.as_graph_element
    v._handle = el(_prepend(d.variable_name, import_scope))
    v._handle_name = v._handle.name
    attrs = v._handle.op._attrs
    v._shape = attrs.get("shape")
    v._initializer_op = el(_prepend(d.initializer_name, import_scope))
    v._initial_value = (el(_prepend(d.initial_value_name, import_scope))
                        if d.initial_value_name else None)
    v._synchronization, v._aggregation, v._trainable = (
        validate_synchronization_aggregation_trainable(d.synchronization, d.aggregation,
                                                       d.trainable, d.variable_name))
    snap = el(_prepend(d.snapshot_name, import_scope))
    v._dtype = attrs.get("dtype") or snap.dtype.base_dtype
    if v._shape is None:
        v._shape = snap.shape
    if snap.op.type == "ReadVariableOp":
        v._graph_element, v._cached_value = snap, None
    else:  # a caching device's Identity of the read
        v._graph_element, v._cached_value = snap.op.inputs[0], snap
    if d.HasField("save_slice_info_def"):
        v._save_slice_info = SaveSliceInfo(save_slice_info_def=d.save_slice_info_def,
                                           import_scope=import_scope)
    v._validate_shape = True
    v._constraint = None
    v._creation_frames = []
