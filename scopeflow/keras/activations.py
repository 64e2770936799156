"""`tf.keras.activations`: activation functions by name.

>>> import scopeflow as tf
>>> tf.keras.activations.get("relu").__name__
'relu'
"""

from scopeflow.keras import backend_ops as _K
from scopeflow.layers.core import tf_api


def linear(x):
    return x


def relu(x, alpha=0.0, max_value=None, threshold=0):
    return _K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def sigmoid(x):
    return tf_api().nn.sigmoid(x)


def tanh(x):
    return tf_api().nn.tanh(x)


def softmax(x, axis=-1):
    return tf_api().nn.softmax(x, axis=axis)


def elu(x, alpha=1.0):
    return _K.elu(x, alpha)


def selu(x):
    return tf_api().nn.selu(x)


def softplus(x):
    return tf_api().nn.softplus(x)


def softsign(x):
    return tf_api().nn.softsign(x)


def exponential(x):
    return tf_api().exp(x)


def hard_sigmoid(x):
    return _K.hard_sigmoid(x)


def swish(x):
    return tf_api().nn.swish(x)


def _gelu(x, approximate=False):
    # (by name only: tf_keras' v1 activations module has no `gelu`; TF2's tf.nn.gelu builds it)
    from scopeflow.ops.nn import gelu
    return gelu(x, approximate)


_gelu.__name__ = "gelu"


def mish(x):
    """x tanh(softplus(x)) (Misra, 2019)."""
    tf = tf_api()
    return x * tf.tanh(tf.nn.softplus(x))


def _nn(name):
    """tf.nn's function `name`, looked up when called (tf_keras names four of them)."""
    def call(*args, **kwargs):
        return getattr(tf_api().nn, name)(*args, **kwargs)
    call.__name__ = name
    return call


# tf_keras' module also holds tf.nn's relu6, leaky_relu, log_softmax and silu (tf.nn.swish),
# so `get` finds them by name (serialized as tf.nn's function names)
# (by name only: tf.keras.activations has no such attributes)
_log_softmax = _nn("log_softmax")
_log_softmax.__name__ = "log_softmax_v2"

_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, tanh, softmax, elu, selu, softplus,
                                    softsign, exponential, hard_sigmoid, swish, _gelu, mish)}
_BY_NAME.update(relu6=_nn("relu6"), leaky_relu=_nn("leaky_relu"), log_softmax=_log_softmax,
                silu=_nn("swish"))


def get(identifier):
    """The activation for a name (None is linear) or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        from scopeflow.keras.object_registration import get_registered_object, unknown
        found = get_registered_object(identifier, module_objects=_BY_NAME)
        if found is None:
            raise unknown("activation function", identifier)
        return found
    if callable(identifier):
        return identifier
    raise TypeError("Could not interpret activation function identifier: %s" % (identifier,))


def serialize(activation):
    return getattr(activation, "__name__", str(activation))


def deserialize(name, custom_objects=None):
    return get(name)
