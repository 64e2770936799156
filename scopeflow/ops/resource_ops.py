"""Resource variable ops: VarHandleOp, ReadVariableOp, AssignVariableOp, ResourceGather, ...

A `VarHandleOp`'s output (dtype `resource`) names a variable. Inside a compiled program that
handle is never a run-time value: its kernel returns the variable's `VarRef` (as VariableV2's
does), which flows through the trace (Identity, Switch) to the ops that read or write it.

>>> import scopeflow as tf
>>> v = tf.Variable([1.0], use_resource=True, name="w")
>>> v.handle.op.type, v.value().op.type
('VarHandleOp', 'ReadVariableOp')
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, as_shape, unknown_shape
from scopeflow.errors import InvalidArgumentError
from scopeflow.ops.array_base import dims_text
from scopeflow.ops.gather import _gather_nd_kernel, _take
from scopeflow.ops.padded_rows import split_padding, zero_rows
from scopeflow.ops.registry import ANY, INDEX, ShapeError, op, spec
from scopeflow.ops.state import _SCATTER_KERNELS, _scatter_checked
from scopeflow.ops.value_checks import check_indices

_SCALAR = TensorShape._of(())


def _handle_spec(*, dtype, shape, container="", shared_name="", debug_name="",
                 allowed_devices=()):
    return _SCALAR, _dt.resource


@op("VarHandleOp", infer=_handle_spec, context=True, stateful=True)
def var_handle_op(ctx, *, dtype, shape, container="", shared_name="", debug_name="",
                  allowed_devices=()):
    """The handle of one variable: its `VarRef` inside a run (never a run-time value)."""
    return ctx.var_ref()


def declared_shape(handle):
    """The shape the variable behind `handle` was declared with (unknown if not found)."""
    var = variable_behind(handle)
    shape = None if var is None else var._attrs.get("shape")
    return shape if shape is not None else unknown_shape()


def variable_behind(handle):
    """The variable op of `handle`, followed out of function graphs (a captured handle is a
    placeholder there standing for the caller's), or None."""
    from scopeflow.lowering.slice import is_handle, variable_of
    for _ in range(100):
        var = variable_of(handle)
        if var is not None:
            return var
        while True:  # the handle's root: through Enter / Identity / Switch ops
            nxt = next((t for t in handle._op._inputs if is_handle(t)), None)
            if nxt is None:
                break
            handle = nxt
        sources = getattr(handle._op._graph, "source_of", None)
        if not sources or handle not in sources:
            return None
        handle = sources[handle]
    return None


def _read_spec(resource, *, dtype):
    return declared_shape(resource), dtype


@op("ReadVariableOp", infer=_read_spec, types={"resource": ANY}, context=True, stateful=True)
def read_variable_op(ctx, resource, *, dtype):
    """The variable's value at this point of the run."""
    return ctx.read(resource)


@op("VarIsInitializedOp", infer=lambda resource: (_SCALAR, _dt.bool), types={"resource": ANY},
    context=True, stateful=True)
def var_is_initialized_op(ctx, resource):
    return np.asarray(ctx.is_initialized(resource))


def _no_output(resource, *rest, **attrs):
    return []


@op("DisableCopyOnRead", infer=_no_output, types={"resource": ANY}, context=True,
    stateful=True)
def disable_copy_on_read(ctx, resource):
    """TF 2's save functions call it before reading a variable; nothing to do here (a read
    never copies here)."""


def _assign_spec(resource, value, *, dtype=None, validate_shape=False):
    return []


@op("AssignVariableOp", infer=_assign_spec, types={"resource": ANY, "value": ANY},
    context=True, stateful=True)
def assign_variable_op(ctx, resource, value, *, dtype=None, validate_shape=False):
    old = ctx.shape_of(resource)
    if validate_shape and old is not None and old != tuple(np.shape(value)):
        ctx.check(False, InvalidArgumentError, "Trying to assign to variable with tensor with "
                  "wrong shape. Expected %s got %s" % (dims_text(old), dims_text(np.shape(value))))
    ctx.write(resource, value)


def _update_kernel(sign):
    def kernel(ctx, resource, value, *, dtype=None):
        old = ctx.read(resource)
        if tuple(np.shape(old)) != tuple(np.shape(value)):
            ctx.check(False, InvalidArgumentError, "Cannot update variable with shape %s using "
                      "a Tensor with shape %s, shapes must be equal." % (
                          dims_text(np.shape(old)), dims_text(np.shape(value))))
            return
        ctx.write(resource, ctx.guarded(lambda: [old + sign * value], [old])[0], guarded=True)

    return kernel


assign_add_variable_op = op("AssignAddVariableOp", infer=_no_output, types={
    "resource": ANY, "value": ANY}, context=True, stateful=True)(_update_kernel(1))
assign_sub_variable_op = op("AssignSubVariableOp", infer=_no_output, types={
    "resource": ANY, "value": ANY}, context=True, stateful=True)(_update_kernel(-1))


def _gather_spec(resource, indices, *, dtype, batch_dims=0, validate_indices=True):
    p = declared_shape(resource)._dims
    i = indices.shape._dims
    if p is None or i is None:
        return spec(None, dtype)
    if not p:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return spec(tuple(i) + tuple(p[1:]), dtype)


@op("ResourceGather", infer=_gather_spec, types={"resource": ANY, "indices": INDEX},
    context=True, stateful=True)
def resource_gather(ctx, resource, indices, *, dtype, batch_dims=0, validate_indices=True):
    params = ctx.read(resource)
    pad = None
    if batch_dims == 0:  # padded rows (-1) of a lookup's gradient read zeros
        indices, pad = split_padding(ctx, 1, indices)
    check_indices(ctx, indices, np.shape(params)[batch_dims])
    return zero_rows(_take(params, indices, batch_dims, batch_dims), pad)


def _gather_nd_spec(resource, indices, *, dtype):
    p, i = declared_shape(resource)._dims, indices.shape._dims
    if p is None or i is None or i[-1] is None:
        return spec(None, dtype)
    return spec(tuple(i[:-1]) + tuple(p[i[-1]:]), dtype)


@op("ResourceGatherNd", infer=_gather_nd_spec, types={"resource": ANY, "indices": INDEX},
    context=True, stateful=True)
def resource_gather_nd(ctx, resource, indices, *, dtype):
    return _gather_nd_kernel(ctx, ctx.read(resource), indices)


def _resource_scatter(op_type):
    update = _SCATTER_KERNELS[op_type[8:]]

    def kernel(ctx, resource, indices, updates, *, dtype=None, Tindices=None):
        value = ctx.read(resource)
        updates = jnp.asarray(updates, value.dtype) if hasattr(value, "dtype") else updates
        ctx.write(resource, _scatter_checked(ctx, value, indices, updates, update,
                                             resource=True), guarded=True)

    kernel.__name__ = op_type
    return op(op_type, infer=_no_output, types={"resource": ANY, "indices": INDEX,
                                                "updates": ANY},
              context=True, stateful=True)(kernel)


RESOURCE_SCATTER = {"Resource" + t: _resource_scatter("Resource" + t) for t in _SCATTER_KERNELS}


def variable_handle(shape, dtype, shared_name, name, graph):
    """A `VarHandleOp` named `name` for a variable of `shape` and `dtype` (TF's attrs)."""
    from scopeflow.ops.registry import finish
    attrs = {"shape": as_shape(shape), "dtype": dtype.base_dtype, "container": "",
             "shared_name": shared_name, "debug_name": shared_name + "/",
             "allowed_devices": []}
    return finish(graph, var_handle_op.op_def, name, [], attrs)


@op("ResourceCountUpTo", infer=lambda resource, *, limit, T: (_SCALAR, T),
    types={"resource": ANY}, context=True, stateful=True)
def resource_count_up_to(ctx, resource, *, limit, T):
    from scopeflow.errors import OutOfRangeError
    value = ctx.read(resource)
    below = value < limit
    ctx.check(below, OutOfRangeError, "Reached limit of %d" % limit)
    ctx.write(resource, jnp.where(below, value + 1, value))
    return value


def _variable_shape_spec(input, *, out_type=_dt.int32):
    dims = declared_shape(input)._dims
    return spec(None if dims is None else (len(dims),), out_type)


@op("VariableShape", infer=_variable_shape_spec, types={"input": ANY}, context=True)
def variable_shape(ctx, input, *, out_type=_dt.int32):
    """The shape of the variable behind a handle (known when the run is traced)."""
    shape = ctx.shape_of(input)
    if shape is None:
        shape = tuple(declared_shape_of_ref(input))
    return np.asarray(shape, dtype=out_type.as_numpy_dtype)


def declared_shape_of_ref(ref):
    return ref.op._attrs["shape"].as_list()
