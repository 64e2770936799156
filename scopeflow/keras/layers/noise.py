"""Keras layers active only in training: SpatialDropout1D/2D/3D, GaussianNoise,
GaussianDropout (the learning phase decides, as for Dropout).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 5, 5, 3])
>>> tf.keras.layers.SpatialDropout2D(0.5)(x).name
'spatial_dropout2d/cond/Merge:0'
"""

from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers.core import Dropout
from scopeflow.layers.core import smart_cond, tf_api


class _SpatialDropout(Dropout):
    """Drops whole feature maps: the noise is shared over the spatial axes."""

    rank = 2

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = data_format or K.image_data_format()

    def _get_noise_shape(self, inputs):
        """[batch, 1, ..., channels] (a list, packed by the dropout), made inside the
        training branch as tf_keras makes it."""
        shape = tf_api().shape(inputs)
        ones = [1] * self.rank
        if self.data_format == "channels_first":
            return [shape[0], shape[1]] + ones
        return [shape[0]] + ones + [shape[self.rank + 1]]

    def get_config(self):
        """Dropout's config, as tf_keras writes it (no data_format; noise_shape None)."""
        from scopeflow.keras.serialization import layer_base_config
        return dict(layer_base_config(self), rate=self.rate, noise_shape=None,
                    seed=getattr(self, "seed", None))


class SpatialDropout1D(_SpatialDropout):
    rank = 1

    def __init__(self, rate, **kwargs):
        super().__init__(rate, data_format="channels_last", **kwargs)


class SpatialDropout2D(_SpatialDropout):
    rank = 2


class SpatialDropout3D(_SpatialDropout):
    rank = 3


class GaussianNoise(Layer):
    """Adds N(0, stddev) noise in training."""

    _masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed

    def call(self, inputs, training=None):
        tf = tf_api()
        training = K.learning_phase() if training is None else training
        return smart_cond(training, lambda: inputs + tf.random_normal(
            tf.shape(inputs), 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed),
            lambda: inputs)


class GaussianDropout(Layer):
    """Multiplies by N(1, rate / (1 - rate)) noise in training."""

    _masking = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed

    def call(self, inputs, training=None):
        tf = tf_api()
        training = K.learning_phase() if training is None else training
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        return smart_cond(training, lambda: inputs * tf.random_normal(
            tf.shape(inputs), 1.0, stddev, dtype=inputs.dtype, seed=self.seed),
            lambda: inputs)


class AlphaDropout(Layer):
    """Dropout that keeps SELU's mean and variance: dropped units set to SELU's negative
    saturation, then an affine correction `a * x + b` (in training)."""

    _masking = True
    _ALPHA, _SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=None):
        if not 0.0 < self.rate < 1.0:
            return inputs
        tf = tf_api()
        noise_shape = self.noise_shape if self.noise_shape else tf.shape(inputs)
        training = K.learning_phase() if training is None else training
        return smart_cond(training, lambda: self._dropped(inputs, noise_shape),
                          lambda: inputs)

    def _dropped(self, inputs, noise_shape):
        tf = tf_api()
        rate, alpha_p = self.rate, -self._ALPHA * self._SCALE
        kept = tf.cast(tf.greater_equal(K.random_uniform(noise_shape, seed=self.seed), rate),
                       inputs.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def get_config(self):
        from scopeflow.keras.serialization import layer_base_config
        return dict(layer_base_config(self), rate=self.rate, seed=self.seed)
