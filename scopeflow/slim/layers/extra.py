"""More slim layers: softmax, bias_add, 3-D pooling, the activation shorthands of
fully_connected, and the global-step helpers."""

import functools

from scopeflow import layers as core_layers
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.layers.base import _pool, collect_named_outputs, fully_connected
from scopeflow.slim.variables import model_variable


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last dimension of any-rank `logits`, in scope `softmax`."""
    tf = tf_api()
    with variable_scope(scope, "softmax", [logits]):
        shape = logits.shape.with_rank_at_least(2)
        num = shape.as_list()[-1]
        if num is None:
            raise ValueError("Last dimension shape must be known %s" % shape)
        predictions = tf.nn.softmax(tf.reshape(logits, [-1, num]))
        predictions = tf.reshape(predictions, tf.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=None, regularizer=None, reuse=None,
             variables_collections=None, outputs_collections=None, trainable=True,
             data_format="NHWC", scope=None):
    """Adds a `biases` model variable, in scope `BiasAdd`."""
    tf = tf_api()
    with variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank != 2 and data_format == "NCHW":
            raise ValueError("Data format NCHW only supports 2D Tensor")
        num = inputs.shape.as_list()[1 if data_format == "NCHW" else -1]
        if num is None:
            raise ValueError("`C` dimension must be known but is None")
        collections = _collections(variables_collections, "biases")
        biases = model_variable("biases", shape=[num], dtype=inputs.dtype.base_dtype,
                                initializer=initializer or tf.zeros_initializer(),
                                regularizer=regularizer, collections=collections,
                                trainable=trainable)
        outputs = tf.nn.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _collections(variables_collections, name):
    if isinstance(variables_collections, dict):
        return variables_collections.get(name)
    return variables_collections


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Layer normalization over axes `begin_norm_axis:`, in scope `LayerNorm`."""
    tf = tf_api()
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank, dtype = inputs.shape.ndims, inputs.dtype.base_dtype
        if rank is None:
            raise ValueError("Inputs %s has undefined rank." % inputs.name)
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError("begin_params_axis (%d) and begin_norm_axis (%d) must be < "
                             "rank(inputs) (%d)" % (begin_params_axis, begin_norm_axis, rank))
        params_shape = inputs.shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s: shape(inputs)[%s:] is not fully defined: %s"
                             % (inputs.name, begin_params_axis, inputs.shape))
        beta = gamma = None
        if center:
            beta = model_variable("beta", shape=params_shape, dtype=dtype,
                                  initializer=tf.zeros_initializer(),
                                  collections=_collections(variables_collections, "beta"),
                                  trainable=trainable)
        if scale:
            gamma = model_variable("gamma", shape=params_shape, dtype=dtype,
                                   initializer=tf.ones_initializer(),
                                   collections=_collections(variables_collections, "gamma"),
                                   trainable=trainable)
        mean, variance = tf.nn.moments(inputs, list(range(begin_norm_axis, rank)),
                                       keep_dims=True)
        eps = 1e-3 if dtype == tf.float16 else 1e-12
        outputs = tf.nn.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                            variance_epsilon=eps)
        outputs.set_shape(inputs.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _pool3d(cls, default_name, inputs, kernel_size, stride, padding, data_format,
            outputs_collections, scope):
    return _pool(cls, default_name, inputs, kernel_size, stride, padding, data_format,
                 outputs_collections, scope, formats=("NCDHW", "NDHWC"))


@add_arg_scope
def max_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D max pooling in name scope `MaxPool3D`."""
    return _pool3d(core_layers.MaxPooling3D, "MaxPool3D", inputs, kernel_size, stride, padding,
                   data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D average pooling in name scope `AvgPool3D`."""
    return _pool3d(core_layers.AveragePooling3D, "AvgPool3D", inputs, kernel_size, stride,
                   padding, data_format, outputs_collections, scope)


def _act(name):
    return lambda x: getattr(tf_api().nn, name)(x)


relu = functools.partial(fully_connected, activation_fn=_act("relu"))
relu6 = functools.partial(fully_connected, activation_fn=_act("relu6"))
elu = functools.partial(fully_connected, activation_fn=_act("elu"))
linear = functools.partial(fully_connected, activation_fn=None)


def get_or_create_global_step(graph=None):
    return tf_api().train.get_or_create_global_step(graph)


def create_global_step(graph=None):
    return tf_api().train.create_global_step(graph)


def get_global_step(graph=None):
    return tf_api().train.get_global_step(graph)


def assert_global_step(global_step_tensor):
    return tf_api().train.assert_global_step(global_step_tensor)


def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """`global_step_tensor` checked to be a global step, or the graph's global step."""
    if global_step_tensor is None:
        return get_global_step(graph)
    assert_global_step(global_step_tensor)
    return global_step_tensor
