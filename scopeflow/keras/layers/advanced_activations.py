"""Keras activation layers: ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax.

>>> import scopeflow as tf
>>> tf.keras.layers.LeakyReLU()(tf.placeholder(tf.float32, [None, 2])).op.type
'LeakyRelu'
"""

from scopeflow.keras import backend as K
from scopeflow.keras import constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class ReLU(Layer):
    _masking = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)


class LeakyReLU(Layer):
    _masking = True

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.alpha)


class ELU(Layer):
    _masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return K.elu(inputs, self.alpha)


class ThresholdedReLU(Layer):
    _masking = True

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs):
        tf = tf_api()
        return inputs * tf.cast(tf.greater(inputs, self.theta), inputs.dtype)


class Softmax(Layer):
    _masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        """Masked positions (mask 0) get -1e9 added first (the float16 minimum in half)."""
        tf = tf_api()
        if mask is not None:
            large = tf.float16.min if inputs.dtype.base_dtype == tf.float16 else -1e9
            inputs += (1.0 - tf.cast(mask, inputs.dtype)) * large
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                return tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=self.axis,
                                                           keepdims=True))
            return tf.nn.softmax(inputs, axis=self.axis[0])
        return tf.nn.softmax(inputs, axis=self.axis)


class PReLU(Layer):
    """`max(x, 0) + alpha * min(x, 0)` with a learned `alpha` per unit."""

    _masking = True

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes

    def build(self, input_shape):
        shape = input_shape.as_list()[1:]
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        tf = tf_api()
        pos = tf.nn.relu(inputs)
        neg = -self.alpha * tf.nn.relu(-inputs)
        return pos + neg
