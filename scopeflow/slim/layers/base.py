"""Slim layers: TF1 layers in a slim scope (`Conv`, `fully_connected`, ...), variables renamed
`weights`/`biases` and kept in MODEL_VARIABLES, activation and normalizer applied after."""

from scopeflow import layers as core_layers
from scopeflow.core.frame import default_graph
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim import initializers, regularizers, utils  # noqa: F401 - tf_slim.layers.*
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.initializers import xavier_initializer
from scopeflow.slim.utils import append_tensor_alias, collect_named_outputs  # noqa: F401
from scopeflow.slim.variables import model_variable

_RENAME = {"bias": "biases", "kernel": "weights"}


def _relu(x):
    return tf_api().nn.relu(x)


def _zeros():
    return tf_api().zeros_initializer()


def _model_variable_getter(getter, name, shape=None, dtype=None, initializer=None,
                           regularizer=None, trainable=True, collections=None,
                           caching_device=None, partitioner=None, rename=None,
                           use_resource=None, **kwargs):
    """Creates layer variables with `model_variable`, renaming `kernel` → `weights`, ..."""
    parts = name.split("/")
    if rename and parts[-1] in rename:
        parts[-1] = rename[parts[-1]]
        name = "/".join(parts)
    extra = {k: kwargs[k] for k in ("synchronization", "aggregation") if k in kwargs}
    return model_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                          regularizer=regularizer, collections=collections, trainable=trainable,
                          caching_device=caching_device, partitioner=partitioner,
                          custom_getter=getter, use_resource=use_resource, **extra)


def _build_variable_getter(rename=None):
    def layer_variable_getter(getter, *args, **kwargs):
        kwargs["rename"] = rename
        return _model_variable_getter(getter, *args, **kwargs)

    return layer_variable_getter


def _add_variable_to_collections(variable, collections_set, collections_name):
    collections = (collections_set.get(collections_name) if isinstance(collections_set, dict)
                   else collections_set) or []
    members = list(variable) if hasattr(variable, "_get_variable_list") else [variable]
    for key in collections:
        for v in members:
            if all(v is not x for x in default_graph().get_collection(key)):
                default_graph().add_to_collection(key, v)


def _finish(outputs, normalizer_fn, normalizer_params, activation_fn):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return outputs


