"""`tf.keras.layers.LocallyConnected1D` / `LocallyConnected2D`: convolutions whose kernel is
not shared, one per output position (Keras' default implementation 1: a batched matmul over the
positions' patches, `K.local_conv`).

>>> import scopeflow as tf
>>> y = tf.keras.layers.LocallyConnected1D(4, 3)(tf.placeholder(tf.float32, [None, 8, 2]))
>>> y.shape.as_list()
[None, 6, 4]
"""

from scopeflow.keras import regularizers
from scopeflow.keras.backend_nn import _local_conv
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers.conv import _keras_args
from scopeflow.layers.core import tf_api


def _tuple(value, n):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * n


class _LocallyConnected(Layer):
    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        from scopeflow.keras.backend import image_data_format
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, self.rank)
        self.strides = _tuple(strides, self.rank)
        self.padding = padding.lower()
        if self.padding != "valid" and implementation == 1:
            raise ValueError("Invalid border mode for %s (only \"valid\" is supported if "
                             "implementation is 1): %s" % (type(self).__name__, padding))
        if implementation != 1:
            raise NotImplementedError("LocallyConnected implementation %s: only 1 (the "
                                      "default) is supported" % (implementation,))
        self.data_format = data_format or image_data_format()
        self.use_bias, self.implementation = use_bias, implementation
        args = dict(activation=activation, kernel_initializer=kernel_initializer,
                    bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                    bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                    bias_constraint=bias_constraint)
        self.__dict__.update(_keras_args(args, *args))

    def _spatial(self, input_shape):
        """(input channels, spatial sizes) of a (batch, ..., channels) or channels-first shape."""
        dims = input_shape.as_list()
        if self.data_format == "channels_first":
            return dims[1], dims[2:]
        return dims[-1], dims[1:-1]

    def build(self, input_shape):
        channels, sizes = self._spatial(input_shape)
        self.output_size = tuple((n - k) // s + 1
                                 for n, k, s in zip(sizes, self.kernel_size, self.strides))
        positions = 1
        for n in self.output_size:
            positions *= n
        patch = channels
        for k in self.kernel_size:
            patch *= k
        self.kernel = self.add_weight(
            "kernel", (positions, patch, self.filters), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None if not self.use_bias else self.add_weight(
            "bias", (*self.output_size, self.filters), initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        from scopeflow.keras.backend_conv import bias_add
        out = _local_conv(inputs, self.kernel, self.kernel_size, self.strides,
                          self.output_size, self.data_format)
        if self.use_bias:
            out = bias_add(out, self.bias, data_format=self.data_format)
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        shape = tf_api().TensorShape(input_shape)
        _, sizes = self._spatial(shape)
        out = [None if n is None else (n - k) // s + 1
               for n, k, s in zip(sizes, self.kernel_size, self.strides)]
        if self.data_format == "channels_first":
            return tf_api().TensorShape([shape[0], self.filters, *out])
        return tf_api().TensorShape([shape[0], *out, self.filters])


class LocallyConnected1D(_LocallyConnected):
    """Unshared 1-D convolution of (batch, steps, channels)."""

    rank = 1


class LocallyConnected2D(_LocallyConnected):
    """Unshared 2-D convolution of (batch, rows, cols, channels)."""

    rank = 2
