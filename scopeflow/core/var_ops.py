"""Building a Variable's ops, the variable collections and the initializer ops (`init`)."""

import numpy as np

from scopeflow.core import naming
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.core.variables import (
    InitScope,
    validate_synchronization_aggregation_trainable,
    variable_shape,
)
from scopeflow.ops.array import identity
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.registry import finish
from scopeflow.ops.state import _variable_v2, assign, colocated


def _scope(name, default_name, values):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


def checked_args(v, a):
    """The checks and settings a new variable of either kind makes of its arguments: returns
    (whether the initial value is a function, the collections to add it to) and sets `v`'s
    synchronization, aggregation and trainable."""
    from_fn = callable(a.initial_value)
    collections = [GraphKeys.GLOBAL_VARIABLES] if a.collections is None else a.collections
    if not isinstance(collections, (list, tuple, set)):
        raise ValueError("collections argument to Variable constructor must be a list, tuple, "
                         "or set. Got %s of type %s" % (collections, type(collections)))
    if a.constraint is not None and not callable(a.constraint):
        raise ValueError("The `constraint` argument must be a callable.")
    sync, agg, trainable = validate_synchronization_aggregation_trainable(
        a.synchronization, a.aggregation, a.trainable, a.name)
    v._synchronization, v._aggregation, v._trainable = sync, agg, trainable
    if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
        collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
    v._creation_frames = ()  # get_variable records where (var_store.py): its errors quote it
    return from_fn, collections


def init_from_args(v, a):
    """RefVariable._init_from_args: the ops of a new variable, named under `a.name`."""
    if a.initial_value is None:
        raise ValueError("initial_value must be specified.")
    from_fn, collections = checked_args(v, a)
    g = default_graph()
    with InitScope(g):
        with _variable_scope_name(a, from_fn, g) as scope:
            g = default_graph()  # an initial value from another graph switches to it
            if from_fn:
                _make_from_fn(v, a, g, scope)
            else:
                v._initial_value = convert_to_tensor(a.initial_value, name="initial_value",
                                                     dtype=a.dtype)
                if getattr(v._initial_value.op, "_ctx", None) is not None:
                    raise ValueError(
                        "Initializer for variable %s is from inside a control-flow construct, "
                        "such as a loop or conditional. When creating a variable inside a loop or "
                        "conditional, use a lambda as the initializer." % scope)
                v._variable = _variable_op(g, variable_shape(a, v._initial_value),
                                           v._initial_value.dtype, scope)
            _finish(v, a, g, scope)
        g.add_to_collections(collections, v)
    v._caching_device = a.caching_device
    v._constraint = a.constraint


_PLAIN_VALUES = frozenset((np.ndarray, float, int, bool, list))


def _variable_scope_name(a, from_fn, g):
    """TF's `name_scope(name, "Variable", [initial_value])`; only a graph element can switch
    the graph, so plain values take the direct path."""
    value = a.initial_value
    if not from_fn and type(value) not in _PLAIN_VALUES and (
            isinstance(value, Tensor) or hasattr(value, "_as_graph_element")):
        return _scope(a.name, "Variable", [value])
    return g.name_scope("Variable" if a.name is None else a.name)


def _variable_op(g, shape, dtype, scope):
    attrs = {"shape": shape, "dtype": dtype.base_dtype, "container": "", "shared_name": ""}
    if not scope:  # name="" makes TF fall back to the op's default name
        return _variable_v2(name=None, **attrs)
    return finish(g, _variable_v2.op_def, scope[:-1], [], attrs)


def _make_from_fn(v, a, g, scope):
    """Initializer ops under `v/Initializer`, all colocated with the variable (TF's attr scope)."""
    true_name = scope[:-1]
    start = len(g._ops)
    with g.name_scope("Initializer"), g.device(None):
        value = a.initial_value()
        v._initial_value = convert_to_tensor(value, name="initial_value", dtype=a.dtype)
    v._variable = _variable_op(g, variable_shape(a, v._initial_value), v._initial_value.dtype,
                               scope)
    f = g._frame()
    if f.colocate and f.colocate[-1]:
        return  # a colocation scope overrides TF's attr scope
    ops = g._ops
    for i in range(start, len(ops)):
        ops[i]._colocation = (true_name,)


def _finish(v, a, g, scope):
    v._name = v._variable.name
    if not isinstance(a.validate_shape, bool):  # TF's check, as it makes the Assign op
        raise TypeError("Expected bool for argument 'validate_shape' not %r." % (a.validate_shape,))
    if a.validate_shape and not v._initial_value.shape.is_fully_defined():
        raise ValueError("initial_value must have a shape specified: %s" % v._initial_value)
    f = g._frame()
    if (a.shape is None and a.caching_device is None and not f.devices and not f.colocate
            and v._initial_value.op._type == "Const"):
        _finish_plain(v, a, g, f)
        return
    value = guard_initial_value(scope, v._initial_value)
    v._initializer_op = assign(v._variable, value, validate_shape=a.validate_shape).op
    if a.caching_device is not None:
        with g.device(a.caching_device):
            v._snapshot = identity(v._variable, name="read")
    else:
        v._snapshot = colocated(g, v._variable.op, identity, v._variable, name="read")


