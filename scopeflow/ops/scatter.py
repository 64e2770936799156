"""tensor_scatter_nd_update / _add / _sub / _max / _min: a copy of a tensor with slices set."""

import numpy as np

from scopeflow.ops.array_base import dims_of, dims_text, scatter_nd_check
from scopeflow.ops.registry import INDEX, op
from scopeflow.ops.value_checks import check_index_tuples


def _scatter_shape(tensor, indices, updates):
    scatter_nd_check(dims_of(tensor), dims_of(indices), dims_of(updates))
    return tensor.shape, tensor.dtype.base_dtype


def _kernel_shape_check(shape, idx, upd):
    """TensorScatterOp's checks of the shapes it is run with (an input of a shape the graph
    did not know): TF's messages (ValueError: InvalidArgumentError at the node)."""
    if len(idx) < 1:
        raise ValueError("Indices shape must have rank at least one. Found:%s" % dims_text(idx))
    if len(upd) < 1:
        raise ValueError("Updates shape must have rank at least one. Found:%s" % dims_text(upd))
    if not ((np.prod(idx) == 0 and np.prod(upd) == 0) or np.prod(shape) != 0):
        raise ValueError("Indices and updates specified for empty output shape")
    outer = len(idx) - 1
    for i in range(outer):
        if i >= len(upd) or idx[i] != upd[i]:
            raise ValueError("Outer dimensions of indices and update must match. Indices shape: "
                             "%s, updates shape:%s" % (dims_text(idx), dims_text(upd)))
    ix = idx[outer]
    if len(upd) - outer != len(shape) - ix:
        raise ValueError("Inner dimensions of output shape must match inner dimensions of "
                         "updates shape. Output: %s updates: %s" % (dims_text(shape),
                                                                   dims_text(upd)))
    for i in range(len(upd) - outer):
        if upd[i + outer] != shape[ix + i]:
            raise ValueError("The inner %d dimensions of output.shape=%s must match the inner %d "
                             "dimensions of updates.shape=%s" % (len(shape) - ix,
                                                                 dims_text(shape),
                                                                 len(upd) - outer,
                                                                 dims_text(upd)))


def _scatter(method):
    def kernel(ctx, tensor, indices, updates):
        import jax.numpy as jnp
        shape = tuple(np.shape(tensor))
        _kernel_shape_check(shape, tuple(np.shape(indices)), tuple(np.shape(updates)))
        k = np.shape(indices)[-1]
        check_index_tuples(ctx, indices, shape, lambda pos, t: "indices%s = %s does not index "
                           "into shape %s" % (pos, t, dims_text(shape)))
        at = jnp.asarray(tensor).at[tuple(indices[..., j] for j in range(k))]
        if method == "sub":  # XLA scatters add; subtracting adds the negation
            return at.add(-jnp.asarray(updates))
        return getattr(at, method)(updates)
    return kernel


_OPS = {name: op(name, infer=_scatter_shape, types={"indices": INDEX}, context=True)(
    _scatter(method))
        for name, method in (("TensorScatterUpdate", "set"), ("TensorScatterAdd", "add"),
                             ("TensorScatterSub", "sub"), ("TensorScatterMax", "max"),
                             ("TensorScatterMin", "min"))}


def _public(op_type):
    def f(tensor, indices, updates, name=None):
        return _OPS[op_type](tensor, indices, updates, name=name or op_type)

    f.__name__ = "tensor_scatter_nd_" + op_type[len("TensorScatter"):].lower()
    f.__doc__ = "`tf.%s`: `tensor` with `updates` applied at `indices` (%s)." % (f.__name__,
                                                                                  op_type)
    return f


tensor_scatter_nd_update = tensor_scatter_update = _public("TensorScatterUpdate")
tensor_scatter_nd_add = tensor_scatter_add = _public("TensorScatterAdd")
tensor_scatter_nd_sub = tensor_scatter_sub = _public("TensorScatterSub")
tensor_scatter_nd_max = _public("TensorScatterMax")
tensor_scatter_nd_min = _public("TensorScatterMin")


