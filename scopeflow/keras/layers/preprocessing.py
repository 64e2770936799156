"""`tf.keras.layers.Normalization` as TF1 graph mode has it: a fixed `mean` and `variance`
(`adapt` needs TF 2 behaviour, and says so), or the zero-mean, unit-variance weights that
`adapt` would fill.

>>> import scopeflow as tf
>>> n = tf.keras.layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
>>> n(tf.placeholder(tf.float32, [None, 2])).name
'normalization/truediv:0'
"""

import numpy as np

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class Normalization(Layer):
    """`(x - mean) / max(sqrt(variance), epsilon)` per kept axis (the inverse with `invert`)."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             "set. Got mean: {} and variance: {}".format(mean, variance))
        self.input_mean, self.input_variance, self.invert = mean, variance, invert

    def build(self, input_shape):
        tf = tf_api()
        dims = input_shape.as_list()
        ndim = len(dims)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Found ndim: "
                             "`{}`, axis: {}".format(ndim, self.axis))
        keep = sorted(d if d >= 0 else d + ndim for d in self.axis)
        shape = tuple(dims[d] for d in keep)
        broadcast = [dims[d] if d in keep else 1 for d in range(ndim)]
        if self.input_mean is None:  # what adapt would fill: zeros, ones, a count
            self.adapt_mean = self.add_weight("mean", shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight("count", (), dtype="int64", initializer="zeros",
                                         trainable=False)
            mean, variance = self.adapt_mean, self.adapt_variance
        else:
            mean = self.input_mean * np.ones(shape)
            variance = self.input_variance * np.ones(shape)
        self.mean = tf.cast(tf.reshape(mean, broadcast), "float32")
        self.variance = tf.cast(tf.reshape(variance, broadcast), "float32")
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        raise RuntimeError("`adapt` is only supported in tensorflow v2.")

    def call(self, inputs):
        from scopeflow.keras.backend import epsilon
        tf = tf_api()
        inputs = tf.cast(tf.convert_to_tensor(inputs), "float32")
        scale = tf.maximum(tf.sqrt(self.variance), epsilon())
        if self.invert:
            return self.mean + inputs * scale
        return (inputs - self.mean) / scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def listed(v):
            return np.asarray(v).tolist() if isinstance(v, np.ndarray) else v

        return dict(super().get_config(), axis=self.axis, invert=self.invert,
                    mean=listed(self.input_mean), variance=listed(self.input_variance))
