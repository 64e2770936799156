"""Keras convolutions (Conv1D/2D/3D, transposed, separable), padding, cropping, upsampling.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 8, 8, 3])
>>> tf.keras.layers.Conv2D(4, 3)(x).shape.as_list()
[None, 6, 6, 4]
"""

from scopeflow.keras import activations, constraints, initializers, regularizers
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers import conv as _tl
from scopeflow.layers.conv import normalize_tuple
from scopeflow.layers.core import tf_api


def _keras_args(kwargs, *names):
    """Keras' string arguments (activation, initializers, ...) turned into objects."""
    for name in names:
        if name not in kwargs:
            continue
        kind = name.rsplit("_", 1)[-1]
        getter = {"activation": activations.get, "initializer": initializers.get,
                  "regularizer": regularizers.get, "constraint": constraints.get}[kind]
        kwargs[name] = getter(kwargs[name])
    return kwargs


_CONV_ARGS = ("activation", "kernel_initializer", "bias_initializer", "kernel_regularizer",
              "bias_regularizer", "kernel_constraint", "bias_constraint")


def _conv_class(name, base, rank):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        groups = kwargs.pop("groups", 1) or 1
        output_padding = None
        if "Transpose" in name or kwargs.get("output_padding", 0) is None:
            output_padding = kwargs.pop("output_padding", None)  # None: as in a config
        kwargs = _keras_args(dict(kwargs, activation=activation,
                                  kernel_initializer=kernel_initializer,
                                  bias_initializer=bias_initializer), *_CONV_ARGS)
        base.__init__(self, filters, kernel_size, strides=strides, padding=padding,
                      data_format=data_format or K.image_data_format(),
                      dilation_rate=dilation_rate, use_bias=use_bias, **kwargs)
        _set_groups(self, groups)
        if "Transpose" in name:
            self.output_padding = _output_padding(output_padding, self.strides)

    def _padded(self, inputs):
        return _causal_pad(self, inputs)

    def _convolve(self, inputs):
        return base._convolve(self, _causal_pad(self, inputs))

    return type(name, (base, Layer), {"__init__": __init__, "rank": rank,
                                      "get_config": _conv_config, "_convolve": _convolve,
                                      "_padded": _padded,
                                      "__doc__": "`tf.keras.layers.%s`." % name})


def _set_groups(layer, groups):
    """Keras' `groups` (0 or None: 1), checked against `filters` (a depthwise convolution has
    none); only a plain convolution groups its kernel, the others keep it in their config."""
    if getattr(layer, "_CHANNELS_OWNER", "") != "DepthwiseConv" and layer.filters % groups:
        raise ValueError("The number of filters must be evenly divisible by the number of "
                         "groups. Received: groups=%d, filters=%d" % (groups, layer.filters))
    layer.__dict__["groups"] = groups


def _causal_pad(layer, inputs):
    """`padding="causal"` (1-D only): the time axis padded on the left by what the dilated
    kernel reaches back (Keras' `Pad` op), then a VALID convolution."""
    if layer.padding != "causal":
        return inputs
    left = layer.dilation_rate[0] * (layer.kernel_size[0] - 1)
    batch_rank = 1 if inputs.shape.ndims is None else inputs.shape.ndims - 2
    pads = [[0, 0]] * batch_rank + ([[0, 0], [left, 0]] if layer.data_format == "channels_first"
                                    else [[left, 0], [0, 0]])
    return tf_api().pad(inputs, pads)


def _output_padding(value, strides):
    """Keras' check of a transposed convolution's `output_padding` (None: none)."""
    if value is None:
        return None
    value = normalize_tuple(value, len(strides), "output_padding")
    if any(pad >= stride for stride, pad in zip(strides, value)):
        raise ValueError("Strides must be greater than output padding. Received strides=%s, "
                         "output_padding=%s." % (strides, value))
    return value


_CONV_CONFIG = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "bias_constraint")


def _conv_config(self, keys=_CONV_CONFIG):
    """Keras' config of a convolution: every argument, as the layer holds it."""
    from scopeflow.keras.serialization import layer_base_config, resolved_argument, serialize
    config = layer_base_config(self)
    for key in keys:
        value = getattr(self, key, 1 if key == "groups" else None)
        config[key] = serialize(resolved_argument(key, list(value) if isinstance(value, tuple)
                                                  else value))
    if "Transpose" in type(self).__name__:
        config["output_padding"] = getattr(self, "output_padding", None)
        if self.rank == 3:  # tf_keras' Conv3DTranspose writes no dilation_rate
            config.pop("dilation_rate")
    return config