# ---- scatter_nd_update / _add / _sub of a (ref) variable (and the Max / Min ops) ----------------------
def _ref_nd_spec(ref, indices, updates, **attrs):
    scatter_nd_check(dims_of(ref), dims_of(indices), dims_of(updates))
    return ref.shape, ref.dtype.base_dtype._as_ref


def _ref_nd_kernel(method):
    def kernel(ctx, ref, indices, updates, *, use_locking=True, Tindices=None,  # noqa: N803
               bad_indices_policy=""):
        import jax.numpy as jnp

        from scopeflow.ops.value_checks import first_bad
        value = ctx.read(ref)
        shape = tuple(np.shape(value))
        k = np.shape(indices)[-1]
        flat = jnp.reshape(jnp.asarray(indices), (-1, k))
        n = flat.shape[0]
        if n:  # TF's CPU loop applies the updates before the first bad index, then fails
            bad = jnp.zeros((n,), bool)
            for j in range(k):
                bad = bad | (flat[:, j] < 0) | (flat[:, j] >= shape[j])
            ok, first = first_bad(bad)
            keep = jnp.arange(n) < jnp.where(ok, n, first)
            before = ctx.checks_ok()  # (none when a check before this op failed)
            if before is not None:
                keep = keep & before
            flat = jnp.where(keep[:, None], flat, jnp.asarray(shape[:k], flat.dtype))
        rows = jnp.reshape(jnp.asarray(updates, value.dtype), (n,) + shape[k:])
        at = jnp.asarray(value).at[tuple(flat[:, j] for j in range(k))]
        out = at.add(-rows, mode="drop") if method == "sub" else getattr(at, method)(
            rows, mode="drop")
        check_index_tuples(ctx, indices, shape, lambda pos, t: "indices%s = %s does not index "
                           "into shape %s" % (pos, t, dims_text(shape)))
        return ctx.write(ref, out, guarded=True)
    return kernel


_REF_OPS = {name: op(name, infer=_ref_nd_spec, refs=("ref",), types={"indices": INDEX},
                     context=True, stateful=True)(_ref_nd_kernel(method))
            for name, method in (("ScatterNdUpdate", "set"), ("ScatterNdAdd", "add"),
                                 ("ScatterNdSub", "sub"), ("ScatterNdMax", "max"),
                                 ("ScatterNdMin", "min"))}


def _shape_message(ref, indices, updates):
    from scopeflow.ops.registry import ShapeError
    try:
        scatter_nd_check(ref, indices, updates)
    except ShapeError as e:
        return str(e)
    return None


def _public_ref(op_type, locking):
    def f(ref, indices, updates, use_locking=locking, name=None):
        from scopeflow.ops.state import _is_ref, _ref_op
        if not _is_ref(ref):
            raise NotImplementedError("tf.%s of a resource variable is not supported yet: "
                                      "scopeflow has it for tf.Variable / get_variable's "
                                      "reference variables" % f.__name__)
        attrs = {"use_locking": bool(use_locking), "Tindices": None, "bad_indices_policy": ""}
        return _ref_op(_REF_OPS[op_type], ref, (indices, updates), attrs, name or op_type,
                       _shape_message)

    f.__name__ = "scatter_nd_" + op_type[len("ScatterNd"):].lower()
    f.__doc__ = "`tf.%s`: the variable `ref` with `updates` applied at `indices` (%s)." % (
        f.__name__, op_type)
    return f


scatter_nd_update = _public_ref("ScatterNdUpdate", True)
scatter_nd_add = _public_ref("ScatterNdAdd", False)
scatter_nd_sub = _public_ref("ScatterNdSub", False)
# (TF's compat.v1 has no scatter_nd_max / _min: only the ops)
