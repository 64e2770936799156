"""`tf.layers` Dense, Dropout and Flatten, as classes and as functions."""

import functools
import operator

from scopeflow.layers.base import InputSpec, Layer


def tf_api():
    """The public namespace, imported when first needed (it imports this package)."""
    from scopeflow.compat import v1
    return v1


def smart_cond(pred, true_fn, false_fn, name=None):
    """`true_fn()` or `false_fn()` when `pred` is known statically, else `tf.cond`."""
    tf = tf_api()
    if isinstance(pred, bool) or pred is None:
        return true_fn() if pred else false_fn()
    from scopeflow.ops.constant import constant_value
    static = constant_value(pred) if hasattr(pred, "op") else bool(pred)
    if static is not None:
        return true_fn() if bool(static) else false_fn()
    return tf.cond(pred, true_fn, false_fn, name=name)


class Dense(Layer):
    """`tf.layers.Dense`: `activation(inputs @ kernel + bias)`.

    >>> import scopeflow as tf
    >>> tf.layers.Dense(3)(tf.zeros([2, 4])).name
    'dense/BiasAdd:0'
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer or tf_api().zeros_initializer()
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = input_shape[-1] if input_shape.ndims else None
        last = getattr(last, "value", last)
        if last is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             "defined. Found None. Full input shape received: %s"
                             % (input_shape,))
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.kernel = self.add_weight("kernel", shape=[last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, dtype=self._dtype)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, dtype=self._dtype)
        self.built = True

    def call(self, inputs):
        tf = tf_api()
        rank = inputs.shape.ndims
        if rank == 2 or rank is None:
            outputs = tf.matmul(inputs, self.kernel)
        else:
            outputs = tf.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            shape = inputs.shape.as_list()[:-1] + [self.units]
            outputs.set_shape(shape)
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        dims = tf_api().TensorShape(input_shape).as_list()
        return tf_api().TensorShape(dims[:-1] + [self.units])


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """`tf.layers.dense`: a Dense layer applied once.

    >>> import scopeflow as tf
    >>> tf.layers.dense(tf.zeros([2, 4]), 3, name="fc").name
    'fc/BiasAdd:0'
    """
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name,
                  _scope=name, _reuse=reuse)
    return layer(inputs)


class Dropout(Layer):
    """`tf.layers.Dropout`: drops units with probability `rate` when `training` is true.

    >>> import scopeflow as tf
    >>> tf.layers.Dropout(0.5)(tf.zeros([2])).name
    'dropout/Identity:0'
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def _get_noise_shape(self, inputs):
        """Keras': the noise shape as a tensor, each None the input's size there."""
        if self.noise_shape is None or not isinstance(self.noise_shape, (list, tuple)):
            return self.noise_shape  # (None, or a tensor a subclass made: SpatialDropout)
        tf = tf_api()
        sizes = tf.shape(inputs)
        return tf.convert_to_tensor([sizes[i] if d is None else d
                                     for i, d in enumerate(self.noise_shape)])

    def call(self, inputs, training=False):
        tf = tf_api()
        return smart_cond(training,
                          lambda: tf.nn.dropout(inputs, noise_shape=self._get_noise_shape(inputs),
                                                seed=self.seed, rate=self.rate),
                          lambda: tf.identity(inputs))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """`tf.layers.dropout`: a Dropout layer applied once.

    >>> import scopeflow as tf
    >>> tf.layers.dropout(tf.zeros([2]), training=False).op.type
    'Identity'
    """
    return Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)(inputs, training=training)


class Flatten(Layer):
    """`tf.layers.Flatten`: keeps the batch dimension, flattens the rest.

    >>> import scopeflow as tf
    >>> tf.layers.Flatten()(tf.zeros([2, 3, 4])).shape.as_list()
    [2, 12]
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        tf = tf_api()
        if self.data_format == "channels_first" and inputs.shape.ndims and inputs.shape.ndims > 1:
            perm = [0] + list(range(2, inputs.shape.ndims)) + [1]
            inputs = tf.transpose(inputs, perm=perm)
        shape = inputs.shape
        if shape.ndims == 1:
            return tf.expand_dims(inputs, axis=1)
        dims = shape.as_list()
        if None not in dims[1:]:
            target = tf.constant([-1, int(functools.reduce(operator.mul, dims[1:], 1))])
        elif dims[0] is not None:
            target = tf.constant([int(dims[0]), -1])
        else:
            target = [tf.shape(inputs)[0], -1]
        return tf.reshape(inputs, target)


def flatten(inputs, name=None, data_format="channels_last"):
    """`tf.layers.flatten`: a Flatten layer applied once.

    >>> import scopeflow as tf
    >>> tf.layers.flatten(tf.zeros([2, 3, 4])).op.type
    'Reshape'
    """
    return Flatten(name=name, data_format=data_format)(inputs)
