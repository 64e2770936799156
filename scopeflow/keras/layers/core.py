"""Keras core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda, ActivityRegularization (the math of Dense/Dropout/Flatten is tf.layers').

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 3])
>>> tf.keras.layers.Dense(2, activation="relu")(x).name
'dense/Relu:0'
"""

import numpy as np

from scopeflow.keras import activations, backend as K, constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers import core as _tl
from scopeflow.layers.core import smart_cond, tf_api


class Dense(_tl.Dense, Layer):
    """`activation(inputs @ kernel + bias)`, weights `kernel` and `bias`."""

    _masking = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(units, activation=activations.get(activation), use_bias=use_bias,
                         kernel_initializer=initializers.get(kernel_initializer),
                         bias_initializer=initializers.get(bias_initializer),
                         kernel_regularizer=regularizers.get(kernel_regularizer),
                         bias_regularizer=regularizers.get(bias_regularizer),
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=constraints.get(kernel_constraint),
                         bias_constraint=constraints.get(bias_constraint), **kwargs)

    def call(self, inputs):
        out = super().call(inputs)
        return out

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=activations.serialize(self.activation),
                      use_bias=self.use_bias)
        return config


class Activation(Layer):
    """Applies an activation function: `activation(inputs)`."""

    _masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape


class Dropout(_tl.Dropout, Layer):
    """Drops units with probability `rate` in training (the learning phase by default)."""

    _masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate=rate, noise_shape=noise_shape, seed=seed, **kwargs)

    def call(self, inputs, training=None):
        if isinstance(self.rate, (int, float)) and self.rate == 0:
            return tf_api().identity(inputs)  # tf_keras: no cond at rate 0
        if training is None:
            training = K.learning_phase()
        return super().call(inputs, training=training)


class Flatten(_tl.Flatten, Layer):
    """Keeps the batch dimension, flattens the rest."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(data_format=data_format or K.image_data_format(), **kwargs)


class Reshape(Layer):
    """Reshapes to `(batch,) + target_shape` (one -1 allowed)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def compute_output_shape(self, input_shape):
        dims = input_shape.as_list()
        target = list(self.target_shape)
        if -1 in target:
            known = 1
            for d in target:
                known *= d if d != -1 else 1
            rest = dims[1:]
            total = None if None in rest else int(__import__("numpy").prod(rest))
            target[target.index(-1)] = None if total is None else total // known
        return [dims[0]] + target

    def call(self, inputs):
        tf = tf_api()
        out = tf.reshape(inputs, (tf.shape(inputs)[0],) + self.target_shape)
        out.set_shape(self.compute_output_shape(inputs.shape))
        return out


class Permute(Layer):
    """Permutes the non-batch dimensions (`dims` are 1-based)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)

    def call(self, inputs):
        return tf_api().transpose(inputs, perm=(0,) + self.dims)


class RepeatVector(Layer):
    """`(batch, d)` -> `(batch, n, d)`."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n

    def call(self, inputs):
        tf = tf_api()
        return tf.tile(tf.expand_dims(inputs, 1), [1, self.n, 1])


# the config keys of a Lambda's function, output shape and mask: (type, module)
_FUNCTION_KEYS = {"function": ("function_type", "module"),
                  "output_shape": ("output_shape_type", "output_shape_module"),
                  "mask": ("mask_type", "mask_module")}


class Lambda(Layer):
    """Wraps a function of the inputs: `function(inputs, **arguments)`. Its config holds the
    function as Keras writes it: a Python function as its marshalled bytecode (type 'lambda'),
    another callable by name (type 'function', found again through `custom_objects`)."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.arguments = function, arguments or {}
        self._output_shape, self.mask = output_shape, mask

    def call(self, inputs, mask=None, training=None):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, mask=None):
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def get_config(self):
        from scopeflow.keras.serialization import function_config, layer_base_config
        config = layer_base_config(self)
        for key, value, raw in (("function", self.function, False),
                                ("output_shape", self._output_shape, True),
                                ("mask", self.mask, False)):
            if key == "mask" and value is None:
                continue
            kind, module = _FUNCTION_KEYS[key]
            config[key], config[kind], config[module] = function_config(value, raw)
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from scopeflow.keras.serialization import function_from_config
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if key == "mask" and "mask" not in config:
                continue
            kind, module = _FUNCTION_KEYS[key]
            config[key] = function_from_config(config.pop(kind), config[key],
                                               config.pop(module, None), custom_objects)
        config["arguments"] = {k: np.array(v["value"]) if isinstance(v, dict) and
                               v.get("type") == "ndarray" else v
                               for k, v in (config.get("arguments") or {}).items()}
        return cls(**config)


class ActivityRegularization(Layer):
    """Adds `l1 * sum|x| + l2 * sum x^2` of its inputs to the losses."""

    _masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)

    def call(self, inputs):
        return inputs


class Masking(Layer):
    """Zeroes the timesteps whose features all equal `mask_value`, and masks them for the
    layers after it (RNNs skip them)."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs):
        tf = tf_api()
        keep = tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        out = inputs * tf.cast(keep, inputs.dtype)
        self._call_mask = tf.squeeze(keep, axis=-1)  # (batch, time): Keras sets it in call
        return out

    def compute_mask(self, inputs, mask=None):
        made, self._call_mask = getattr(self, "_call_mask", None), None
        if made is not None:  # the mask `call` just made (one NotEqual/Any, as Keras)
            return made
        tf = tf_api()
        keep = tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return tf.squeeze(keep, axis=-1)

    def get_config(self):
        return dict(super().get_config(), mask_value=self.mask_value)


__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute", "RepeatVector",
           "Lambda", "ActivityRegularization", "Masking", "smart_cond"]
