"""The loss collections and the weights checks that `tf.losses` builds on.

`assert_broadcastable` / `broadcast_weights` follow TF's weights_broadcast_ops: static
shapes are checked at graph time (no-op `static_*_check_success`), unknown ones by an Assert.
"""

import numpy as np

from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys

_PREFIX = "weights can not be broadcast to values."


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds `loss` to `loss_collection` (nothing when the collection is None or empty)."""
    if loss_collection:
        default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in `loss_collection` whose names match `scope`."""
    return default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The REGULARIZATION_LOSSES collection, filtered by `scope`."""
    return default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (a constant 0.0 when there are none).

    >>> import scopeflow as tf
    >>> tf.losses.get_regularization_loss().name
    'Const:0'
    """
    tf = _tf()
    losses = get_regularization_losses(scope)
    if losses:
        return tf.add_n(losses, name=name)
    return tf.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """`add_n` of the LOSSES (plus the regularization losses); TF fails when there are none."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return _tf().add_n(losses, name=name)


def _static_check(weights, values, w_rank, v_rank):
    """TF's graph-time verdict: a no-op name when settled statically, else None."""
    tf = _tf()
    if w_rank == 0:
        return tf.no_op(name="static_scalar_check_success")
    if w_rank != v_rank:
        raise ValueError("%s values.rank=%s. weights.rank=%s. values.shape=%s. weights.shape=%s. "
                         "Received weights=%s, values=%s" % (_PREFIX, v_rank, w_rank,
                                                             values.shape, weights.shape,
                                                             weights, values))
    ws, vs = weights.shape._dims, values.shape._dims
    if ws is None or vs is None or None in ws or None in vs:
        return None
    for i, (w, v) in enumerate(zip(ws, vs)):
        if w not in (1, v):
            raise ValueError("%s Mismatch at dim %d. values.shape=%s, weights.shape=%s. Received "
                             "weights=%s, values=%s" % (_PREFIX, i, np.array(vs), np.array(ws),
                                                        weights, values))
    return tf.no_op(name="static_dims_check_success")


def assert_broadcastable(weights, values):
    """An op asserting that `weights` broadcast to `values` (scalar, or per-dim 1 or equal)."""
    return _assert_broadcastable(weights, values, static=True)


def assert_broadcastable_at_run(weights, values):
    """`assert_broadcastable` left wholly to the run (TF's check where `values`' static shape
    is unknown to TF, as a set size's is): a mismatch fails the run, not the build."""
    return _assert_broadcastable(weights, values, static=False)


def _assert_broadcastable(weights, values, static):
    tf = _tf()
    with tf.name_scope(None, "assert_broadcastable", (weights, values)) as scope:
        with tf.name_scope(None, "weights", (weights,)) as ws:
            weights = tf.convert_to_tensor(weights, name=ws)
            w_shape, w_rank = tf.shape(weights, name="shape"), tf.rank(weights, name="rank")
        with tf.name_scope(None, "values", (values,)) as vs:
            values = tf.convert_to_tensor(values, name=vs)
            v_shape, v_rank = tf.shape(values, name="shape"), tf.rank(values, name="rank")
        wr, vr = weights.shape.ndims, values.shape.ndims
        if static and wr is not None and vr is not None:
            done = _static_check(weights, values, wr, vr)
            if done is not None:
                return done
        is_scalar = tf.equal(0, w_rank, name="is_scalar")
        valid = tf.equal(v_rank, w_rank, name="is_same_rank")
        if wr is not None and wr == vr:  # per-dim check only where the lengths agree
            bad = tf.logical_and(tf.not_equal(w_shape, 1), tf.not_equal(w_shape, v_shape))
            valid = tf.logical_and(valid, tf.logical_not(tf.reduce_any(bad)))
        valid = tf.logical_or(is_scalar, valid, name="is_valid_shape")
        data = (_PREFIX, "weights.shape=", weights.name, w_shape, "values.shape=",
                values.name, v_shape, "is_scalar=", is_scalar)
        return tf.Assert(valid, data, name=scope)


def broadcast_weights(weights, values):
    """`weights * ones_like(values)` after `assert_broadcastable` (`weights` when shapes agree)."""
    tf = _tf()
    with tf.name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = tf.convert_to_tensor(values, name="values")
        weights = tf.convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        ws, vs = weights.get_shape(), values.get_shape()
        if ws.is_fully_defined() and vs.is_fully_defined() and ws.is_compatible_with(vs):
            return weights
        with tf.control_dependencies((assert_broadcastable(weights, values),)):
            return tf.multiply(weights, tf.ones_like(values), name=scope)
