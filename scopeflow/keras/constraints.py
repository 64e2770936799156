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

    @classmethod
    def from_config(cls, config):
        return cls(**config)


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


class MinMaxNorm(Constraint):
    """Column norms pulled into [min_value, max_value] at `rate` (1: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        tf = tf_api()
        norms = tf.sqrt(tf.reduce_sum(tf.square(w), axis=self.axis, keepdims=True))
        desired = self.rate * tf.clip_by_value(norms, self.min_value, self.max_value) + \
            (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class RadialConstraint(Constraint):
    """Each (height, width) kernel of a rank-4 weight made constant on square rings around
    its centre, each ring taking one diagonal entry as Keras picks it."""

    def __call__(self, w):
        tf = tf_api()
        if w.shape.ndims is None or w.shape.ndims != 4:
            raise ValueError("The weight tensor must have rank 4. Received weight tensor with "
                             "shape: %s" % (w.shape,))
        n = w.shape.as_list()[0]
        diagonal = tf.stack([w[i, i] for i in range(n)])  # (n, channels, kernels)
        return tf.gather(diagonal, _ring_sources(n))  # (n, n, channels, kernels)

    def get_config(self):
        return {}


def _ring_sources(n):
    """Per (row, col) of an n x n kernel, the diagonal index Keras' radial constraint fills it
    from: ring 0 (the centre, 1x1 or 2x2) from start - 1, ring r from start + r - 1 (odd n) or
    start + r (even n), start = n // 2."""
    start, odd = n // 2, n % 2

    def ring(i):
        return abs(i - start) if odd else (i - start if i >= start else start - 1 - i)

    def source(r):
        return start - 1 if r == 0 else start + r - odd

    return [[source(max(ring(i), ring(j))) for j in range(n)] for i in range(n)]


non_neg, max_norm, unit_norm = NonNeg, MaxNorm, UnitNorm
nonneg, maxnorm, unitnorm = NonNeg, MaxNorm, UnitNorm
min_max_norm, radial_constraint = MinMaxNorm, RadialConstraint
_BY_CLASS = {c.__name__: c for c in (Constraint, NonNeg, MaxNorm, UnitNorm, MinMaxNorm,
                                     RadialConstraint)}
_BY_NAME = {"non_neg": NonNeg, "nonneg": NonNeg, "max_norm": MaxNorm, "maxnorm": MaxNorm,
            "unit_norm": UnitNorm, "unitnorm": UnitNorm, "min_max_norm": MinMaxNorm,
            "radial_constraint": RadialConstraint}


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower()) or _BY_CLASS.get(identifier)
        if cls is None:
            from scopeflow.keras.object_registration import unknown
            raise unknown("constraint", identifier)
        return cls()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_CLASS:
        return deserialize(identifier)
    raise ValueError("Could not interpret constraint identifier: " + str(identifier))


def serialize(constraint):
    from scopeflow.keras.object_registration import serialize_object
    return serialize_object(constraint)


def deserialize(config, custom_objects=None):
    from scopeflow.keras.object_registration import deserialize_object
    return deserialize_object(config, _BY_CLASS, get, custom_objects, "constraint")