# a separable convolution's own arguments beside a convolution's (its kernel_* are the
# defaults it never uses)
_SEPARABLE_CONFIG = _CONV_CONFIG + ("depth_multiplier", "depthwise_initializer",
                                    "pointwise_initializer", "depthwise_regularizer",
                                    "pointwise_regularizer", "depthwise_constraint",
                                    "pointwise_constraint")
_DEPTHWISE_CONFIG = tuple(k for k in _CONV_CONFIG if k != "filters" and
                          not k.startswith("kernel_")) + (
    "kernel_size", "depth_multiplier", "depthwise_initializer", "depthwise_regularizer",
    "depthwise_constraint")


Conv1D = _conv_class("Conv1D", _tl.Conv1D, 1)
Conv2D = _conv_class("Conv2D", _tl.Conv2D, 2)
Conv3D = _conv_class("Conv3D", _tl.Conv3D, 3)
Conv1DTranspose = _conv_class("Conv1DTranspose", _tl.Conv2DTranspose, 1)
Conv2DTranspose = _conv_class("Conv2DTranspose", _tl.Conv2DTranspose, 2)
Conv3DTranspose = _conv_class("Conv3DTranspose", _tl.Conv3DTranspose, 3)
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose, Convolution3DTranspose = Conv2DTranspose, Conv3DTranspose


class _Separable:
    """Keras' arguments and config of a depthwise then a pointwise convolution."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        groups = kwargs.pop("groups", 1) or 1
        if kwargs.get("output_padding", 0) is None:
            kwargs.pop("output_padding")  # as in a config: the default
        kwargs = _keras_args(dict(kwargs, activation=activation,
                                  depthwise_initializer=depthwise_initializer,
                                  pointwise_initializer=pointwise_initializer,
                                  bias_initializer=bias_initializer),
                             "activation", "depthwise_initializer", "pointwise_initializer",
                             "bias_initializer")
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format or K.image_data_format(),
                         dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                         use_bias=use_bias, **kwargs)
        _set_groups(self, groups)

    depthwise_initializer = property(lambda self: self.depthwise[0])
    depthwise_regularizer = property(lambda self: self.depthwise[1])
    depthwise_constraint = property(lambda self: self.depthwise[2])
    pointwise_initializer = property(lambda self: self.pointwise[0])
    pointwise_regularizer = property(lambda self: self.pointwise[1])
    pointwise_constraint = property(lambda self: self.pointwise[2])

    def get_config(self):
        config = _conv_config(self, _SEPARABLE_CONFIG)
        config.update(kernel_initializer={"class_name": "GlorotUniform",
                                          "config": {"dtype": "float32", "seed": None}},
                      kernel_regularizer=None, kernel_constraint=None)
        return config


class SeparableConv2D(_Separable, _tl.SeparableConv2D, Layer):
    """`tf.keras.layers.SeparableConv2D`."""


class SeparableConv1D(_Separable, _tl.SeparableConv1D, Layer):
    """`tf.keras.layers.SeparableConv1D` (padding "causal" too)."""

    def call(self, inputs):
        return super().call(_causal_pad(self, inputs))


SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D


class _Depthwise:
    """A depthwise convolution's arguments, config and weights (over a Conv1D / Conv2D)."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(1, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         kernel_regularizer=kwargs.pop("depthwise_regularizer", None),
                         kernel_constraint=kwargs.pop("depthwise_constraint", None),
                         bias_initializer=bias_initializer, **kwargs)
        self.depth_multiplier = depth_multiplier

    depthwise_initializer = property(lambda self: self.kernel_initializer)
    depthwise_regularizer = property(lambda self: self.kernel_regularizer)
    depthwise_constraint = property(lambda self: self.kernel_constraint)

    def get_config(self):
        return _conv_config(self, _DEPTHWISE_CONFIG)

    _KERAS_CONV = False
    _CHANNELS_OWNER = "DepthwiseConv"

    def compute_output_shape(self, input_shape):
        """Keras' rule: the spatial sizes and channels * depth_multiplier of a rank + 2
        input."""
        from scopeflow.core.shape import TensorShape
        shape = list(TensorShape(input_shape).as_list())
        first = self.data_format == "channels_first"
        filters = shape[1 if first else self.rank + 1] * self.depth_multiplier
        spatial = [_tl.conv_output_length(shape[a], k, self.padding, s, d) for a, k, s, d in
                   zip(range(2 if first else 1, self.rank + (2 if first else 1)),
                       self.kernel_size, self.strides, self.dilation_rate)]
        return TensorShape([shape[0]] + ([filters] + spatial if first
                                         else spatial + [filters]))

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError("Inputs to `DepthwiseConv` should have rank %d. Received "
                             "input_shape=%s." % (self.rank + 2, input_shape))
        channels = self._input_channels(input_shape)
        self.filters = channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = self.add_weight(
            "bias", shape=(self.filters,), initializer=self.bias_initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint) if self.use_bias else None
        self.built = True


