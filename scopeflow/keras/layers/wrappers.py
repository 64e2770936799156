"""Keras layer wrappers: TimeDistributed (one layer applied to every timestep) and
Bidirectional (an RNN forwards and backwards, outputs merged).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 4, 3])
>>> tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2))(x).shape.as_list()
[None, 4, 2]
"""

from scopeflow.core.shape import TensorShape
from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers.recurrent import keras_inputs, standardize_args
from scopeflow.layers.core import tf_api


class Wrapper(Layer):
    """A layer around another layer; its weights are the inner layer's."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    trainable_weights = property(lambda self: self.layer.trainable_weights
                                 if self.trainable else [])

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights if self.trainable else self.layer.weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    updates = property(lambda self: self.layer.updates)
    losses = property(lambda self: self.layer.losses)


class TimeDistributed(Wrapper):
    """`(batch, time, ...)`: the inner layer on `(batch * time, ...)`, reshaped back."""

    def build(self, input_shape):
        if self.layer._dtype is None:  # the inner layer takes the wrapper's (Keras)
            self.layer._dtype = self._dtype
        self.layer.build(TensorShape([None]).concatenate(input_shape[2:]))
        self.layer.built = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        """The input's mask over (batch, time), as the inner layer leaves it (tf_keras
        reshapes the inputs for the inner layer's mask first: a `Reshape` op)."""
        dims = inputs.shape.as_list()
        tf_api().reshape(inputs, [-1] + dims[2:])
        return mask

    def call(self, inputs, training=None, mask=None):
        tf = tf_api()
        dims = inputs.shape.as_list()
        steps = dims[1] if dims[1] is not None else tf.shape(inputs)[1]
        flat = tf.reshape(inputs, [-1] + dims[2:])
        kwargs = {"training": training} if self.layer._expects_training_arg and \
            training is not None else {}
        y = self.layer(flat, **kwargs)  # under the inner layer's name scope
        out_dims = y.shape.as_list()[1:]
        out = tf.reshape(y, [-1, steps] + out_dims)
        out.set_shape([dims[0], dims[1]] + out_dims)
        return out


class Bidirectional(Wrapper):
    """An RNN layer run forwards and (a copy) backwards; outputs concatenated by default."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(layer, **kwargs)
        # a masked step of a returned sequence reads zeros, both ways
        zeros = layer.return_sequences
        self.forward_layer = layer._clone(name="forward_" + layer.name,
                                          zero_output_for_mask=zeros)
        self.backward_layer = backward_layer or layer._clone(
            name="backward_" + layer.name, go_backwards=not layer.go_backwards,
            zero_output_for_mask=zeros)
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self._backward_given = backward_layer is not None
        self._num_constants = 0

    def get_config(self):
        """tf_keras' config: the wrapped layer, merge_mode, and backward_layer when given."""
        from scopeflow.keras.serialization import layer_base_config, serialize
        config = layer_base_config(self)
        config.update(layer=serialize(self.layer), merge_mode=self.merge_mode)
        if self._backward_given:
            config["backward_layer"] = serialize(self.backward_layer)
        if self._num_constants:
            config["num_constants"] = self._num_constants
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from scopeflow.keras.serialization import layer_from_config
        config = dict(config)
        num_constants = config.pop("num_constants", 0)
        for key in ("layer", "backward_layer"):
            if isinstance(config.get(key), dict):
                config[key] = layer_from_config(config[key], custom_objects)
        layer = cls(**config)
        layer._num_constants = num_constants
        for inner in (layer.forward_layer, layer.backward_layer):
            inner._num_constants = num_constants
        return layer

    def build(self, input_shape):
        if isinstance(input_shape, list):  # [inputs, *initial_state, *constants]
            input_shape = input_shape[0]
        for layer in (self.forward_layer, self.backward_layer):
            with K.name_scope(layer.name):
                layer.build(input_shape)
        self.built = True

    trainable_weights = property(lambda self: (self.forward_layer.trainable_weights +
                                               self.backward_layer.trainable_weights)
                                 if self.trainable else [])

    @property
    def non_trainable_weights(self):
        return self.forward_layer.non_trainable_weights + \
            self.backward_layer.non_trainable_weights

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out_mask = mask if self.return_sequences else None
        if self.return_state:
            n_states = len(self.forward_layer.cell.state_size) \
                if isinstance(self.forward_layer.cell.state_size, list) else 1
            return [out_mask] * (1 if self.merge_mode else 2) + [None] * (2 * n_states)
        if self.merge_mode is None:
            return [out_mask, out_mask]
        return out_mask

    def __call__(self, inputs, *args, initial_state=None, constants=None, **kwargs):
        """The wrapped RNN's call: `initial_state` holds the forward layer's states, then the
        backward layer's; Keras tensors among them join the inputs, as tf_keras."""
        inputs, initial_state, constants = standardize_args(
            inputs, initial_state, constants, self._num_constants)
        if isinstance(inputs, list):
            if len(inputs) > 1:
                initial_state = inputs[1:]
            inputs = inputs[0]
        if initial_state is None and constants is None:
            return super().__call__(inputs, *args, **kwargs)
        if initial_state is not None and len(initial_state) % 2:
            raise ValueError("When passing `initial_state` to a Bidirectional RNN, the state "
                             "should be a list containing the states of the underlying RNNs. "
                             "Received: %s" % (initial_state,))
        if constants is not None:
            self._num_constants = len(constants)
            for layer in (self.forward_layer, self.backward_layer):
                layer._num_constants = self._num_constants
        extra = list(initial_state or []) + list(constants or [])
        if keras_inputs(extra, _MIXED_BIDIRECTIONAL):  # tf_keras records the None keywords
            return super().__call__([inputs] + extra, *args, initial_state=None,
                                    constants=None, **kwargs)
        return super().__call__(inputs, *args, initial_state=initial_state,
                                constants=constants, **kwargs)

    def call(self, inputs, training=None, mask=None, initial_state=None, constants=None):
        tf = tf_api()
        kwargs = {"training": training} if training is not None else {}
        if mask is not None:
            kwargs["mask"] = mask
        forward = backward = inputs
        forward_state = backward_state = None
        if isinstance(inputs, list) and len(inputs) > 1:  # Keras tensors: split the list
            n = self._num_constants
            pivot = (len(inputs) - n) // 2 + 1
            given = inputs[len(inputs) - n:] if n else []
            forward = [inputs[0]] + inputs[1:pivot] + given
            backward = [inputs[0]] + inputs[pivot:len(inputs) - n] + given
        else:
            if initial_state is not None:
                half = len(initial_state) // 2
                forward_state, backward_state = initial_state[:half], initial_state[half:]
            if constants is not None:
                kwargs["constants"] = constants
        y = self.forward_layer(forward, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(backward, initial_state=backward_state, **kwargs)
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = tf.reverse(y_rev, [0 if getattr(self.forward_layer, "time_major", False)
                                       else 1])
        if self.merge_mode == "concat":
            out = K.concatenate([y, y_rev])
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            out = y * y_rev
        elif self.merge_mode is None:
            out = [y, y_rev]
        else:
            raise ValueError("Invalid merge mode. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + list(states)
        return out


_MIXED_BIDIRECTIONAL = ("The initial state of a Bidirectional layer cannot be specified with a "
                        "mix of TF-Keras tensors and non-Keras tensors (a \"Keras tensor\" is "
                        "a tensor that was returned by a TF-Keras layer, or by `Input`)")
