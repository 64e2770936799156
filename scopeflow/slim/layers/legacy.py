"""More tf_slim.layers.layers: `legacy_fully_connected` (and its relu / linear forms),
`dense_to_sparse` and `scale_gradient`.

>>> import scopeflow as tf
>>> legacy_fully_connected(tf.ones([2, 3]), 4).name
'fully_connected/BiasAdd:0'
"""

import functools

from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim import utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.initializers import xavier_initializer
from scopeflow.slim.layers.base import _zeros

__all__ = ["dense_to_sparse", "legacy_fully_connected", "legacy_linear", "legacy_relu",
           "scale_gradient"]


def _with_globals(collections):
    return set(list(collections or []) + [GraphKeys.GLOBAL_VARIABLES])


def _legacy_bias(num_outputs, dtype, bias_init, how):
    return tf_api().get_variable(
        "bias", shape=[num_outputs], dtype=dtype, initializer=bias_init,
        collections=_with_globals(how["bias_collections"]), regularizer=how["bias_regularizer"],
        trainable=how["trainable"])


def legacy_fully_connected(x, num_output_units, activation_fn=None,
                           weight_init=xavier_initializer(), bias_init=_zeros, name=None,
                           weight_collections=(GraphKeys.WEIGHTS,),
                           bias_collections=(GraphKeys.BIASES,),
                           output_collections=(GraphKeys.ACTIVATIONS,), trainable=True,
                           weight_regularizer=None, bias_regularizer=None):
    """y = activation(x W + b) over the last axis of `x`, variables `weights` and `bias`
    made with get_variable, in scope `fully_connected`; y joins `output_collections` and
    ACTIVATIONS."""
    tf = tf_api()
    if bias_init is _zeros:
        bias_init = _zeros()
    with variable_scope(name, "fully_connected", [x]):
        x = tf.convert_to_tensor(x)
        dims = x.get_shape().dims
        if dims is None:
            raise ValueError("dims of x must be known but is None")
        if len(dims) < 2:
            raise ValueError("rank of x must be at least 2 not: %d" % len(dims))
        num_inputs = dims[-1].value
        if num_inputs is None:
            raise ValueError("last dimension of x must be known but is None")
        dtype = x.dtype.base_dtype
        w = tf.get_variable("weights", shape=[num_inputs, num_output_units], dtype=dtype,
                            initializer=weight_init,
                            collections=_with_globals(weight_collections),
                            regularizer=weight_regularizer, trainable=trainable)
        y = tf.matmul(x if len(dims) <= 2 else tf.reshape(x, [-1, num_inputs]), w)
        if bias_init is not None:
            y = tf.nn.bias_add(y, _legacy_bias(num_output_units, dtype, bias_init, {
                "bias_collections": bias_collections, "bias_regularizer": bias_regularizer,
                "trainable": trainable}))
        if len(dims) > 2:
            out_shape = tf.unstack(tf.shape(x))
            out_shape[-1] = num_output_units
            y = tf.reshape(y, tf.stack(out_shape))
            static = x.get_shape().as_list()
            static[-1] = num_output_units
            y.set_shape(static)
        if activation_fn is not None:
            y = activation_fn(y)
        tf.add_to_collections(list(output_collections or []) + [GraphKeys.ACTIVATIONS], y)
        return y


def _relu(x):
    return tf_api().nn.relu(x)


legacy_relu = functools.partial(legacy_fully_connected, activation_fn=_relu)
legacy_linear = functools.partial(legacy_fully_connected, activation_fn=None)


@add_arg_scope
def dense_to_sparse(tensor, eos_token=0, outputs_collections=None, scope=None):
    """The SparseTensor of the entries of `tensor` that differ from `eos_token`."""
    tf = tf_api()
    with variable_scope(scope, "dense_to_sparse", [tensor]) as sc:
        tensor = tf.convert_to_tensor(tensor)
        indices = tf.where(tf.not_equal(tensor, tf.constant(eos_token, tensor.dtype)))
        values = tf.gather_nd(tensor, indices)
        shape = tf.shape(tensor, out_type=tf.int64)
        return utils.collect_named_outputs(outputs_collections, sc.name,
                                           tf.SparseTensor(indices, values, shape))


def scale_gradient(inputs, gradient_multiplier):
    """`inputs` forward; the gradient scaled by `gradient_multiplier` backward."""
    tf = tf_api()

    @tf.custom_gradient
    def _scaled(x, multiplier):
        return tf.identity(x), lambda dy: [dy * multiplier, None]

    return _scaled(inputs, gradient_multiplier)
