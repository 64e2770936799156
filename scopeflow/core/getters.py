"""`tf.get_variable`, `tf.get_local_variable` and `tf.create_partitioned_variables`."""

from scopeflow import dtypes as _dt
from scopeflow.core import stack
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import _current, variable_scope
from scopeflow.core.var_store import VarRequest, store_of
from scopeflow.core.variables import VariableAggregation, VariableSynchronization


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE):
    """`tf.get_variable`: the variable `<scope>/name`, created or shared per the scope's reuse.

    >>> import scopeflow as tf
    >>> tf.get_variable("w", [3, 4]).name
    'w:0'
    """
    g = default_graph()
    req = VarRequest(name, shape, dtype, initializer, regularizer, None, trainable, collections,
                     caching_device, partitioner, validate_shape, use_resource, constraint,
                     synchronization, aggregation)
    where, scope = stack.capture(), g.get_name_scope()
    var = _current(g._frame())._get(store_of(g), req, custom_getter)
    record_call(g, var, name, scope, where)
    if initializer is not None:  # the initializer asked for at creation (insight's provenance)
        for shard in getattr(var, "_variable_list", None) or [var]:
            g.__dict__.setdefault("_get_variable_inits", {}).setdefault(shard.op.name,
                                                                        initializer)
    return var


def record_call(g, var, name, name_scope, where):
    """Keeps where `get_variable(name)` was called and the name scope open there, per graph
    (`scopeflow.insight` reads them: provenance, reuse sites, scoping mistakes)."""
    calls = g.__dict__.setdefault("_get_variable_calls", [])
    calls.append((var, name, name_scope, where))


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None,
                       constraint=None, synchronization=VariableSynchronization.AUTO,
                       aggregation=VariableAggregation.NONE):
    """`tf.get_local_variable`: like get_variable, in LOCAL_VARIABLES and never trainable.

    >>> import scopeflow as tf
    >>> tf.get_local_variable("n", [], dtype=tf.int64) in tf.local_variables()
    True
    """
    collections = list(collections or ()) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=False, collections=collections,
                        caching_device=caching_device, partitioner=partitioner,
                        validate_shape=validate_shape, use_resource=use_resource,
                        synchronization=synchronization, aggregation=aggregation,
                        custom_getter=custom_getter, constraint=constraint)


def create_partitioned_variables(shape, slicing, initializer, dtype=_dt.float32, trainable=True,
                                 collections=None, name=None, reuse=None):
    """Deprecated: the shards of a variable split by `slicing` (use a partitioner instead)."""
    if len(shape) != len(slicing):
        raise ValueError("The 'shape' and 'slicing' of a partitioned Variable must have the "
                         "length: shape: %s, slicing: %s" % (shape, slicing))
    if len(shape) < 1:
        raise ValueError("A partitioned Variable must have rank at least 1: shape: %s" % shape)
    with variable_scope(name, "PartitionedVariable", reuse=reuse) as scope:
        if scope.custom_getter is not None:
            raise ValueError(
                "Private access to _get_partitioned_variable is not allowed when a custom getter "
                "is set.  Current custom getter: %s.  It is likely that you're using "
                "create_partitioned_variables.  If so, consider instead using get_variable with a "
                "non-empty partitioner parameter instead." % scope.custom_getter)
        req = VarRequest(scope.name, shape, dtype, initializer, scope.regularizer, scope.reuse,
                         trainable, collections, scope.caching_device,
                         lambda **unused: slicing, True, scope.use_resource, scope.constraint)
        with default_graph().name_scope(None):
            return list(store_of(default_graph())._get_partitioned(req))
