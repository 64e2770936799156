"""More tf_slim.layers.layers: generic `pool`, `spatial_softmax`, `convolution2d_in_plane`
and `convolution3d_transpose`.

>>> import scopeflow as tf
>>> pool(tf.ones([1, 4, 4, 2]), [2, 2], "AVG", stride=2).name
'avg_pool/AvgPool:0'
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.ops.shape_ops import gen_lin_space
from scopeflow.slim import utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.initializers import xavier_initializer
from scopeflow.slim.layers.base import _relu, _zeros, conv_transpose, core_layers
from scopeflow.slim.variables import model_variable

__all__ = ["conv2d_in_plane", "conv3d_transpose", "convolution2d_in_plane",
           "convolution3d_transpose", "pool", "spatial_softmax"]


@add_arg_scope
def pool(inputs, kernel_size, pooling_type, padding="VALID", data_format=None,
         dilation_rate=1, stride=1, outputs_collections=None, scope=None):
    """`tf.nn.pool` of any spatial rank in name scope `<type>_pool` (`avg_pool`, `max_pool`)."""
    tf = tf_api()
    with tf.name_scope(scope, "%s_pool" % pooling_type.lower(), [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.get_shape().ndims
        if rank is None:
            raise ValueError("Rank of inputs must be known")
        if rank < 3:
            raise ValueError("Rank of inputs must be >= 3")
        n = rank - 2
        output = tf.nn.pool(input=inputs, window_shape=utils.n_positive_integers(n, kernel_size),
                            pooling_type=pooling_type, padding=padding, data_format=data_format,
                            dilation_rate=utils.n_positive_integers(n, dilation_rate),
                            strides=utils.n_positive_integers(n, stride), name=sc)
        return utils.collect_named_outputs(outputs_collections, sc, output)


def _keypoint_grid(height, width):
    """Flattened (x, y) coordinates in [-1, 1] of a height x width grid, row-major."""
    tf = tf_api()
    # tf_slim builds raw LinSpace ops (math_ops.lin_space), not tf.linspace's graph
    pos_x, pos_y = tf.meshgrid(gen_lin_space(-1.0, 1.0, num=height),
                               gen_lin_space(-1.0, 1.0, num=width), indexing="ij")
    return tf.reshape(pos_x, [height * width]), tf.reshape(pos_y, [height * width])


@add_arg_scope
def spatial_softmax(features, temperature=None, name=None, variables_collections=None,
                    trainable=True, data_format="NHWC"):
    """Expected (x, y) keypoint per channel under a spatial softmax: (batch, 2 * channels).

    The softmax temperature is the model variable `temperature` (initially `temperature`
    or 1).
    """
    tf = tf_api()
    with variable_scope(name, "spatial_softmax"):
        shape, static = tf.shape(features), features.shape
        if data_format == "NHWC":
            height, width, channels = shape[1], shape[2], static.dims[3].value
        elif data_format == "NCHW":
            channels, height, width = static.dims[1].value, shape[2], shape[3]
        else:
            raise ValueError("data_format has to be either NCHW or NHWC.")
        if channels is None:
            raise ValueError("The num_channels dimension of the inputs to `spatial_softmax` "
                             "should be defined. Found `None`.")
        with tf.name_scope("spatial_softmax_op", "spatial_softmax_op", [features]):
            pos_x, pos_y = _keypoint_grid(height, width)
            init = (tf.ones_initializer() if temperature is None
                    else tf.constant_initializer(temperature))
            collections = (utils.get_variable_collections(variables_collections, "temperature")
                           if trainable else None)
            temperature = model_variable("temperature", shape=(), dtype=tf.float32,
                                         initializer=init, collections=collections,
                                         trainable=trainable)
            if data_format == "NCHW":
                features = tf.reshape(features, [-1, height * width])
            else:
                features = tf.reshape(tf.transpose(features, [0, 3, 1, 2]),
                                      [-1, height * width])
            attention = tf.nn.softmax(features / temperature)  # (batch * channels, h * w)
            expected_x = tf.reduce_sum(pos_x * attention, [1], keepdims=True)
            expected_y = tf.reduce_sum(pos_y * attention, [1], keepdims=True)
            keypoints = tf.reshape(tf.concat([expected_x, expected_y], 1), [-1, channels * 2])
            keypoints.set_shape([None, channels * 2])
    return keypoints


@add_arg_scope
def convolution2d_in_plane(inputs, kernel_size, stride=1, padding="SAME", activation_fn=_relu,
                           normalizer_fn=None, normalizer_params=None,
                           weights_initializer=xavier_initializer(), weights_regularizer=None,
                           biases_initializer=_zeros, biases_regularizer=None, reuse=None,
                           variables_collections=None, outputs_collections=None,
                           trainable=True, scope=None):
    """One (kh, kw) filter applied to every channel (a tiled depthwise conv), `ConvInPlane`."""
    tf = tf_api()
    if biases_initializer is _zeros:
        biases_initializer = biases_initializer()
    with variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse) as sc:
        dtype = inputs.dtype.base_dtype
        kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
        stride_h, stride_w = utils.two_element_tuple(stride)
        channels = utils.last_dimension(inputs.get_shape(), min_rank=4)
        weights = model_variable(
            "weights", shape=[kernel_h, kernel_w, 1, 1], dtype=dtype,
            initializer=weights_initializer, regularizer=weights_regularizer,
            collections=utils.get_variable_collections(variables_collections, "weights"),
            trainable=trainable)
        outputs = tf.nn.depthwise_conv2d(inputs, tf.tile(weights, [1, 1, channels, 1]),
                                         [1, stride_h, stride_w, 1], padding)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = model_variable(
                "biases", shape=[channels], dtype=dtype, initializer=biases_initializer,
                regularizer=biases_regularizer,
                collections=utils.get_variable_collections(variables_collections, "biases"),
                trainable=trainable)
            outputs = tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def convolution3d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format="NDHWC", activation_fn=_relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=xavier_initializer(),
                            weights_regularizer=None, biases_initializer=_zeros,
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """Slim 3-D transposed convolution in scope `Conv3d_transpose`."""
    return conv_transpose(
        (core_layers.Conv3DTranspose, "Conv3d_transpose", ("NCDHW", "NDHWC")), inputs,
        dict(locals()))


conv2d_in_plane = convolution2d_in_plane
conv3d_transpose = convolution3d_transpose
