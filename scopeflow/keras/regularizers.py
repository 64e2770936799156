"""`tf.keras.regularizers`: L1/L2 penalties as callables on a weight.

>>> import scopeflow as tf
>>> tf.keras.regularizers.get("l2").get_config()  # float32 factors, as Keras keeps them
{'l2': 0.009999999776482582}
"""

import numpy as np

from scopeflow.layers.core import tf_api


class Regularizer:
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x^2)`, as tf_keras builds it (a 0.0 constant, then
    `l1 * Sum(Abs)` and `2 * l2 * L2Loss` added)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(np.float32(l1)), float(np.float32(l2))

    def __call__(self, x):
        tf = tf_api()
        total = tf.constant(0.0, dtype=x.dtype.base_dtype)
        if self.l1:
            total += self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            total += 2.0 * self.l2 * tf.nn.l2_loss(x)
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """`l1 * sum(|x|)` (config `{"l1": ...}`): one Mul of a Sum of Abs, as tf_keras."""

    def __init__(self, l1=0.01, **kwargs):
        super().__init__(l1=kwargs.pop("l", l1))

    def __call__(self, x):
        tf = tf_api()
        return self.l1 * tf.reduce_sum(tf.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """`l2 * sum(x^2)` (config `{"l2": ...}`), as tf_keras: `2 * l2 * L2Loss(x)`."""

    def __init__(self, l2=0.01, **kwargs):
        super().__init__(l2=kwargs.pop("l", l2))

    def __call__(self, x):
        return 2.0 * self.l2 * tf_api().nn.l2_loss(x)

    def get_config(self):
        return {"l2": self.l2}


def l1(l=0.01):  # noqa: E741 - Keras' argument name
    return L1(l)


def l2(l=0.01):  # noqa: E741
    return L2(l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


_BY_CLASS = {"L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        make = {"l1": l1, "l2": l2, "l1_l2": l1_l2}.get(identifier.lower())
        if make is None:
            from scopeflow.keras.object_registration import unknown
            raise unknown("regularizer", identifier)
        return make()
    if isinstance(identifier, dict):
        cls = _BY_CLASS.get(identifier.get("class_name"), L1L2)
        return cls(**identifier.get("config", {}))
    raise ValueError("Could not interpret regularizer identifier: " + str(identifier))


def serialize(regularizer):
    from scopeflow.keras.object_registration import serialize_object
    return serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from its `serialize`d config, or by name ("l2", "L1L2", ...)."""
    from scopeflow.keras.object_registration import deserialize_object
    names = {**_BY_CLASS, "l1": L1, "l2": L2, "l1_l2": L1L2}
    return deserialize_object(config, _BY_CLASS, lambda name: names[name](), custom_objects,
                              "regularizer")