def _finish_plain(v, a, g, f):
    """`_finish` for the common case, without the general op builders: a constant initial value
    of the variable's own shape, no device or colocation scope (InitScope has cleared control
    dependencies and control flow). Makes the same ops `assign` and `identity` would."""
    var, value = v._variable, v._initial_value
    attrs = {"validate_shape": a.validate_shape is not False, "use_locking": True}
    v._initializer_op = _next_to(g, f, var.op, "Assign", "Assign", (var, value), attrs,
                                 (value._shape, var._dtype))
    v._snapshot = _next_to(g, f, var.op, "Identity", "read", (var,), {},
                           (var._shape, var._dtype.base_dtype))._outputs[0]


def _next_to(g, f, var_op, op_type, name, inputs, attrs, spec):
    """An op colocated with `var_op` (TF colocates every op that takes a ref input)."""
    op = g._add_op(op_type, naming.unique_name(g._names_in_use, f.name_scope, name), inputs,
                   attrs, (spec,))
    op._colocation = (var_op._name,)
    op._device = var_op._device
    return op


# ---- reading other variables in an initial value -------------------------------------------
_PASS_THROUGH = frozenset(("IsVariableInitialized", "VarIsInitializedOp", "ReadVariableOp", "If"))
_VARIABLE_OPS = frozenset(("Variable", "VariableV2", "VarHandleOp"))


def _reads_variables(t):
    """True when `t` depends on a variable op (the rare case that needs TF's guard)."""
    seen = set()
    stack = [t.op]
    while stack:
        o = stack.pop()
        if o in seen or o._type in _PASS_THROUGH:
            continue
        seen.add(o)
        if o._type in _VARIABLE_OPS:
            return True
        stack.extend(x._op for x in o._inputs)
    return False


def guard_initial_value(name, initial_value):
    """TF's `_try_guard_against_uninitialized_dependencies`: reads of other variables in an
    initial value go through their `initialized_value()`, copying the ops in between."""
    if not initial_value.op._inputs or not _reads_variables(initial_value):
        return initial_value  # a constant, or nothing that reads a variable
    return _safe_tensor(name, initial_value, {})


def _safe_tensor(name, t, cache):
    new = cache.get(t.op.name)
    if new is None:
        new = cache[t.op.name] = _safe_op(name, t.op, cache)
    return new.outputs[t.value_index]


def _safe_op(name, op, cache):
    if op.type in _PASS_THROUGH:
        return op
    if op.type in _VARIABLE_OPS:
        init = _initialized_value_of(op)
        return op if init is None else init.op
    inputs = [_safe_tensor(name, x, cache) for x in op.inputs]
    if all(a is b for a, b in zip(inputs, op.inputs)):
        return op
    new_type = "Switch" if op.type == "RefSwitch" else op.type
    return _copy_op(op, new_type, inputs, (op.name + "_" + name).replace(":", "_"))


def _copy_op(op, op_type, inputs, name):
    from scopeflow.ops import registry
    g = op.graph
    tensors = _regroup(inputs, op._arg_counts)
    registry.finish(g, registry.lookup(op_type), name[:-1] if name[-1] == "/" else name,
                    tensors, dict(op._attrs))
    return g._ops[-1]


def _regroup(flat, counts):
    if not counts:
        return list(flat)
    out, i = [], 0
    for c in counts:
        if c < 0:
            out.append(flat[i])
            i += 1
        else:
            out.append(list(flat[i:i + c]))
            i += c
    return out


def _initialized_value_of(variable_op):
    names = (variable_op.name, variable_op.name + ":0")
    g = variable_op.graph
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for var in g.get_collection(key):
            if getattr(var, "name", None) in names and hasattr(var, "initialized_value"):
                return var.initialized_value()
    return None


def initialized_value(v):
    """`cond(is_variable_initialized(v), v.read_value, lambda: v.initial_value)`."""
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.state import is_variable_initialized
    with InitScope(v.graph):
        return cond(is_variable_initialized(v), v.read_value, lambda: v.initial_value)


# ---- VariableDef protos ----------------------------------------------------------------------
def _strip(name, export_scope):
    if export_scope and name.startswith(export_scope + "/"):
        return name[len(export_scope) + 1:]
    return name


def _prepend(name, import_scope):
    return import_scope + "/" + name if import_scope else name


def to_proto(v, export_scope=None):
    """The `VariableDef` of `v` (None when `v` is outside `export_scope`)."""
    from tensorboard.compat.proto import variable_pb2
    if export_scope is not None and not v._variable.name.startswith(export_scope):
        return None
    d = variable_pb2.VariableDef()
    d.variable_name = _strip(v._variable.name, export_scope)
    if v._initial_value is not None:
        d.initial_value_name = _strip(v._initial_value.name, export_scope)
    d.trainable = v.trainable
    d.synchronization = v.synchronization.value
    d.aggregation = v.aggregation.value
    d.initializer_name = _strip(v.initializer.name, export_scope)
    d.snapshot_name = _strip(v._snapshot.name, export_scope)
    info = v._save_slice_info
    if info is not None:
        d.save_slice_info_def.MergeFrom(info.to_proto(export_scope))
    return d


