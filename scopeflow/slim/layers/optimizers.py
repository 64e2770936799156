"""`tf_slim.layers.optimizers`: optimize_loss, one call from a loss to a train op.

>>> import scopeflow as tf
>>> w = tf.Variable(1.0)
>>> op = optimize_loss(w * w, tf.train.get_or_create_global_step(), 0.1, "SGD")
>>> op.op.name
'OptimizeLoss/control_dependency_1'
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.ops.state import with_dependencies
from scopeflow.train.moving_averages import assign_moving_average

__all__ = ["adaptive_clipping_fn", "optimize_loss"]


def _optimizers():
    """Optimizer classes by the names optimize_loss accepts."""
    train = tf_api().train
    return {"Adagrad": train.AdagradOptimizer, "Adam": train.AdamOptimizer,
            "Ftrl": train.FtrlOptimizer,
            "Momentum": lambda learning_rate: train.MomentumOptimizer(learning_rate,
                                                                      momentum=0.9),
            "RMSProp": train.RMSPropOptimizer, "SGD": train.GradientDescentOptimizer}


OPTIMIZER_CLS_NAMES = ("Adagrad", "Adam", "Ftrl", "Momentum", "RMSProp", "SGD")
OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]


def _learning_rate(learning_rate):
    """A 0-d tensor stays; a float becomes the variable `learning_rate`."""
    tf = tf_api()
    if learning_rate is None:
        return None
    if isinstance(learning_rate, tf.Tensor) and learning_rate.get_shape().ndims == 0:
        return learning_rate
    if isinstance(learning_rate, float):
        if learning_rate < 0.0:
            raise ValueError("Invalid learning_rate %s." % learning_rate)
        return tf.get_variable("learning_rate", [], trainable=False,
                               initializer=tf.constant_initializer(learning_rate))
    raise ValueError("Learning rate should be 0d Tensor or float. Got %s of type %s"
                     % (learning_rate, type(learning_rate)))


def _make_optimizer(optimizer, lr, learning_rate):
    """An Optimizer from a name, an Optimizer class or instance, or a factory."""
    base = tf_api().train.Optimizer
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer is "
                             "string (%s)." % optimizer)
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError("Optimizer name should be one of [%s], you provided %s."
                             % (", ".join(OPTIMIZER_CLS_NAMES), optimizer))
        return _optimizers()[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, base):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer is "
                             "class (%s)." % optimizer)
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, base):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, base):
            raise ValueError("Unrecognized optimizer: function should return subclass of "
                             "Optimizer. Got %s." % opt)
        return opt
    raise ValueError("Unrecognized optimizer: should be string, subclass of Optimizer, "
                     "instance of subclass of Optimizer or function with one argument. "
                     "Got %s." % optimizer)


def _check_summaries(summaries):
    if summaries is None:
        return ["loss", "learning_rate", "global_gradient_norm"]
    for s in summaries:
        if s not in OPTIMIZER_SUMMARIES:
            raise ValueError("Summaries should be one of [%s], you provided %s."
                             % (", ".join(OPTIMIZER_SUMMARIES), s))
    return summaries


def _map_grads(grads_and_vars, fn):
    """(fn(grad values), var) pairs; None gradients and IndexedSlices kept as they are."""
    tf = tf_api()
    out = []
    for grad, var in grads_and_vars:
        if isinstance(grad, tf.IndexedSlices):
            grad = tf.IndexedSlices(fn(grad.values, var), grad.indices, grad.dense_shape)
        elif grad is not None:
            grad = fn(grad, var)
        out.append((grad, var))
    return out


def _add_noise(grads_and_vars, scale):
    tf = tf_api()
    out = []
    for grad, var in grads_and_vars:
        if grad is not None:
            shape = (grad.dense_shape if isinstance(grad, tf.IndexedSlices)
                     else grad.get_shape())
            grad = grad + tf.truncated_normal(shape) * scale
        out.append((grad, var))
    return out


def _multiply(grads_and_vars, multipliers):
    """Gradients scaled by `multipliers`, keyed by variable or variable name."""
    tf = tf_api()
    out = []
    for grad, var in grads_and_vars:
        key = var if var in multipliers else var.name
        if grad is not None and key in multipliers:
            m = multipliers[key]
            if isinstance(grad, tf.IndexedSlices):
                grad = tf.IndexedSlices(grad.values * m, grad.indices, grad.dense_shape)
            else:
                grad *= tf.cast(m, grad.dtype)
        out.append((grad, var))
    return out


def _clip(gradients, clip_gradients):
    tf = tf_api()
    if isinstance(clip_gradients, float):
        grads, variables = zip(*gradients)
        clipped, _ = tf.clip_by_global_norm(grads, clip_gradients)
        return list(zip(clipped, variables))
    if callable(clip_gradients):
        return clip_gradients(gradients)
    if clip_gradients is not None:
        raise ValueError("Unknown type %s for clip_gradients" % type(clip_gradients))
    return gradients


def _gradient_summaries(gradients, summaries):
    tf = tf_api()
    for grad, var in gradients:
        values = grad.values if isinstance(grad, tf.IndexedSlices) else grad
        if values is None:
            continue
        var_name = var.name.replace(":", "_")
        if "gradients" in summaries:
            tf.summary.histogram("gradients/%s" % var_name, values)
        if "gradient_norm" in summaries:
            tf.summary.scalar("gradient_norm/%s" % var_name, tf.global_norm([values]))


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """The loss tensor after one optimizer step, built in scope `OptimizeLoss`."""
    tf = tf_api()
    loss = tf.convert_to_tensor(loss)
    tf.assert_scalar(loss)
    if global_step is None:
        global_step = tf.train.get_global_step()
    else:
        tf.train.assert_global_step(global_step)
    with variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = set(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        if update_ops:
            loss = with_dependencies(list(update_ops), loss)
        lr = _learning_rate(learning_rate)
        summaries = _check_summaries(summaries)
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                tf.summary.scalar("learning_rate", lr)
        opt = _make_optimizer(optimizer, lr, learning_rate)
        gradients = opt.compute_gradients(
            loss, tf.trainable_variables() if variables is None else variables,
            colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            gradients = _add_noise(gradients, gradient_noise_scale)
        if gradient_multipliers is not None:
            gradients = _multiply(gradients, gradient_multipliers)
            if not gradients:
                raise ValueError("Empty list of (gradient, var) pairs encountered. This is "
                                 "most likely to be caused by an improper value of "
                                 "gradient_multipliers.")
        norms = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norms:
            tf.summary.scalar("global_norm/gradient_norm",
                              tf.global_norm(next(zip(*gradients))))
        gradients = _clip(gradients, clip_gradients)
        if "loss" in summaries:
            tf.summary.scalar("loss", loss)
        _gradient_summaries(gradients, summaries)
        if clip_gradients is not None and norms:
            tf.summary.scalar("global_norm/clipped_gradient_norm",
                              tf.global_norm(next(zip(*gradients))))
        updates = opt.apply_gradients(
            gradients, global_step=global_step if increment_global_step else None,
            name="train")
        return with_dependencies([updates], loss)


def _adaptive_max_norm(norm, std_factor, decay, global_step, epsilon, name):
    """exp(mean + std_factor * std) of moving averages of log(norm), and the mean."""
    tf = tf_api()
    with variable_scope(name, "AdaptiveMaxNorm", [norm]):
        log_norm = tf.log(norm + epsilon)

        def moving_average(var_name, value, decay):
            var = tf.get_variable(var_name, shape=value.get_shape(), dtype=value.dtype,
                                  initializer=tf.zeros_initializer(), trainable=False)
            return assign_moving_average(var, value, decay, zero_debias=False)

        if global_step is not None:
            n = tf.cast(global_step, tf.float32)
            decay = tf.minimum(decay, n / (n + 1.0))
        mean = moving_average("mean", log_norm, decay)
        sq_mean = moving_average("sq_mean", tf.square(log_norm), decay)
        variance = sq_mean - tf.square(mean)
        std = tf.sqrt(tf.maximum(epsilon, variance))
        return tf.exp(mean + std_factor * std), mean


def adaptive_clipping_fn(std_factor=2.0, decay=0.95, static_max_norm=None, global_step=None,
                         report_summary=False, epsilon=1e-8, name=None):
    """A clip_gradients function rescaling gradients whose global norm is an outlier of its
    moving log-normal statistics."""

    def gradient_clipping(grads_and_vars):
        tf = tf_api()
        grads, variables = zip(*grads_and_vars)
        norm = tf.global_norm(grads)
        max_norm, log_mean = _adaptive_max_norm(norm, std_factor, decay, global_step,
                                                epsilon, name)
        if report_summary:
            tf.summary.scalar("global_norm/adaptive_max_gradient_norm", max_norm)
        factor = tf.where(norm < max_norm, tf.ones_like(norm), tf.exp(log_mean) / norm)
        if static_max_norm is not None:
            factor = tf.minimum(static_max_norm / norm, factor)
        return _map_grads(list(zip(grads, variables)), lambda g, _: g * factor)

    return gradient_clipping