class DepthwiseConv2D(_Depthwise, Conv2D):
    """One filter bank per input channel (`depth_multiplier` outputs each)."""

    def _convolve(self, inputs):
        first = self.data_format == "channels_first"
        strides = (1, 1) + self.strides if first else (1,) + self.strides + (1,)
        return tf_api().nn.depthwise_conv2d(inputs, self.depthwise_kernel, list(strides),
                                            self.padding.upper(),
                                            rate=list(self.dilation_rate),
                                            data_format="NCHW" if first else "NHWC")


class Cropping1D(Layer):
    """Crops the time axis: `(start, end)` steps."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_tuple(cropping, 2, "cropping")

    def call(self, inputs):
        start, end = self.cropping
        return inputs[:, start:-end if end else None, :]


def _pairs(value, rank, name):
    """Keras' per-axis `(before, after)` pairs from an int, `rank` ints or `rank` pairs."""
    if isinstance(value, int):
        return tuple((value, value) for _ in range(rank))
    if len(value) != rank:
        raise ValueError("`%s` should have %d elements. Received: %s." % (name, rank, value))
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)


def _spatial(dims, data_format):
    """Per-axis entries for a (batch, *spatial, channels) or (batch, channels, *spatial)
    tensor, `dims` holding the spatial axes' and `[0, 0]`-style fillers elsewhere."""
    filler, spatial = dims[0], list(dims[1:])
    if data_format == "channels_first":
        return [filler, filler] + spatial
    return [filler] + spatial + [filler]


class ZeroPadding2D(Layer):
    """Pads rows and columns with zeros: `padding` int, pair, or pair of pairs."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self.rank, "padding")
        self.data_format = data_format or K.image_data_format()

    def call(self, inputs):
        pads = _spatial([[0, 0]] + [list(p) for p in self.padding], self.data_format)
        return tf_api().pad(inputs, pads)


class ZeroPadding3D(ZeroPadding2D):
    """Pads the three spatial axes with zeros: `padding` int, triple, or triple of pairs."""

    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding1D(Layer):
    """Pads the time axis with zeros."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_tuple(padding, 2, "padding")

    def call(self, inputs):
        return tf_api().pad(inputs, [[0, 0], list(self.padding), [0, 0]])


class Cropping2D(Layer):
    """Crops rows and columns: `((top, bottom), (left, right))`."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping")
        self.data_format = data_format or K.image_data_format()

    def call(self, inputs):
        dims = inputs.shape.as_list()
        dims = dims[2:] if self.data_format == "channels_first" else dims[1:-1]
        if self.rank == 2 and any(d is not None and sum(c) >= d
                                  for d, c in zip(dims, self.cropping)):  # (tf_keras' 2D only)
            raise ValueError("Argument `cropping` must be greater than the input shape. "
                             "Received: inputs.shape=%s, and cropping=%s"
                             % (inputs.shape, self.cropping))
        crops = [slice(a, -b if b else None) for a, b in self.cropping]
        return inputs[tuple(_spatial([slice(None)] + crops, self.data_format))]


class Cropping3D(Cropping2D):
    """Crops the three spatial axes: an int, a triple, or a triple of pairs."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


class UpSampling2D(Layer):
    """Scales rows and columns by `size` (`tf.image.resize`, nearest neighbour by default)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()
        self.size = normalize_tuple(size, 2, "size")
        interpolation = interpolation.lower()
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(
                "Value not recognized for `interpolation`: {}. Supported values are: {}"
                .format(interpolation, {k: None for k in _INTERPOLATIONS}.keys()))
        self.interpolation = interpolation

    def call(self, inputs):
        return K.resize_images(inputs, self.size[0], self.size[1], self.data_format,
                               interpolation=self.interpolation)


class UpSampling3D(Layer):
    """Repeats the three spatial axes `size` times each."""

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()
        self.size = normalize_tuple(size, 3, "size")

    def call(self, inputs):
        return K.resize_volumes(inputs, *self.size, self.data_format)


class UpSampling1D(Layer):
    """Repeats each timestep `size` times."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return K.repeat_elements(inputs, self.size, 1)