def init_from_proto(v, d, import_scope=None):
    """A Variable over existing ops named by the VariableDef `d`."""
    from scopeflow.core.partitioners import SaveSliceInfo
    g = default_graph()
    v._variable = g.as_graph_element(_prepend(d.variable_name, import_scope))
    v._name = v._variable.name
    v._initializer_op = g.as_graph_element(_prepend(d.initializer_name, import_scope))
    v._initial_value = (g.as_graph_element(_prepend(d.initial_value_name, import_scope))
                        if d.initial_value_name else None)
    v._synchronization, v._aggregation, v._trainable = (
        validate_synchronization_aggregation_trainable(d.synchronization, d.aggregation,
                                                       d.trainable, d.variable_name))
    v._snapshot = g.as_graph_element(_prepend(d.snapshot_name, import_scope))
    if d.HasField("save_slice_info_def"):
        v._save_slice_info = SaveSliceInfo(save_slice_info_def=d.save_slice_info_def,
                                           import_scope=import_scope)
    v._caching_device = None
    v._constraint = None
    v._creation_frames = []


# ---- collections and initializers -----------------------------------------------------------
def global_variables(scope=None):
    """`tf.global_variables`: the GLOBAL_VARIABLES collection (filtered by `scope`).

    >>> import scopeflow as tf
    >>> with tf.Graph().as_default():
    ...     v = tf.Variable(1.0, name="v")
    ...     [x.name for x in tf.global_variables()]
    ['v:0']
    """
    return default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables():
    return global_variables()


def local_variables(scope=None):
    """`tf.local_variables`: the LOCAL_VARIABLES collection (`get_local_variable`, metrics)."""
    return default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    """`tf.model_variables`: the MODEL_VARIABLES collection (slim's model variables)."""
    return default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def trainable_variables(scope=None):
    """`tf.trainable_variables`: the TRAINABLE_VARIABLES collection."""
    return default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def moving_average_variables(scope=None):
    """`tf.moving_average_variables`: variables an ExponentialMovingAverage tracks."""
    return default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """`tf.variables_initializer`: one op (`init`) running each variable's initializer.

    >>> import scopeflow as tf
    >>> tf.variables_initializer([]).type
    'NoOp'
    """
    from scopeflow.ops.state import group, no_op
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


initialize_variables = variables_initializer


def global_variables_initializer():
    """`tf.global_variables_initializer`: the op `init` running every global initializer.

    >>> import scopeflow as tf
    >>> tf.global_variables_initializer().name
    'init'
    """
    return variables_initializer(global_variables())


def local_variables_initializer():
    """`tf.local_variables_initializer`: one op initializing LOCAL_VARIABLES (`init_1` after
    `init`)."""
    return variables_initializer(local_variables())


def initialize_all_variables():
    """Deprecated spelling of `global_variables_initializer`."""
    return global_variables_initializer()


def initialize_local_variables():
    """Deprecated spelling of `local_variables_initializer`."""
    return local_variables_initializer()


def _all_variable_tensors(var_list):
    if var_list is None:
        var_list = global_variables() + local_variables()
    if not var_list:
        var_list = [o.outputs[0] for o in default_graph().get_operations()
                    if o.type in ("Variable", "VariableV2", "AutoReloadVariable")]
    return var_list


def assert_variables_initialized(var_list=None):
    """`tf.assert_variables_initialized`: the ranks of the variables (fail when uninitialized)."""
    from scopeflow.ops.joining import stack
    var_list = _all_variable_tensors(var_list)
    if not var_list:
        return None
    g = default_graph()
    ranks = []
    for var in var_list:
        with g.colocate_with(var.op):
            ranks.append(_rank(var))
    return ranks[0] if len(ranks) == 1 else stack(ranks)


def _rank(t):
    from scopeflow.ops import registry
    rec = registry.REGISTRY.get("Rank")
    if rec is None:
        rec = registry.op("Rank", infer=lambda x: (TensorShape._of(()), _int32()),
                          types={"input": registry.ANY})(
            lambda input: __import__("jax.numpy").numpy.asarray(input.ndim, "int32")).op_def
    return registry.apply(rec, [t], {}, "Rank")


def _int32():
    from scopeflow import dtypes
    return dtypes.int32


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """`tf.report_uninitialized_variables`: names (strings) of the uninitialized variables."""
    from scopeflow import dtypes
    from scopeflow.ops.constant import constant
    from scopeflow.ops.gather import boolean_mask
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math_unary import logical_not
    from scopeflow.ops.state import is_variable_initialized
    explicit = var_list is not None
    var_list = _all_variable_tensors(var_list) if not explicit else var_list
    g = default_graph()
    with g.name_scope(name):
        inits = [is_variable_initialized(v) for v in var_list]
        with g.device("/cpu:0"):
            if not var_list:
                return constant([], dtype=dtypes.string)
            mask = logical_not(stack(inits))
            names = constant([v.op.name for v in var_list])
            return boolean_mask(names, mask)
