"""`slim.batch_norm`: tf-slim's three batch normalizations, picked as tf-slim picks them.

- fused (`_fused`): FusedBatchNormV3 on a 4-D view (a 2-D input is reshaped to
  (batch, 1, 1, C)), float32 parameters, moving averages by `assign_moving_average` (the
  variance is the kernel's Bessel-corrected one). Taken when `fused` (the default) and the input
  is 2-D, or zero_debias_moving_mean, or updates go to other collections than UPDATE_OPS.
- the core layer (`tf.layers.BatchNormalization`): 4-D and other inputs with default updates.
- moments (`_with_moments`): `tf.nn.moments` and `tf.nn.batch_normalization`, for batch_weights,
  custom updates collections or zero debiasing when not fused.
"""

import types

from scopeflow import layers as core_layers
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import get_variable_scope, variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim import utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.layers.base import _add_variable_to_collections, _build_variable_getter
from scopeflow.slim.variables import model_variable
from scopeflow.train.moving_averages import assign_moving_average

_FORMATS = ("NCHW", "NHWC")


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
    """Batch normalization in scope `BatchNorm` (beta, moving_mean, moving_variance).

    >>> import scopeflow as tf
    >>> tf.contrib.slim.batch_norm(tf.zeros([2, 3])).name
    'BatchNorm/Reshape_1:0'
    """
    a = types.SimpleNamespace(**locals())
    a.inputs = inputs = tf_api().convert_to_tensor(inputs)
    a.param_initializers, a.param_regularizers = param_initializers or {}, param_regularizers or {}
    rank = inputs.shape.ndims
    fusable = batch_weights is None and not renorm and rank in (2, 4) and adjustment is None
    if (fused is None or fused) and fusable and (
            zero_debias_moving_mean or rank == 2
            or updates_collections is not GraphKeys.UPDATE_OPS):
        return _fused(a)
    if data_format not in _FORMATS:
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                        custom_getter=_build_variable_getter()) as sc:
        a.inputs = tf_api().convert_to_tensor(inputs)
        if (batch_weights is None and updates_collections is GraphKeys.UPDATE_OPS
                and not zero_debias_moving_mean):
            outputs = _core_layer(a, sc)
        else:
            outputs = _with_moments(a)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


def _core_layer(a, sc):
    tf = tf_api()
    inits, regs = a.param_initializers, a.param_regularizers
    layer = core_layers.BatchNormalization(
        axis=1 if a.data_format == "NCHW" else -1, momentum=a.decay, epsilon=a.epsilon,
        center=a.center, scale=a.scale,
        beta_initializer=inits.get("beta", tf.zeros_initializer()),
        gamma_initializer=inits.get("gamma", tf.ones_initializer()),
        moving_mean_initializer=inits.get("moving_mean", tf.zeros_initializer()),
        moving_variance_initializer=inits.get("moving_variance", tf.ones_initializer()),
        beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"),
        trainable=a.trainable, renorm=a.renorm, renorm_clipping=a.renorm_clipping,
        renorm_momentum=a.renorm_decay, adjustment=a.adjustment, name=sc.name, _scope=sc,
        _reuse=a.reuse, fused=a.fused)
    outputs = layer.apply(a.inputs, training=a.is_training)
    for var, key in ((layer.moving_mean, "moving_mean"),
                     (layer.moving_variance, "moving_variance"),
                     (layer.beta, "beta"), (layer.gamma, "gamma")):
        if var is not None:
            _add_variable_to_collections(var, a.variables_collections, key)
    return outputs


def _parameters(a, shape, dtype, fused):
    """beta, gamma, moving_mean, moving_variance; an unused beta/gamma is a constant (fused)
    or None. Moving statistics are never partitioned."""
    tf = tf_api()
    inits, out = a.param_initializers, []
    for name, used, default in (("beta", a.center, tf.zeros_initializer()),
                                ("gamma", a.scale, tf.ones_initializer())):
        if used:
            out.append(model_variable(
                name, shape=shape, dtype=dtype, initializer=inits.get(name, default),
                regularizer=a.param_regularizers.get(name) if fused else None,
                collections=utils.get_variable_collections(a.variables_collections, name),
                trainable=a.trainable))
        else:
            out.append(tf.constant(0.0 if name == "beta" else 1.0, dtype=dtype, shape=shape)
                       if fused else None)
    with variable_scope(get_variable_scope()) as local_scope:
        local_scope.set_partitioner(None)
        for name, default in (("moving_mean", tf.zeros_initializer()),
                              ("moving_variance", tf.ones_initializer())):
            out.append(model_variable(
                name, shape=shape, dtype=dtype, initializer=inits.get(name, default),
                trainable=False,
                collections=utils.get_variable_collections(a.variables_collections, name)))
    return out


def _updates(a, moving, stats):
    """The two assign_moving_average ops (the mean zero-debiased if asked)."""
    return (assign_moving_average(moving[0], stats[0], a.decay,
                                  zero_debias=a.zero_debias_moving_mean),
            assign_moving_average(moving[1], stats[1], a.decay, zero_debias=False))


