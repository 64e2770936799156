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

    def _fused_can_be_used(self, ndims):
        """tf_keras' test: the axes end the shape contiguously, epsilon is at least the fused
        kernel's minimum (1.001e-5) and the variables are float32."""
        axis = sorted(self.axis)
        contiguous = axis[-1] == ndims - 1 and axis[-1] - axis[0] == len(axis) - 1
        return contiguous and self.epsilon >= 1.001e-5 and self.dtype == "float32"

    def call(self, inputs):
        tf = tf_api()
        inputs = tf.cast(inputs, self.dtype)
        if self._fused_can_be_used(inputs.shape.ndims):
            out = self._fused_norm(tf, inputs)
        else:
            mean, variance = tf.nn.moments(inputs, self.axis, keep_dims=True)
            gamma = self._broadcast(self.gamma, inputs.shape)  # (TF reshapes gamma first)
            beta = self._broadcast(self.beta, inputs.shape)
            out = tf.nn.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)
        out.set_shape(inputs.shape)
        return out

    def _broadcast(self, v, input_shape):
        """`v` reshaped to broadcast against the input when the axes are not just the last."""
        dims = input_shape.as_list()
        if v is None or v.shape.ndims == len(dims) or self.axis == [len(dims) - 1]:
            return v
        return tf_api().reshape(v, [dims[a] if a in self.axis else 1 for a in range(len(dims))])

    def _fused_norm(self, tf, inputs):
        """FusedBatchNormV3 in training mode over inputs seen as NCHW [1, pre, in, 1]: one
        "channel" per example, then gamma and beta applied outside the kernel."""
        first = min(self.axis)
        shape = tf.shape(inputs)
        pre, inner = tf.reduce_prod(shape[:first]), tf.reduce_prod(shape[first:])
        squeezed = tf.reshape(inputs, [1, pre, inner, 1])  # (1, pre, in, 1)
        ones, zeros = tf.ones([pre], dtype=self.dtype), tf.zeros([pre], dtype=self.dtype)
        out, _, _ = tf.nn.fused_batch_norm(squeezed, scale=ones, offset=zeros,
                                           epsilon=self.epsilon, data_format="NCHW")
        out = tf.reshape(out, shape)
        gamma = self._broadcast(self.gamma, inputs.shape)
        beta = self._broadcast(self.beta, inputs.shape)
        if gamma is not None:
            out = out * gamma
        return out + beta if beta is not None else out
