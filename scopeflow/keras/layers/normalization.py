"""Keras BatchNormalization (training flag or the learning phase) and LayerNormalization.

>>> import scopeflow as tf
>>> bn = tf.keras.layers.BatchNormalization()
>>> _ = bn(tf.placeholder(tf.float32, [None, 4]))
>>> [v.name for v in bn.non_trainable_weights]
['batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']
"""

from scopeflow.keras import backend as K, constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers import normalization as _tl
from scopeflow.layers.core import tf_api


class BatchNormalization(_tl.BatchNormalization, Layer):
    """Batch statistics in training, moving averages in inference; updates in `layer.updates`
    (not in the UPDATE_OPS collection, as Keras)."""

    _masking = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                         scale=scale, beta_initializer=initializers.get(beta_initializer),
                         gamma_initializer=initializers.get(gamma_initializer),
                         moving_mean_initializer=initializers.get(moving_mean_initializer),
                         moving_variance_initializer=initializers.get(
                             moving_variance_initializer),
                         beta_regularizer=regularizers.get(beta_regularizer),
                         gamma_regularizer=regularizers.get(gamma_regularizer),
                         beta_constraint=constraints.get(beta_constraint),
                         gamma_constraint=constraints.get(gamma_constraint), **kwargs)

    def get_config(self):
        """As tf_keras writes it: once built, `axis` is the list of positive axes."""
        config = super().get_config()
        if self.built:
            config["axis"] = list(self._axes)
        return config

    def call(self, inputs, training=None, mask=None):
        if training is None:
            training = K.learning_phase()
        if isinstance(training, int) and not isinstance(training, bool):
            training = bool(training)
        return super().call(inputs, training=training, mask=mask)


class LayerNormalization(Layer):
    """Normalizes each example over `axis`, then `gamma * x + beta`."""

    _masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.axis = [axis] if isinstance(axis, int) else list(axis)
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndims = input_shape.ndims
        self.axis = [a % ndims for a in self.axis]
        shape = [input_shape.as_list()[a] for a in self.axis]
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def get_config(self):
        """As tf_keras writes it: once built, `axis` is the list of positive axes."""
        config = super().get_config()
        if self.built:
            config["axis"] = list(self.axis)
        return config

    def call(self, inputs):
        tf = tf_api()
        mean, variance = tf.nn.moments(inputs, self.axis, keep_dims=True)
        with tf.name_scope("norm"):  # the output is `<layer>/add`, as TF's fused path names it
            out = (inputs - mean) * tf.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            out = out * self.gamma
        return out + self.beta if self.beta is not None else out