def _fused(a):
    tf = tf_api()
    if a.data_format not in _FORMATS:
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with variable_scope(a.scope, "BatchNorm", [a.inputs], reuse=a.reuse) as sc:
        original = inputs = tf.convert_to_tensor(a.inputs)
        rank = original.shape.ndims
        if rank is None:
            raise ValueError("Inputs %s has undefined rank" % inputs.name)
        if rank not in (2, 4):
            raise ValueError("Inputs %s has unsupported rank. Expected 2 or 4 but got %d"
                             % (inputs.name, rank))
        if rank == 2:
            channels = inputs.shape.dims[-1].value
            if channels is None:
                raise ValueError("`C` dimension must be known but is None")
            inputs = tf.reshape(inputs, [-1, channels, 1, 1] if a.data_format == "NCHW"
                                else [-1, 1, 1, channels])
        params_shape = inputs.shape[-1:] if a.data_format == "NHWC" else inputs.shape[1:2]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined `C` dimension %s."
                             % (inputs.name, params_shape))
        beta, gamma, mean_var, var_var = _parameters(a, params_shape, tf.float32, fused=True)
        outputs, mean, variance = utils.smart_cond(
            a.is_training,
            lambda: tf.nn.fused_batch_norm(inputs, gamma, beta, epsilon=a.epsilon,
                                           data_format=a.data_format),
            lambda: tf.nn.fused_batch_norm(inputs, gamma, beta, mean=mean_var,
                                           variance=var_var, epsilon=a.epsilon,
                                           is_training=False, data_format=a.data_format))
        training = utils.constant_value(a.is_training)
        if training is None or training:
            outputs = _fused_updates(a, outputs, (mean_var, var_var), (mean, variance))
        outputs.set_shape(inputs.shape)
        if rank == 2:
            outputs = tf.reshape(outputs, _static_target(original) or tf.shape(original))
        if a.activation_fn is not None:
            outputs = a.activation_fn(outputs)
        return utils.collect_named_outputs(a.outputs_collections, sc.name, outputs)


def _fused_updates(a, outputs, moving, stats):
    """Forces the updates before `outputs` (updates_collections None) or collects them."""
    tf = tf_api()
    if a.updates_collections is None:
        def force():
            with tf.control_dependencies(_updates(a, moving, stats)):
                return tf.identity(outputs)
        return utils.smart_cond(a.is_training, force, lambda: outputs)
    new_mean, new_variance = utils.smart_cond(a.is_training, lambda: _updates(a, moving, stats),
                                              lambda: moving)
    tf.add_to_collections(a.updates_collections, new_mean)
    tf.add_to_collections(a.updates_collections, new_variance)
    return outputs


def _static_target(t):
    """t's static shape as a reshape target (-1 for one unknown), or None."""
    if not t.shape.dims:
        return None
    dims = [-1 if d is None else d for d in t.shape.as_list()]
    return dims if dims.count(-1) <= 1 else None


def _with_moments(a):
    tf = tf_api()
    if a.renorm:
        raise ValueError("renorm is not supported with batch_weights, updates_collections or "
                         "zero_debias_moving_mean")
    inputs, shape = a.inputs, a.inputs.shape
    rank = shape.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    weights = a.batch_weights
    if weights is not None:
        weights = tf.convert_to_tensor(weights)
        shape[0:1].assert_is_compatible_with(weights.shape)
        weights = tf.reshape(weights, [-1] + [1] * (rank - 1))
    nchw = a.data_format == "NCHW"
    axes = [0] + list(range(2, rank)) if nchw else list(range(rank - 1))
    params_shape = shape[1:2] if nchw else shape[-1:]
    if not params_shape.is_fully_defined():
        raise ValueError("Inputs %s has undefined channels dimension %s."
                         % (inputs.name, params_shape))
    beta, gamma, mean_var, var_var = _parameters(a, params_shape, inputs.dtype.base_dtype,
                                                 fused=False)
    training = utils.constant_value(a.is_training)
    if training is None or training:
        mean, variance = (tf.nn.moments(inputs, axes, keep_dims=nchw) if weights is None else
                          tf.nn.weighted_moments(inputs, axes, weights, keepdims=nchw))
        if nchw:
            mean, variance = tf.reshape(mean, [-1]), tf.reshape(variance, [-1])
        mean, variance = _moment_updates(a, (mean_var, var_var), (mean, variance))
    else:
        mean, variance = mean_var, var_var
    if nchw:
        broadcast = [1, shape.dims[1].value] + [1] * (rank - 2)
        mean, variance = tf.reshape(mean, broadcast), tf.reshape(variance, broadcast)
        beta = None if beta is None else tf.reshape(beta, broadcast)
        gamma = None if gamma is None else tf.reshape(gamma, broadcast)
    outputs = tf.nn.batch_normalization(inputs, mean, variance, beta, gamma, a.epsilon)
    outputs.set_shape(shape)
    return outputs


def _moment_updates(a, moving, stats):
    """The (mean, variance) to normalize with, after forcing or collecting the updates."""
    tf = tf_api()
    if a.updates_collections is None:
        def force():
            with tf.control_dependencies(_updates(a, moving, stats)):
                return tf.identity(stats[0]), tf.identity(stats[1])
        return utils.smart_cond(a.is_training, force, lambda: moving)
    new_mean, new_variance = utils.smart_cond(a.is_training, lambda: _updates(a, moving, stats),
                                              lambda: moving)
    tf.add_to_collections(a.updates_collections, new_mean)
    tf.add_to_collections(a.updates_collections, new_variance)
    return utils.smart_cond(a.is_training, lambda: stats, lambda: moving)
