"""`tf.keras.layers.DepthwiseConv1D`: one filter bank per input channel over the time axis, as
Keras runs it (a depthwise 2-D convolution of a height-1 image, bias added before the squeeze).

>>> import scopeflow as tf
>>> tf.keras.layers.DepthwiseConv1D(3)(tf.placeholder(tf.float32, [None, 8, 2])).name
'depthwise_conv1d/Squeeze:0'
"""

from scopeflow.keras.layers.conv import Conv1D, _Depthwise
from scopeflow.layers.core import tf_api


class DepthwiseConv1D(_Depthwise, Conv1D):
    """One filter bank per input channel (`depth_multiplier` outputs each), over time."""

    def call(self, inputs):
        tf = tf_api()
        first = self.data_format == "channels_first"
        strides = (1, 1) + self.strides * 2 if first else (1,) + self.strides * 2 + (1,)
        axis = 2 if first else 1  # the height-1 axis
        fmt = "NCHW" if first else "NHWC"
        outputs = tf.nn.depthwise_conv2d(
            tf.expand_dims(inputs, axis), tf.expand_dims(self.depthwise_kernel, axis=0),
            strides=strides, padding=self.padding.upper(),
            dilations=(1, *self.dilation_rate), data_format=fmt)
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias, data_format=fmt)
        outputs = tf.squeeze(outputs, [axis])
        return outputs if self.activation is None else self.activation(outputs)
