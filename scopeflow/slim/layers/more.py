"""More slim layers: separable_convolution2d, unit_norm, maxout, images_to_sequence and back,
poincare_normalize, _inner_flatten."""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import layers as core_layers
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim import utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.initializers import xavier_initializer
from scopeflow.slim.layers.base import (
    _add_variable_to_collections,
    _build_variable_getter,
    _relu,
    _zeros,
)
from scopeflow.slim.variables import model_variable

_SEPARABLE_RENAME = {"bias": "biases", "depthwise_kernel": "depthwise_weights",
                     "pointwise_kernel": "pointwise_weights"}


def _depthwise_only(inputs, kernel_size, depth_multiplier, stride, padding, data_format, rate,
                    init, collections, trainable):
    """The depthwise convolution alone (`num_outputs=None`), weights `depthwise_weights`."""
    tf = tf_api()
    df = "channels_first" if data_format.startswith("NC") else "channels_last"
    kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
    stride_h, stride_w = utils.two_element_tuple(stride)
    num_filters_in = utils.channel_dimension(inputs.get_shape(), df, min_rank=4)
    weights = model_variable(
        "depthwise_weights", shape=[kernel_h, kernel_w, num_filters_in, depth_multiplier],
        dtype=inputs.dtype.base_dtype, initializer=init[0], regularizer=init[1],
        trainable=trainable, collections=utils.get_variable_collections(collections, "weights"))
    strides = [1, 1, stride_h, stride_w] if data_format.startswith("NC") \
        else [1, stride_h, stride_w, 1]
    outputs = tf.nn.depthwise_conv2d(inputs, weights, strides, padding,
                                     rate=utils.two_element_tuple(rate), data_format=data_format)
    return outputs, depth_multiplier * num_filters_in


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                            padding="SAME", data_format="NHWC", rate=1, activation_fn=_relu,
                            normalizer_fn=None, normalizer_params=None,
                            weights_initializer=xavier_initializer(), pointwise_initializer=None,
                            weights_regularizer=None, biases_initializer=_zeros,
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """Depthwise then pointwise convolution in scope `SeparableConv2d` (depthwise only when
    `num_outputs` is None).

    >>> import scopeflow as tf
    >>> y = tf.contrib.slim.separable_conv2d(tf.zeros([1, 4, 4, 3]), 6, 3)
    >>> y.name, y.shape.as_list()
    ('SeparableConv2d/Relu:0', [1, 4, 4, 6])
    """
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    biases_initializer = biases_initializer() if biases_initializer is _zeros \
        else biases_initializer
    tf = tf_api()
    with variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse,
                        custom_getter=_build_variable_getter(_SEPARABLE_RENAME)) as sc:
        inputs = tf.convert_to_tensor(inputs)
        if pointwise_initializer is None:
            pointwise_initializer = weights_initializer
        if num_outputs is not None:
            layer = core_layers.SeparableConv2D(
                filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
                data_format="channels_first" if data_format.startswith("NC")
                else "channels_last", dilation_rate=utils.two_element_tuple(rate),
                activation=None, depth_multiplier=depth_multiplier,
                use_bias=not normalizer_fn and biases_initializer,
                depthwise_initializer=weights_initializer,
                pointwise_initializer=pointwise_initializer,
                bias_initializer=biases_initializer, depthwise_regularizer=weights_regularizer,
                pointwise_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                activity_regularizer=None, trainable=trainable, name=sc.name,
                dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)
            outputs = layer.apply(inputs)
            _add_variable_to_collections(layer.depthwise_kernel, variables_collections, "weights")
            _add_variable_to_collections(layer.pointwise_kernel, variables_collections, "weights")
            if layer.bias is not None:
                _add_variable_to_collections(layer.bias, variables_collections, "biases")
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        else:
            outputs, num_outputs = _depthwise_only(
                inputs, kernel_size, depth_multiplier, stride, padding, data_format, rate,
                (weights_initializer, weights_regularizer), variables_collections, trainable)
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
            elif biases_initializer is not None:
                biases = model_variable(
                    "biases", shape=[num_outputs], dtype=inputs.dtype.base_dtype,
                    initializer=biases_initializer, regularizer=biases_regularizer,
                    trainable=trainable,
                    collections=utils.get_variable_collections(variables_collections, "biases"))
                outputs = tf.nn.bias_add(outputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


separable_conv2d = separable_convolution2d


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """`inputs` divided by their L2 norm along `dim`, in scope `UnitNorm`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.unit_norm(tf.ones([2, 4]), 1).name
    'UnitNorm/div:0'
    """
    tf = tf_api()
    with variable_scope(scope, "UnitNorm", [inputs]):
        if not inputs.get_shape():
            raise ValueError("The input rank must be known.")
        input_rank = len(inputs.get_shape().as_list())
        if dim < 0 or dim >= input_rank:
            raise ValueError("dim must be positive but smaller than the input rank.")
        lengths = tf.sqrt(epsilon + tf.reduce_sum(tf.square(inputs), dim, True))
        multiples = []
        if dim > 0:
            multiples.append(tf.ones([dim], _dt.int32))
        multiples.append(tf.strided_slice(tf.shape(inputs), [dim], [dim + 1]))
        if dim < input_rank - 1:
            multiples.append(tf.ones([input_rank - 1 - dim], _dt.int32))
        multiples = tf.concat(multiples, 0)
        return tf.div(inputs, tf.tile(lengths, multiples))


@add_arg_scope
def maxout(inputs, num_units, axis=-1, scope=None):
    """The max over groups of `axis` features, leaving `num_units` of them, in scope `MaxOut`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.maxout(tf.ones([2, 6]), 3).shape.as_list()
    [2, 3]
    """
    tf = tf_api()
    with variable_scope(scope, "MaxOut", [inputs]):
        inputs = tf.convert_to_tensor(inputs)
        shape = inputs.get_shape().as_list()
        num_channels = shape[axis]
        if num_channels % num_units:
            raise ValueError("number of features({}) is not a multiple of num_units({})"
                             .format(num_channels, num_units))
        shape[axis] = num_units
        shape += [num_channels // num_units]
        shape = [tf.shape(inputs)[i] if d is None else d for i, d in enumerate(shape)]
        return tf.reduce_max(tf.reshape(inputs, shape), -1, keepdims=False)


@add_arg_scope
def images_to_sequence(inputs, data_format="NHWC", outputs_collections=None, scope=None):
    """(images, height, width, depth) -> (width, images * height, depth), in `ImagesToSequence`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.images_to_sequence(tf.ones([2, 3, 4, 5])).shape.as_list()
    [4, 6, 5]
    """
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    tf = tf_api()
    with tf.name_scope(scope, "ImagesToSequence", [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        if data_format.startswith("NC"):
            inputs = tf.transpose(inputs, [0, 2, 3, 1])
        _, _, width, depth = inputs.get_shape().as_list()
        s = tf.shape(inputs)
        batch_size, height = s[0], s[1]
        transposed = tf.transpose(inputs, [2, 0, 1, 3])
        outputs = tf.reshape(transposed, [width, batch_size * height, depth])
        return utils.collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def sequence_to_images(inputs, height, output_data_format="channels_last",
                       outputs_collections=None, scope=None):
    """(width, images * height, depth) -> images, the inverse of `images_to_sequence`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.sequence_to_images(tf.ones([4, 6, 5]), 3).shape.as_list()
    [2, 3, 4, 5]
    """
    tf = tf_api()
    with tf.name_scope(scope, "SequenceToImages", [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        width, num_batches, depth = inputs.get_shape().as_list()
        num_batches = -1 if num_batches is None else num_batches // height
        reshaped = tf.reshape(inputs, [width, num_batches, height, depth])
        perm = [1, 3, 2, 0] if output_data_format == "channels_first" else [1, 2, 0, 3]
        return utils.collect_named_outputs(outputs_collections, sc, tf.transpose(reshaped, perm))


def poincare_normalize(x, axis=1, epsilon=1e-5, name=None):
    """Projects `x` into the Poincare ball: x / ||x|| * (1 - epsilon) where ||x|| >= 1 - eps.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.layers.poincare_normalize(tf.constant([[3.0, 4.0]])).name
    'poincare_normalize:0'
    """
    tf = tf_api()
    with tf.name_scope(name, "poincare_normalize", [x]) as name:
        x = tf.convert_to_tensor(x, name="x")
        inv_norm = tf.rsqrt(tf.reduce_sum(tf.square(x), axis, keepdims=True))
        return tf.multiply(x, tf.minimum((1.0 - epsilon) * inv_norm, 1.0), name=name)


def _dense_inner_flatten(inputs, new_rank):
    tf = tf_api()
    check = tf.assert_rank_at_least(inputs, new_rank,
                                    message="inputs has rank less than new_rank")
    with tf.control_dependencies([check]):
        outer = tf.strided_slice(tf.shape(inputs), [0], [new_rank - 1])
        flat = tf.reshape(inputs, tf.concat((outer, [-1]), 0))
    dims = inputs.shape.as_list() if inputs.shape.dims is not None else None
    if isinstance(new_rank, int) and dims is not None:
        inner = dims[new_rank - 1:]
        size = None if None in inner else int(np.prod(inner, dtype=np.int64))
        flat.set_shape(dims[:new_rank - 1] + [size])
    return flat


def _sparse_inner_flatten(inputs, new_rank):
    """A SparseTensor's last dimensions from new_rank - 1 on merged into one (row-major)."""
    tf = tf_api()
    rank = inputs.dense_shape.shape.as_list()[0]
    if rank < new_rank:
        raise ValueError("Inputs has rank less than new_rank. {} must have rank at least {}. "
                         "Received rank {}, shape {}".format(inputs, new_rank, rank,
                                                             inputs.get_shape()))
    inner = inputs.dense_shape[new_rank - 1:]
    strides = tf.cumprod(inner, exclusive=True, reverse=True)  # (rank - new_rank + 1,)
    merged = tf.reduce_sum(inputs.indices[:, new_rank - 1:] * strides, axis=1, keepdims=True)
    return tf.SparseTensor(tf.concat([inputs.indices[:, :new_rank - 1], merged], 1),
                           inputs.values,
                           tf.concat((inputs.dense_shape[:new_rank - 1],
                                      [tf.reduce_prod(inner)]), 0))


@add_arg_scope
def _inner_flatten(inputs, new_rank, output_collections=None, scope=None):
    """Flattens the dimensions of `inputs` from `new_rank - 1` on (dense or sparse)."""
    tf = tf_api()
    with tf.name_scope(scope, "InnerFlatten", [inputs, new_rank]) as sc:
        if isinstance(inputs, tf.SparseTensor):
            flattened = _sparse_inner_flatten(inputs, new_rank)
        else:
            flattened = _dense_inner_flatten(tf.convert_to_tensor(inputs), new_rank)
    return utils.collect_named_outputs(output_collections, sc, flattened)
