"""`tf_slim.training.training`: create_train_op and a MonitoredTrainingSession loop.

>>> import scopeflow as tf
>>> from scopeflow.slim.training import training
>>> w = tf.Variable(1.0)
>>> op = training.create_train_op(w * w, tf.train.GradientDescentOptimizer(0.1))
>>> op.op.name
'train_op/control_dependency'
"""

import logging

from scopeflow.layers.core import tf_api
from scopeflow.ops.state import with_dependencies

__all__ = ["add_gradients_summaries", "clip_gradient_norms", "clip_gradient_norms_fn",
           "create_train_op", "multiply_gradients", "train"]

_log = logging.getLogger("tensorflow")
_USE_GLOBAL_STEP = 0


def _values(grad):
    """The dense values of a gradient (an IndexedSlices' values)."""
    return grad.values if isinstance(grad, tf_api().IndexedSlices) else grad


def _map_values(grad, fn):
    """`fn` applied to a gradient's values, keeping an IndexedSlices an IndexedSlices."""
    tf = tf_api()
    if isinstance(grad, tf.IndexedSlices):
        return tf.IndexedSlices(fn(grad.values), grad.indices, grad.dense_shape)
    return fn(grad)


def add_gradients_summaries(grads_and_vars, separator="_"):
    """A histogram `<var>_gradient` and a scalar `<var>_gradient_norm` per gradient."""
    tf = tf_api()
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            _log.info("Var %s has no gradient", var.op.name)
            continue
        values = _values(grad)
        prefix = var.op.name + separator
        summaries.append(tf.summary.histogram(prefix + "gradient", values))
        summaries.append(tf.summary.scalar(prefix + "gradient_norm",
                                           tf.global_norm([values])))
    return summaries


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped to norm `max_norm` (`tf.clip_by_norm`); None passes through."""
    clip = tf_api().clip_by_norm
    return [(None if g is None else _map_values(g, lambda t: clip(t, max_norm)), v)
            for g, v in gradients_to_variables]


def clip_gradient_norms_fn(max_norm):
    """A transform_grads_fn clipping each gradient to norm `max_norm`."""
    return lambda grads_and_vars: clip_gradient_norms(grads_and_vars, max_norm)


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """Gradients scaled by `gradient_multipliers` (keyed by variable or variable op name)."""
    tf = tf_api()
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    out = []
    for grad, var in grads_and_vars:
        key = var if var in gradient_multipliers else var.op.name
        if key in gradient_multipliers:
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            multiplier = gradient_multipliers[key]
            if not isinstance(multiplier, tf.Tensor):
                multiplier = tf.constant(multiplier, dtype=grad.dtype)
            grad = _map_values(grad, lambda t, m=multiplier: t * m)
        out.append((grad, var))
    return out


def _with_update_barrier(total_loss, update_ops):
    """`total_loss` run after `update_ops` (through a NoOp `update_barrier`)."""
    tf = tf_api()
    graph_updates = set(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
    update_ops = graph_updates if update_ops is None else set(update_ops)
    if not graph_updates.issubset(update_ops):
        _log.warning("update_ops in create_train_op does not contain all the update_ops in "
                     "GraphKeys.UPDATE_OPS")
    if not update_ops:
        return total_loss
    with tf.control_dependencies(update_ops):
        barrier = tf.no_op(name="update_barrier")
    return with_dependencies([barrier], total_loss)


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, transform_grads_fn=None,
                    summarize_gradients=False, gate_gradients=1, aggregation_method=None,
                    colocate_gradients_with_ops=False, check_numerics=True):
    """A tensor that applies the gradients of `total_loss` and evaluates to the loss.

    `update_ops` (default: the UPDATE_OPS collection) run before the loss; the op joins the
    TRAIN_OP collection.
    """
    tf = tf_api()
    if global_step is _USE_GLOBAL_STEP:
        global_step = tf.train.get_or_create_global_step()
    total_loss = _with_update_barrier(total_loss, update_ops)
    trainable = tf.trainable_variables()
    if variables_to_train is None:
        variables_to_train = trainable
    else:
        for v in variables_to_train:
            assert v.trainable or v in trainable
    assert variables_to_train
    grads = optimizer.compute_gradients(
        total_loss, variables_to_train, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with tf.name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with tf.name_scope("train_op"):
        if check_numerics:
            total_loss = tf.check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = with_dependencies([grad_updates], total_loss)
    train_ops = tf.get_collection_ref(tf.GraphKeys.TRAIN_OP)
    if train_op not in train_ops:
        train_ops.append(train_op)
    return train_op


def train(train_op, logdir, master="", is_chief=True, scaffold=None, hooks=None,
          chief_only_hooks=None, save_checkpoint_secs=600, save_summaries_steps=100,
          config=None, max_wait_secs=7200, run_metadata=None):
    """Runs `train_op` in a MonitoredTrainingSession until a hook stops it; the last loss."""
    tf = tf_api()
    if logdir is None and is_chief:
        if save_summaries_steps:
            raise ValueError("logdir cannot be None when save_summaries_steps is not None")
        if save_checkpoint_secs:
            raise ValueError("logdir cannot be None when save_checkpoint_secs is not None")
    loss = None
    with tf.train.MonitoredTrainingSession(
            master=master, is_chief=is_chief, checkpoint_dir=logdir, scaffold=scaffold,
            hooks=hooks, chief_only_hooks=chief_only_hooks,
            save_checkpoint_secs=save_checkpoint_secs,
            save_summaries_steps=save_summaries_steps, config=config,
            max_wait_secs=max_wait_secs) as session:
        while not session.should_stop():
            loss = session.run(train_op, run_metadata=run_metadata)
    return loss
