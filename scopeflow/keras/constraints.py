"""`tf.keras.constraints`: projections applied to a weight after each update.

>>> import scopeflow as tf
>>> tf.keras.constraints.get("non_neg").__class__.__name__
'NonNeg'
"""

from scopeflow.layers.core import tf_api


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}


class NonNeg(Constraint):
    def __call__(self, w):
        tf = tf_api()
        return w * tf.cast(tf.greater_equal(w, 0.0), w.dtype.base_dtype)


class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        tf = tf_api()
        norms = tf.sqrt(tf.reduce_sum(tf.square(w), axis=self.axis, keepdims=True))
        desired = tf.clip_by_value(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        tf = tf_api()
        return w / (1e-7 + tf.sqrt(tf.reduce_sum(tf.square(w), axis=self.axis, keepdims=True)))

    def get_config(self):
        return {"axis": self.axis}


non_neg, max_norm, unit_norm = NonNeg, MaxNorm, UnitNorm
_BY_CLASS = {"NonNeg": NonNeg, "MaxNorm": MaxNorm, "UnitNorm": UnitNorm}


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return {"non_neg": NonNeg, "nonneg": NonNeg, "max_norm": MaxNorm, "maxnorm": MaxNorm,
                "unit_norm": UnitNorm, "unitnorm": UnitNorm}[identifier.lower()]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_CLASS:
        return _BY_CLASS[identifier["class_name"]](**identifier.get("config", {}))
    raise ValueError("Could not interpret constraint identifier: " + str(identifier))
