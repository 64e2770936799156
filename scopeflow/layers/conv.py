"""`tf.layers` convolutions: Conv1D/2D/3D and Conv2DTranspose, classes and functions."""

from scopeflow.layers.base import InputSpec, Layer
from scopeflow.layers.core import tf_api
from scopeflow.layers.utils import normalize_padding
from scopeflow.ops.nn_conv_api import squeeze_batch_dims

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def normalize_tuple(value, n, name):
    """`3` → `(3, 3)`; a sequence must have length n (Keras' rule and wording)."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s"
                         % (name, n, value))
    return value


def conv_output_length(length, size, padding, stride, dilation=1):
    """One spatial output size of a convolution (None stays None; Keras' conv_utils rule)."""
    if length is None:
        return None
    size = size + (size - 1) * (dilation - 1)
    out = {"same": length, "causal": length, "valid": length - size + 1,
           "full": length + size - 1}[padding]
    return (out + stride - 1) // stride


class Conv(Layer):
    """N-d convolution layer: `activation(conv(inputs, kernel) + bias)`."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        n = self.rank
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, n, "kernel_size")
        self.strides = normalize_tuple(strides, n, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = data_format or "channels_last"
        self.dilation_rate = normalize_tuple(dilation_rate, n, "dilation_rate")
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer or tf_api().zeros_initializer()
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    # the spec build leaves (Keras': a transposed or separable convolution also fixes the rank)
    _BUILT_NDIM = False

    def _built_spec(self, channels):
        axes = {-1 - self.rank if self.data_format == "channels_first" else -1: channels}
        self.input_spec = (InputSpec(ndim=self.rank + 2, axes=axes) if self._BUILT_NDIM
                           else InputSpec(min_ndim=self.rank + 2, axes=axes))

    def _channel_axis(self):
        return -1 - self.rank if self.data_format == "channels_first" else -1

    # Keras' plain convolutions (not transposed, separable or depthwise ones) check their
    # output shape before making weights, add the bias over extra batch dimensions through
    # squeeze_batch_dims and set the output's static shape
    _KERAS_CONV = True

    def compute_output_shape(self, input_shape):
        """Keras' Conv.compute_output_shape: batch dims, spatial sizes, filters (its error
        where a size would be negative)."""
        from scopeflow.core.shape import TensorShape
        dims = TensorShape(input_shape).as_list()
        batch_rank = len(dims) - self.rank - 1
        first = self.data_format == "channels_first"
        spatial = dims[batch_rank + 1:] if first else dims[batch_rank:-1]
        sizes = [conv_output_length(n, k, self.padding, s, d) for n, k, s, d
                 in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        if any(n is not None and n < 0 for n in sizes):
            raise ValueError(
                "One of the dimensions in the output is <= 0 due to downsampling in %s. "
                "Consider increasing the input size. Received input shape %s which would "
                "produce output shape with a zero or negative value in a dimension."
                % (self.name, dims))
        return TensorShape(dims[:batch_rank] + ([self.filters] + sizes if first
                                                else sizes + [self.filters]))

    groups = 1  # Keras' grouped convolution: the kernel reads in_channels / groups channels

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (in_channels // self.groups, self.filters)

    # the layer Keras' error for undefined channels names ("" for a plain or separable one)
    _CHANNELS_OWNER = ""

    def _input_channels(self, input_shape):
        """The inputs' channels (Keras' errors where the rank or the channels are unknown)."""
        if input_shape.ndims is None:
            raise TypeError("'NoneType' object is not subscriptable")  # Keras' dims[axis]
        axis = self._channel_axis()
        channels = input_shape.as_list()[axis]
        if channels is None:
            owner = " to `%s`" % self._CHANNELS_OWNER if self._CHANNELS_OWNER else ""
            raise ValueError("The channel dimension of the inputs%s should be defined. The "
                             "input_shape received is %s, where axis %d (0-based) is the "
                             "channel dimension, which found to be `None`."
                             % (owner, input_shape, axis))
        return channels

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if self._KERAS_CONV:
            if channels % self.groups:
                raise ValueError("The number of input channels must be evenly divisible by "
                                 "the number of groups. Received groups=%d, but the input "
                                 "has %d channels (full input shape is %s)."
                                 % (self.groups, channels, input_shape))
            self.compute_output_shape(input_shape)  # Keras' check, before any weight
        self.kernel = self.add_weight("kernel", shape=self._kernel_shape(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, dtype=self._dtype)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, dtype=self._dtype)
        self._built_spec(channels)
        self.built = True

    def _fmt(self):
        return _FORMATS[self.rank][self.data_format == "channels_first"]

    def _op_padding(self):
        """The convolution op's padding: Keras' "causal" pads the input first, then VALID."""
        return "VALID" if self.padding == "causal" else self.padding.upper()

    @property
    def _jit_compiled_convolution_op(self):
        fn = self.__dict__.get("_jit_conv")
        if fn is None:
            def _jit_compiled_convolution_op(inputs, kernel):
                return Conv._convolve(self, inputs, kernel)
            fn = self._jit_conv = tf_api().function(_jit_compiled_convolution_op,
                                                    jit_compile=True)
        return fn

    def _padded(self, inputs):
        """The inputs as the convolution op takes them (Keras' causal padding)."""
        return inputs

    def _convolve(self, inputs, kernel=None):
        tf = tf_api()
        kernel = self.kernel if kernel is None else kernel
        return tf.nn.convolution(inputs, kernel, padding=self._op_padding(),
                                 strides=list(self.strides),
                                 dilation_rate=list(self.dilation_rate),
                                 data_format=self._fmt(), name=type(self).__name__)

    def call(self, inputs):
        tf = tf_api()
        input_shape = inputs.shape
        if self._KERAS_CONV and self.groups > 1:
            # Keras runs a grouped convolution as a jit-compiled tf.function of the inputs and
            # the kernel's value (a PartitionedCall of __inference__jit_compiled_convolution_op)
            outputs = self._jit_compiled_convolution_op(self._padded(inputs),
                                                        tf.convert_to_tensor(self.kernel))
        else:
            outputs = self._convolve(inputs)
        if self.use_bias:
            fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
            rank = outputs.shape.ndims
            if not self._KERAS_CONV:
                outputs = tf.nn.bias_add(outputs, self.bias, data_format=fmt)
            elif self.rank == 1 and fmt == "NCHW":  # (BiasAdd takes no 1-D NCW input)
                outputs += tf.reshape(self.bias, (1, self.filters, 1))
            elif rank is not None and rank > 2 + self.rank:
                outputs = squeeze_batch_dims(
                    outputs, lambda o: tf.nn.bias_add(o, self.bias, data_format=fmt),
                    self.rank + 1)
            else:
                outputs = tf.nn.bias_add(outputs, self.bias, data_format=fmt)
        if self._KERAS_CONV and input_shape.ndims:
            outputs.set_shape(self.compute_output_shape(input_shape))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class Conv1D(Conv):
    """`tf.layers.Conv1D`."""

    rank = 1


class Conv2D(Conv):
    """`tf.layers.Conv2D`.

    >>> import scopeflow as tf
    >>> tf.layers.Conv2D(4, 3)(tf.zeros([1, 5, 5, 2])).shape.as_list() == [1, 3, 3, 4]
    True
    """

    rank = 2


class Conv3D(Conv):
    """`tf.layers.Conv3D`."""

    rank = 3


class Conv2DTranspose(Conv):
    """`tf.layers.Conv2DTranspose`: the gradient of a convolution, as a layer.

    Builds Keras' graph op for op: the output shape stacked from `tf.shape(inputs)` (static
    sizes where known), then the backend's transposed convolution, which on a machine without
    a GPU (as TF) runs channels-first inputs as NHWC between two transposes.
    """

    rank = 2
    _BUILT_NDIM = True
    _KERAS_CONV = False

    def _kernel_shape(self, in_channels):
        return self.kernel_size + (self.filters, in_channels)

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError("Inputs should have rank %d. Received input_shape=%s."
                             % (self.rank + 2, input_shape))
        super().build(input_shape)

    _CHANNELS_OWNER = property(lambda self: "Conv%dDTranspose" % self.rank)

    def compute_output_shape(self, input_shape):
        """Keras' rule: the channels and spatial sizes at the axes of a rank + 2 input."""
        from scopeflow.core.shape import TensorShape
        shape = TensorShape(input_shape).as_list()
        first = self.data_format == "channels_first"
        axes = range(2, 2 + self.rank) if first else range(1, 1 + self.rank)
        pads = getattr(self, "output_padding", None) or (None,) * self.rank
        dilations = self.dilation_rate if self.rank != 3 else (1,) * self.rank
        shape[1 if first else self.rank + 1] = self.filters
        for a, k, s, d, p in zip(axes, self.kernel_size, self.strides, dilations, pads):
            shape[a] = deconv_output_length(shape[a], k, self.padding, s, d, p)
        return TensorShape(shape)

    def _convolve(self, inputs):
        tf = tf_api()
        first = self.data_format == "channels_first"
        dyn = tf.shape(inputs)
        batch = dyn[0]
        axes = range(2, 2 + self.rank) if first else range(1, 1 + self.rank)
        dims = inputs.shape.as_list() if inputs.shape.ndims is not None else [None] * 5
        # Keras reads 2-D sizes statically where known, 1-D and 3-D sizes from tf.shape
        lengths = [dyn[a] if self.rank != 2 or dims[a] is None else dims[a] for a in axes]
        dilations = self.dilation_rate if self.rank != 3 else (1,) * self.rank
        pads = getattr(self, "output_padding", None) or (None,) * self.rank
        sizes = [deconv_output_length(n, k, self.padding, s, d, p) for n, k, s, d, p
                 in zip(lengths, self.kernel_size, self.strides, dilations, pads)]
        shape = tf.stack([batch, self.filters] + sizes if first
                         else [batch] + sizes + [self.filters])
        if self.rank == 2:
            out = self._backend_conv2d_transpose(inputs, shape)
        elif self.rank == 1:
            out = tf.nn.conv1d_transpose(inputs, self.kernel, shape, list(self.strides),
                                         padding=self.padding.upper(), data_format=self._fmt(),
                                         dilations=list(self.dilation_rate))
        else:
            strides = (1, 1) + self.strides if first else (1,) + self.strides + (1,)
            out = tf.nn.conv3d_transpose(inputs, self.kernel, shape, strides,
                                         data_format=self._fmt(),
                                         padding=self.padding.upper())
        static = [deconv_output_length(dims[a], k, self.padding, s, d, p) for a, k, s, d, p
                  in zip(axes, self.kernel_size, self.strides, dilations, pads)]
        out.set_shape([dims[0], self.filters] + static if first
                      else [dims[0]] + static + [self.filters])
        return out

    def _backend_conv2d_transpose(self, x, shape):
        """Keras' backend.conv2d_transpose, op for op."""
        tf = tf_api()
        fmt = "NHWC"
        if self.data_format == "channels_first":
            if self.dilation_rate != (1, 1) or not _has_nchw_support():
                x = tf.transpose(x, (0, 2, 3, 1))  # NCHW -> NHWC
            else:
                fmt = "NCHW"
        if self.data_format == "channels_first" and fmt == "NHWC":
            shape = tf.stack([shape[0], shape[2], shape[3], shape[1]])
        else:
            _ = shape[0]  # Keras asks `output_shape[0] is None`: an unused StridedSlice
        padding = self.padding.upper()
        if self.dilation_rate == (1, 1):
            strides = (1,) + self.strides + (1,) if fmt == "NHWC" else (1, 1) + self.strides
            x = tf.nn.conv2d_transpose(x, self.kernel, shape, strides, padding=padding,
                                       data_format=fmt)
        else:
            x = tf.nn.atrous_conv2d_transpose(x, self.kernel, shape,
                                              rate=self.dilation_rate[0], padding=padding)
        if self.data_format == "channels_first" and fmt == "NHWC":
            x = tf.transpose(x, (0, 3, 1, 2))  # NHWC -> NCHW
        return x


class Conv3DTranspose(Conv2DTranspose):
    """`tf.layers.Conv3DTranspose`."""

    rank = 3


def deconv_output_length(length, size, padding, stride, dilation=1, output_padding=None):
    """One spatial size of a transposed convolution's output (Keras' conv_utils rule): an int,
    None, or a tensor (Mul/Add ops) for a size known only at run time."""
    if length is None:
        return None
    size = size + (size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(size - stride, 0)
        if padding == "full":
            return length * stride - (stride + size - 2)
        return length * stride
    pad = {"same": size // 2, "valid": 0, "full": size - 1}[padding]
    return (length - 1) * stride + size - 2 * pad + output_padding


def _has_nchw_support():
    """Keras' rule: channels-first convolutions run as such only with a GPU and no explicit
    CPU device in scope."""
    import jax

    from scopeflow.core.device import DeviceSpec
    from scopeflow.core.frame import default_graph
    from scopeflow.core.graph import _apply_devices
    if jax.default_backend() == "cpu":
        return False
    frame = default_graph()._local.frame
    probe = _DeviceProbe()  # Keras' _TfDeviceCaptureOp: the device an op made here would get
    if frame is not None and frame.devices:
        _apply_devices(probe, frame.devices)
    return DeviceSpec.from_string(probe._device).device_type != "CPU"


class _DeviceProbe:
    type, name, _device = None, "", ""

    @property
    def device(self):
        return self._device


class SeparableConv2D(Conv):
    """`tf.layers.SeparableConv2D`: a depthwise then a 1x1 pointwise convolution."""

    rank = 2
    _BUILT_NDIM = True
    _KERAS_CONV = False

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=None, depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         bias_constraint=bias_constraint, trainable=trainable, name=name,
                         **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise = (depthwise_initializer, depthwise_regularizer, depthwise_constraint)
        self.pointwise = (pointwise_initializer, pointwise_regularizer, pointwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        init, reg, con = self.depthwise
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=init, regularizer=reg, constraint=con, dtype=self._dtype)
        init, reg, con = self.pointwise
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape=(1,) * self.rank + (channels * self.depth_multiplier,
                                                          self.filters),
            initializer=init, regularizer=reg, constraint=con, dtype=self._dtype)
        self._built_spec(channels)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, dtype=self._dtype)
        self.built = True

    def _convolve(self, inputs):
        first = self.data_format == "channels_first"
        strides = (1, 1) + self.strides if first else (1,) + self.strides + (1,)
        return tf_api().nn.separable_conv2d(
            inputs, self.depthwise_kernel, self.pointwise_kernel, strides=strides,
            padding=self._op_padding(), rate=self.dilation_rate, data_format=self._fmt())


class SeparableConv1D(SeparableConv2D):
    """`tf.layers.SeparableConv1D`: computed as a 2-D one over (1, time)."""

    rank = 1

    def call(self, inputs):
        tf = tf_api()
        first = self.data_format == "channels_first"
        axis = 2 if first else 1
        strides = (1, 1) + self.strides * 2 if first else (1,) + self.strides * 2 + (1,)
        out = tf.nn.separable_conv2d(
            tf.expand_dims(inputs, axis), tf.expand_dims(self.depthwise_kernel, 0),
            tf.expand_dims(self.pointwise_kernel, 0), strides=strides,
            padding=self._op_padding(), rate=(1,) + self.dilation_rate,
            data_format="NCHW" if first else "NHWC")
        if self.use_bias:
            out = tf.nn.bias_add(out, self.bias, data_format="NCHW" if first else "NHWC")
        out = tf.squeeze(out, [axis])
        return self.activation(out) if self.activation is not None else out


def _apply_separable(cls, args):
    """`cls` made from a functional call's arguments (`locals()`) and applied to its inputs.
    (activity_regularizer is accepted and, as before, not used.)"""
    args = dict(args)
    inputs, name, reuse = args.pop("inputs"), args.pop("name"), args.pop("reuse")
    args.pop("activity_regularizer")
    return cls(name=name, _scope=name, _reuse=reuse, **args)(inputs)


def separable_conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
                     data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=None,
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                     trainable=True, name=None, reuse=None):
    """`tf.layers.separable_conv1d`: a SeparableConv1D layer applied once."""
    return _apply_separable(SeparableConv1D, locals())


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=None,
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                     trainable=True, name=None, reuse=None):
    """`tf.layers.separable_conv2d`: a SeparableConv2D layer applied once."""
    return _apply_separable(SeparableConv2D, locals())


def _functional(cls):
    def layer_fn(inputs, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, reuse=None):
        layer = cls(filters, kernel_size, strides=strides, padding=padding,
                    data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                    use_bias=use_bias, kernel_initializer=kernel_initializer,
                    bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                    bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                    bias_constraint=bias_constraint, trainable=trainable, name=name,
                    _scope=name, _reuse=reuse)
        return layer(inputs)

    layer_fn.__doc__ = "`tf.layers.%s` applied once." % cls.__name__
    return layer_fn


conv1d = _functional(Conv1D)
conv2d = _functional(Conv2D)
conv3d = _functional(Conv3D)
conv2d_transpose = _functional(Conv2DTranspose)
conv3d_transpose = _functional(Conv3DTranspose)
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
convolution2d_transpose = conv2d_transpose
