"""The per-graph variable store behind `tf.get_variable`: creation, sharing and TF's errors.

A request travels as one frozen `VarRequest`; custom getters see TF's keyword arguments.
"""

import functools
import inspect
from typing import NamedTuple

from scopeflow import dtypes as _dt
from scopeflow.core import partitioners as _parts
from scopeflow.core import stack
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import as_shape
from scopeflow.core.tensor import Tensor
from scopeflow.core.variables import (
    Variable,
    VariableAggregation,
    VariableSynchronization,
    user_frames,
)


class VarRequest(NamedTuple):
    """One `get_variable` call: the full name and every option (None = inherit / default)."""

    name: str
    shape: object = None
    dtype: object = _dt.float32
    initializer: object = None
    regularizer: object = None
    reuse: object = None
    trainable: object = None
    collections: object = None
    caching_device: object = None
    partitioner: object = None
    validate_shape: bool = True
    use_resource: object = None
    constraint: object = None
    synchronization: object = VariableSynchronization.AUTO
    aggregation: object = VariableAggregation.NONE

    def getter_kwargs(self):
        """The keyword arguments TF passes to a custom getter (less `constraint`)."""
        kw = self._asdict()
        del kw["constraint"]
        return kw


def store_of(graph):
    """The graph's variable store (one per graph, shared by its threads)."""
    store = graph.__dict__.get("_variable_store")
    if store is None:
        store = graph.__dict__.setdefault("_variable_store", VariableStore())
    return store