_CONV_CLASSES = {3: core_layers.Conv1D, 4: core_layers.Conv2D, 5: core_layers.Conv3D}


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                rate=1, activation_fn=_relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=xavier_initializer(), weights_regularizer=None,
                biases_initializer=_zeros, biases_regularizer=None, reuse=None,
                variables_collections=None, outputs_collections=None, trainable=True,
                scope=None, conv_dims=None):
    """Slim convolution in scope `Conv`: variables `Conv/weights`, `Conv/biases`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.conv2d(tf.zeros([1, 8, 8, 3]), 4, [3, 3]).name
    'Conv/Relu:0'
    """
    if data_format not in [None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"]:
        raise ValueError("Invalid data_format: %r" % (data_format,))
    biases_initializer = biases_initializer() if biases_initializer is _zeros \
        else biases_initializer
    tf = tf_api()
    with variable_scope(scope, "Conv", [inputs], reuse=reuse,
                        custom_getter=_build_variable_getter(_RENAME)) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if conv_dims is not None and conv_dims + 2 != rank:
            raise ValueError("Convolution expects input with rank %d, got %d"
                             % (conv_dims + 2, rank))
        if rank not in _CONV_CLASSES:
            raise ValueError("Convolution not supported for input with rank", rank)
        layer = _CONV_CLASSES[rank](
            filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
            data_format="channels_first" if data_format and data_format.startswith("NC")
            else "channels_last", dilation_rate=rate, activation=None,
            use_bias=not normalizer_fn and biases_initializer,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
            _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.use_bias:
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
        outputs = _finish(outputs, normalizer_fn, normalizer_params, activation_fn)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _fixed_rank(conv_dims):
    def conv(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
             rate=1, activation_fn=_relu, normalizer_fn=None, normalizer_params=None,
             weights_initializer=xavier_initializer(), weights_regularizer=None,
             biases_initializer=_zeros, biases_regularizer=None, reuse=None,
             variables_collections=None, outputs_collections=None, trainable=True, scope=None):
        return convolution(inputs, num_outputs, kernel_size, stride, padding, data_format, rate,
                           activation_fn, normalizer_fn, normalizer_params, weights_initializer,
                           weights_regularizer, biases_initializer, biases_regularizer, reuse,
                           variables_collections, outputs_collections, trainable, scope,
                           conv_dims=conv_dims)

    conv.__name__ = conv.__qualname__ = "convolution%dd" % conv_dims
    conv.__doc__ = "Slim %d-D convolution in scope `Conv` (see `convolution`)." % conv_dims
    return add_arg_scope(conv)  # named first: the arg-scope key is str(function)


convolution1d = conv1d = _fixed_rank(1)
convolution2d = conv2d = _fixed_rank(2)
convolution3d = conv3d = _fixed_rank(3)


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format="NHWC", activation_fn=_relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=xavier_initializer(),
                            weights_regularizer=None, biases_initializer=_zeros,
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """Slim transposed convolution in scope `Conv2d_transpose`."""
    return conv_transpose(
        (core_layers.Conv2DTranspose, "Conv2d_transpose", ("NCHW", "NHWC")), inputs,
        dict(locals()))


def conv_transpose(kind, inputs, a):
    """A slim transposed convolution: `kind` is (layer class, scope name, data formats), `a`
    the layer function's arguments."""
    cls, default_name, formats = kind
    biases_initializer = (a["biases_initializer"]() if a["biases_initializer"] is _zeros
                          else a["biases_initializer"])
    tf = tf_api()
    with variable_scope(a["scope"], default_name, [inputs], reuse=a["reuse"],
                        custom_getter=_build_variable_getter(_RENAME)) as sc:
        if a["data_format"] not in formats:
            raise ValueError("data_format has to be either %s or %s." % formats)
        inputs = tf.convert_to_tensor(inputs)
        layer = cls(
            filters=a["num_outputs"], kernel_size=a["kernel_size"], strides=a["stride"],
            padding=a["padding"], activation=None,
            data_format="channels_first" if a["data_format"].startswith("NC")
            else "channels_last",
            use_bias=not a["normalizer_fn"] and biases_initializer,
            kernel_initializer=a["weights_initializer"], bias_initializer=biases_initializer,
            kernel_regularizer=a["weights_regularizer"],
            bias_regularizer=a["biases_regularizer"], trainable=a["trainable"], name=sc.name,
            dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=a["reuse"])
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, a["variables_collections"], "weights")
        if layer.bias is not None:
            _add_variable_to_collections(layer.bias, a["variables_collections"], "biases")
        outputs = _finish(outputs, a["normalizer_fn"], a["normalizer_params"],
                          a["activation_fn"])
        return collect_named_outputs(a["outputs_collections"], sc.name, outputs)


conv2d_transpose = convolution2d_transpose


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=_relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None, biases_initializer=_zeros,
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """Slim dense layer in scope `fully_connected`.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.fully_connected(tf.zeros([2, 3]), 4).name
    'fully_connected/Relu:0'
    """
    if not isinstance(num_outputs, int) or isinstance(num_outputs, bool):
        raise ValueError("num_outputs type should be one of %s, got %s."
                         % ([int], type(num_outputs)))
    biases_initializer = biases_initializer() if biases_initializer is _zeros \
        else biases_initializer
    tf = tf_api()
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                        custom_getter=_build_variable_getter(_RENAME)) as sc:
        inputs = tf.convert_to_tensor(inputs)
        layer = core_layers.Dense(
            units=num_outputs, activation=None, use_bias=not normalizer_fn and biases_initializer,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
            _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.bias is not None:
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
        outputs = _finish(outputs, normalizer_fn, normalizer_params, activation_fn)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """Flattens all but the first dimension, in name scope `Flatten`."""
    tf = tf_api()
    with tf.name_scope(scope, "Flatten", [inputs]) as sc:
        outputs = core_layers.flatten(tf.convert_to_tensor(inputs))
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
            outputs_collections=None, scope=None, seed=None):
    """Dropout keeping `keep_prob` of the units when `is_training`, in scope `Dropout`."""
    tf = tf_api()
    with variable_scope(scope, "Dropout", [inputs],
                        custom_getter=_model_variable_getter) as sc:
        inputs = tf.convert_to_tensor(inputs)
        layer = core_layers.Dropout(rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                    name=sc.name, _scope=sc)
        outputs = layer.apply(inputs, training=is_training)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _pool(cls, default_name, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope, formats=("NCHW", "NHWC")):
    if data_format not in formats:
        raise ValueError("data_format has to be either %s or %s." % formats)
    tf = tf_api()
    with tf.name_scope(scope, default_name, [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        df = "channels_first" if data_format.startswith("NC") else "channels_last"
        layer = cls(pool_size=kernel_size, strides=stride, padding=padding, data_format=df,
                    _scope=sc)
        return collect_named_outputs(outputs_collections, sc, layer.apply(inputs))


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling in name scope `MaxPool2D`."""
    return _pool(core_layers.MaxPooling2D, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling in name scope `AvgPool2D`."""
    return _pool(core_layers.AveragePooling2D, "AvgPool2D", inputs, kernel_size, stride,
                 padding, data_format, outputs_collections, scope)


@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0,
                     outputs_collections=None, scope=None):
    """One-hot float encoding of `labels`, in name scope `OneHotEncoding`."""
    tf = tf_api()
    with tf.name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        labels = tf.convert_to_tensor(labels)
        if labels.dtype == tf.int32:
            labels = tf.to_int64(labels)
        outputs = tf.one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return collect_named_outputs(outputs_collections, sc, outputs)


def _scope_name(layer, default):
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return default


def stack(inputs, layer, stack_args, **kwargs):
    """Applies `layer` once per entry of `stack_args`, in scopes `<name>_1`, `<name>_2`, ...

    >>> import scopeflow as tf
    >>> slim = tf.contrib.slim
    >>> slim.stack(tf.zeros([2, 3]), slim.fully_connected, [4, 5], scope="mlp").name
    'mlp/mlp_2/Relu:0'
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, "Stack", [inputs]):
        outputs = tf_api().convert_to_tensor(inputs)
        scope = scope or _scope_name(layer, "stack")
        for i, args in enumerate(stack_args):
            kwargs["scope"] = scope + "_" + str(i + 1)
            args = args if isinstance(args, (list, tuple)) else [args]
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies `layer` `repetitions` times, in scopes `<name>_1`, `<name>_2`, ..."""
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, "Repeat", [inputs]):
        outputs = tf_api().convert_to_tensor(inputs)
        scope = scope or _scope_name(layer, "repeat")
        for i in range(repetitions):
            kwargs["scope"] = scope + "_" + str(i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs
