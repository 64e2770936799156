"""`tf.keras.regularizers`: L1/L2 penalties as callables on a weight.

>>> import scopeflow as tf
>>> tf.keras.regularizers.l2(0.1).l2
0.1
"""

from scopeflow.layers.core import tf_api


class Regularizer:
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x^2)`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        tf = tf_api()
        total = 0.0
        if self.l1:
            total += self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            total += self.l2 * tf.reduce_sum(tf.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def l1(l=0.01):  # noqa: E741 - Keras' argument name
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


L1 = l1
L2 = l2


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return {"l1": l1, "l2": l2, "l1_l2": l1_l2}[identifier.lower()]()
    if isinstance(identifier, dict):
        return L1L2(**identifier.get("config", {}))
    raise ValueError("Could not interpret regularizer identifier: " + str(identifier))