class VariableStore:
    """Variables by full name, created by `get_variable` (not by `tf.Variable`)."""

    __slots__ = ("_partitioned_vars", "_vars")

    def __init__(self):
        self._vars = {}
        self._partitioned_vars = {}

    def get_variable(self, req, custom_getter=None):
        """`req` complete: full name, the scope's defaults filled in, base dtype, and trainable /
        synchronization / aggregation validated (VariableScope._get does this); `custom_getter`
        callable or None."""
        if custom_getter is None:
            return self._route(req)
        kwargs = req.getter_kwargs()
        if _takes_constraint(custom_getter):
            kwargs["constraint"] = req.constraint
        return custom_getter(getter=self._true_getter, **kwargs)

    def _true_getter(self, name, shape=None, dtype=_dt.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, constraint=None,
                     synchronization=VariableSynchronization.AUTO,
                     aggregation=VariableAggregation.NONE):
        return self._route(VarRequest(name, shape, dtype, initializer, regularizer, reuse,
                                      trainable, collections, caching_device, partitioner,
                                      validate_shape, use_resource, constraint, synchronization,
                                      aggregation))

    def _route(self, req):
        if req.partitioner is not None and not (
                isinstance(req.shape, (list, tuple)) and not req.shape):  # not a scalar
            if not callable(req.partitioner):
                raise ValueError("Partitioner must be callable, but received: %s"
                                 % req.partitioner)
            with default_graph().name_scope(None):
                return self._get_partitioned(req)
        if req.reuse is True and req.partitioner is None and req.name in self._partitioned_vars:
            return self._get_partitioned(req)
        if req.name + "/part_0" in self._vars:
            raise ValueError("No partitioner was provided, but a partitioned version of the "
                             "variable was found: %s/part_0. Perhaps a variable of the same name "
                             "was already created with partitioning?" % req.name)
        return self.get_single(req)

    # ---- one variable ---------------------------------------------------------------------
    def get_single(self, req, partition_info=None):
        """TF's `_get_single_variable`: share `req.name` or create it."""
        from_value = req.initializer is not None and not callable(req.initializer)
        if req.shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dt.as_dtype(req.dtype)
        shape = None if req.shape is None else as_shape(req.shape)
        found = self._vars.get(req.name)
        if found is not None:
            return _share(found, req, shape, dtype)
        if req.reuse is True:
            raise ValueError(_missing_message(self, req.name))
        init = req.initializer
        if init is None:
            if shape is None:
                raise ValueError("Variable %s did not get an initializer, so its `shape` argument "
                                 "must be specified." % req.name)
            init, from_value = default_initializer(req.name, dtype), False
        init_val, var_dtype = _initial_value(init, from_value, shape, dtype, partition_info)
        v = Variable(initial_value=init_val, name=req.name, trainable=req.trainable,
                     collections=req.collections, caching_device=req.caching_device,
                     dtype=var_dtype, validate_shape=req.validate_shape,
                     constraint=req.constraint, use_resource=_resolved(req.use_resource),
                     synchronization=req.synchronization, aggregation=req.aggregation,
                     shape=shape)
        v._creation_frames = user_frames()
        self._vars[req.name] = v
        if req.regularizer:
            _add_regularizer(v, req.name, req.regularizer)
        return v

    # ---- partitioned ------------------------------------------------------------------------
    def _get_partitioned(self, req):
        """TF's `_get_partitioned_variable`: shards `name/part_N` along one axis."""
        from_value = isinstance(req.initializer, Tensor)
        if req.name in self._vars:
            raise ValueError("A partitioner was provided, but an unpartitioned version of the "
                             "variable was found: %s.  Perhaps a variable of the same name was "
                             "already created without partitioning?" % req.name)
        shape = as_shape(req.shape)
        if from_value:
            shape = shape.merge_with(req.initializer.get_shape())
        dtype = _dt.as_dtype(req.dtype)
        partitions = None
        if not req.reuse or req.partitioner:
            partitions = _parts.call_partitioner(req.partitioner, shape, dtype)
        if req.name in self._partitioned_vars:
            return self._share_partitioned(req, shape, dtype, partitions)
        if req.reuse is True:
            raise ValueError("PartitionedVariable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=False or "
                             "reuse=tf.AUTO_REUSE in VarScope?" % req.name)
        slice_dim, num_slices = _parts.slice_dim_and_count(partitions)
        self._check_shards(req.name, num_slices)
        shards = [self._make_shard(req, shape, dtype, i, piece) for i, piece in
                  enumerate(_parts.iter_slices(shape.as_list(), num_slices, slice_dim))]
        pv = _parts.PartitionedVariable(req.name, shape, shards[0].dtype.base_dtype, shards,
                                        partitions)
        self._partitioned_vars[req.name] = pv
        return pv

    def _share_partitioned(self, req, shape, dtype, partitions):
        if req.reuse is False:
            raise ValueError("Partitioned variable with name %s already exists. Did you mean to "
                             "set reuse=True or reuse=tf.AUTO_REUSE in VarScope?" % req.name)
        existing = self._partitioned_vars[req.name]
        if not shape.is_compatible_with(existing.get_shape()):
            raise ValueError("Trying to reuse partitioned variable %s, but specified shape %s and "
                             "found shape %s." % (req.name, shape, existing.get_shape()))
        if not dtype.is_compatible_with(existing.dtype):
            raise ValueError("Trying to reuse partitioned variable %s, but specified dtype %s and "
                             "found dtype %s." % (req.name, dtype.name, existing.dtype.name))
        if partitions is not None and existing._get_partitions() != partitions:
            raise ValueError("Trying to reuse partitioned variable %s, but specified partitions "
                             "%s and found partitions %s." % (req.name, partitions,
                                                             existing._get_partitions()))
        return existing

    def _check_shards(self, name, num_slices):
        if "%s/part_0" % name not in self._vars:
            return
        if "%s/part_%d" % (name, num_slices - 1) not in self._vars:
            raise ValueError("Partitioner returned a different partitioning than what was already "
                             "found.  Partitioner returned %d shards, and shard %s/part_0 was "
                             "found, but %s/part_%d was not." % (num_slices, name, name,
                                                                 num_slices - 1))
        if "%s/part_%d" % (name, num_slices) in self._vars:
            raise ValueError("Partitioner returned a different partitioning than what was already "
                             "found.  Partitioner returned %d shards, and shard %s/part_0 was "
                             "found, but so was the extra shard %s/part_%d." % (
                                 num_slices, name, name, num_slices))

    def _make_shard(self, req, shape, dtype, i, piece):
        offset, var_shape = piece
        info = _parts.PartitionInfo(full_shape=shape.as_list(), var_offset=offset)
        shard_name = "%s/part_%d" % (req.name, i)
        g = default_graph()
        with g.name_scope(shard_name + "/PartitionedInitializer"):
            init, init_shape, dtype = _shard_initializer(req, shape, dtype, offset, var_shape)
        with g.name_scope(None):
            v = self.get_single(req._replace(
                name=shard_name, shape=init_shape, dtype=dtype, initializer=init),
                partition_info=info)
        v._set_save_slice_info(_parts.SaveSliceInfo(req.name, shape.as_list(), offset, var_shape))
        return v


def _shard_initializer(req, shape, dtype, offset, var_shape):
    """(initializer, shape to request, dtype) for one shard, as TF slices a value initializer."""
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.slicing import slice as slice_
    init = req.initializer
    if init is None:
        return default_initializer(req.name, dtype), var_shape, dtype
    if callable(init):
        return init, var_shape, dtype
    if isinstance(init, Tensor):
        return slice_(init, offset, var_shape), None, init.dtype.base_dtype
    value = convert_to_tensor(init, dtype=dtype)
    return slice_(value, offset, var_shape), None, dtype


# ---- helpers ---------------------------------------------------------------------------------
def _share(found, req, shape, dtype):
    if req.reuse is False:
        raise ValueError(_exists_message(found, req.name))
    if shape is not None and not shape.is_compatible_with(found.get_shape()):
        raise ValueError("Trying to share variable %s, but specified shape %s and found shape %s.%s"
                         % (req.name, shape, found.get_shape(), _created_at(found))
                         + _share_lesson(req.name, "shape", shape, found.get_shape()))
    if not dtype.is_compatible_with(found.dtype):
        raise ValueError("Trying to share variable %s, but specified dtype %s and found dtype %s.%s"
                         % (req.name, dtype.name, found.dtype.name, _created_at(found))
                         + _share_lesson(req.name, "dtype", dtype.name,
                                         found.dtype.base_dtype.name))
    return found


# The lessons after TF's message name the failing call (the user's innermost frame) beside
# the creating one, and the scope setting that fixes the error.
def _this_call():
    frames = user_frames(1)
    return "at %s:%d (in %s)" % frames[0] if frames else "here"


def _scope_of(name):
    return name.rpartition("/")[0]


def _share_lesson(name, what, asked, found):
    return ("\nThis call, %s, reuses %r with %s %s. A shared variable keeps the %s it was "
            "created with: ask for %s %s (or leave it out); if a separate variable is meant, "
            "give it another name, or a variable scope without reuse."
            % (_this_call(), name, what, asked, what, what, found))


def _created_at(var):
    frames = getattr(var, "_creation_frames", None)
    if not frames:
        return ""
    return "\nIt was created at:\n" + '  File "%s", line %d, in %s' % frames[0]


def _exists_message(var, name):
    frames = "".join('  File "%s", line %d, in %s\n' % f
                     for f in getattr(var, "_creation_frames", ()))
    scope = _scope_of(name)
    return ("Variable %s already exists, disallowed. Did you mean to set reuse=True or "
            "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n%s"
            "\nThis call, %s, asks for %r again in variable scope %r, which does not reuse "
            "variables. To share it, open the scope with reuse=True (tf.variable_scope(%r, "
            "reuse=True)) or reuse=tf.AUTO_REUSE, or call scope.reuse_variables() first; to make "
            "a second variable, give it another name or scope."
            % (name, frames, _this_call(), name, scope, scope.rpartition("/")[2]))


def _missing_message(store, name):
    msg = ("Variable %s does not exist, or was not created with tf.get_variable(). Did you mean "
           "to set reuse=tf.AUTO_REUSE in VarScope?" % name)
    scope, _, leaf = name.rpartition("/")
    msg += ("\nThis call, %s, reuses %r (its variable scope%s has reuse=True), but no "
            "tf.get_variable call created it before."
            % (_this_call(), name, " %r" % scope if scope else ""))
    near = sorted(n for n in store._vars if n.rpartition("/")[0] == scope)
    if near:
        msg += "\nVariables that exist in scope '%s': %s." % (scope, ", ".join(near[:10]))
    same = sorted(n for n in store._vars if n.rpartition("/")[2] == leaf)
    if same:
        frames = getattr(store._vars[same[0]], "_creation_frames", None)
        made = (" at %s:%d (in %s)" % frames[0]) if frames else ""
        msg += ("\nA variable named %r exists as %r, created%s: a scope name that differs "
                "(e.g. uniquified to '_1', or a missing outer scope) asks for another variable."
                % (leaf, same[0], made))
    plain = _plain_variable(name)
    if plain is not None:
        msg += ("\n%r exists, made by tf.Variable%s: tf.get_variable shares only variables "
                "that tf.get_variable created; create it with tf.get_variable." % (name, plain))
    return msg + ("\nTo create the variable on first use, open the scope with "
                  "reuse=tf.AUTO_REUSE; or create it first in the scope without reuse, then "
                  "reuse it.")


def _plain_variable(name):
    """' at file:line' (or '') of a tf.Variable named `name` in the default graph, or None."""
    for v in default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES):
        op = getattr(v, "op", None)
        if op is not None and op.name == name:
            user = [f for f in op.traceback if stack.is_user_frame(f)]
            return " at %s:%d" % (user[-1].filename, user[-1].lineno) if user else ""
    return None


def default_initializer(name, dtype):
    """glorot_uniform for floats, zeros for integers, bools and strings (TF's defaults)."""
    from scopeflow.ops import init_ops
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == _dt.string:
        return init_ops.zeros_initializer()
    raise ValueError("An initializer for variable %s of %s is required" % (name,
                                                                          dtype.base_dtype))


def _initial_value(init, from_value, shape, dtype, partition_info):
    """(initial_value for tf.Variable, its dtype) from an initializer, as TF binds it."""
    if from_value:
        return init, None
    if isinstance(init, type):
        init = init()
    if shape is not None and shape.is_fully_defined():
        if _takes_partition_info(init):
            return functools.partial(init, shape.as_list(), dtype=dtype,
                                     partition_info=partition_info), dtype.base_dtype
        return functools.partial(init, shape.as_list(), dtype=dtype), dtype.base_dtype
    if _needs_no_arguments(init):
        return init, None
    raise ValueError("The initializer passed is not valid. It should be a callable with no "
                     "arguments and the shape should not be provided or an instance of "
                     "`tf.keras.initializers.*' and `shape` should be fully defined.%s" % (
                         "" if shape is None else "\nThe shape given, %s, is not fully defined: "
                         "name every dimension, or pass an initial value instead." % (shape,)))


def _params(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _takes_constraint(getter):
    """TF passes `constraint` only to getters that name it or take **kwargs."""
    params = _params(getter)
    return "constraint" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _takes_partition_info(init):
    from scopeflow.ops.init_ops import Initializer
    return isinstance(init, Initializer) or "partition_info" in _params(init)


def _needs_no_arguments(fn):
    params = _params(fn).values()
    return all(p.default is not p.empty for p in params
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


# ---- regularizers ----------------------------------------------------------------------------
def _add_regularizer(v, name, regularizer):
    g = default_graph()

    def make_regularizer_op():
        with g.colocate_with(v), g.name_scope(name + "/Regularizer/"):
            return regularizer(v)

    if regularizer(v) is not None:
        g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, LazyEvalTensor(make_regularizer_op))


class LazyEvalTensor:
    """A regularization loss that rebuilds its ops wherever it is used (TF's _LazyEvalTensor)."""

    def __init__(self, thunk):
        self._thunk = thunk
        self._master_tensor = thunk()

    def _as_tensor(self, dtype=None, name=None, as_ref=False):
        return self._thunk()

    def _as_graph_element(self):
        return self._master_tensor

    def _as_graph_tensor(self):
        return self._thunk()

    device = property(lambda self: self._master_tensor.device)
    dtype = property(lambda self: self._master_tensor.dtype)
    graph = property(lambda self: self._master_tensor.graph)
    name = property(lambda self: self._master_tensor.name)
    op = property(lambda self: self._master_tensor.op)
    shape = property(lambda self: self._master_tensor.shape)
    value_index = property(lambda self: self._master_tensor.value_index)

    def get_shape(self):
        return self._master_tensor.get_shape()

    def __str__(self):
        return str(self._master_tensor)

    def eval(self, *args, **kwargs):
        return self._as_tensor().eval(*args, **kwargs)


def _lazy_forward(name):
    def method(self, *args):
        return getattr(self._as_tensor(), name)(*args)

    method.__name__ = name
    return method


for _name in ("__abs__", "__add__", "__and__", "__bool__", "__div__", "__eq__", "__floordiv__",
              "__ge__", "__getitem__", "__gt__", "__invert__", "__iter__", "__le__", "__len__",
              "__lt__", "__matmul__", "__mod__", "__mul__", "__ne__", "__neg__", "__or__",
              "__pow__", "__radd__", "__rand__", "__rdiv__", "__rfloordiv__", "__rmatmul__",
              "__rmod__", "__rmul__", "__ror__", "__rpow__", "__rsub__", "__rtruediv__",
              "__rxor__", "__sub__", "__truediv__", "__xor__"):
    setattr(LazyEvalTensor, _name, _lazy_forward(_name))
LazyEvalTensor.__hash__ = object.__hash__


def _register_conversion():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function(
        LazyEvalTensor, lambda v, dtype=None, name=None, as_ref=False: v._as_tensor(dtype))


_register_conversion()


def no_regularizer(_):
    """`tf.no_regularizer`: turns off a scope's regularizer for one variable."""
    return


__all__ = ["LazyEvalTensor", "VarRequest", "VariableStore", "no_regularizer", "store_of"]


def _resolved(use_resource):
    """get_variable's `use_resource`: the request's (scope's), else the global default."""
    from scopeflow.core.variables import resource_variables_enabled
    return bool(resource_variables_enabled() if use_resource is None else use_resource)
