"""`tf.keras.initializers` (TF1 graph mode): TF1's initializer classes with Keras' defaults
and names.

>>> import scopeflow as tf
>>> type(tf.keras.initializers.get("glorot_uniform")).__name__
'GlorotUniform'
"""

from scopeflow.ops import init_ops as _io
from scopeflow.ops.init_ops import (  # noqa: F401 - re-exports
    Constant, GlorotNormal, GlorotUniform, Identity, Initializer, Ones, Orthogonal,
    VarianceScaling, Zeros,
)


class RandomNormal(_io.RandomNormal):
    """Keras' normal initializer: stddev 0.05 unless told."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype="float32"):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


class RandomUniform(_io.RandomUniform):
    """Keras' uniform initializer: [-0.05, 0.05) unless told."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype="float32"):
        super().__init__(minval=minval, maxval=maxval, seed=seed, dtype=dtype)


class TruncatedNormal(_io.TruncatedNormal):
    """Keras' truncated normal initializer: stddev 0.05 unless told."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype="float32"):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


def _scaled(name, scale, mode, distribution):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution,
                                 seed=seed)

    def get_config(self):
        return {"seed": self.seed}

    doc = "`tf.keras.initializers.%s`." % name
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc})


HeNormal = _scaled("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _scaled("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _scaled("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _scaled("LecunUniform", 1.0, "fan_in", "uniform")
he_normal, he_uniform = HeNormal, HeUniform
lecun_normal, lecun_uniform = LecunNormal, LecunUniform
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
normal, uniform = RandomNormal, RandomUniform
glorot_normal, glorot_uniform = GlorotNormal, GlorotUniform
orthogonal, identity, variance_scaling = Orthogonal, Identity, VarianceScaling

_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "randomnormal": RandomNormal, "random_uniform": RandomUniform, "randomuniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "truncatednormal": TruncatedNormal,
    "glorot_normal": GlorotNormal, "glorotnormal": GlorotNormal, "glorot_uniform": GlorotUniform,
    "glorotuniform": GlorotUniform, "orthogonal": Orthogonal, "identity": Identity,
    "variance_scaling": VarianceScaling, "variancescaling": VarianceScaling,
    "he_normal": HeNormal, "henormal": HeNormal, "he_uniform": HeUniform,
    "heuniform": HeUniform, "lecun_normal": LecunNormal, "lecunnormal": LecunNormal,
    "lecun_uniform": LecunUniform, "lecununiform": LecunUniform,
    "normal": RandomNormal, "uniform": RandomUniform,
}


def get(identifier):
    """An initializer from a name, a `{"class_name", "config"}` dict, or itself."""
    if identifier is None or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, dict):
        cls = _BY_NAME[identifier["class_name"].lower()]
        return cls(**identifier.get("config", {}))
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            from scopeflow.keras.object_registration import unknown
            raise unknown("initializer", identifier)
        return _BY_NAME[key]()
    if isinstance(identifier, type):
        return identifier()
    raise ValueError("Could not interpret initializer identifier: " + str(identifier))


def serialize(initializer):
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config, custom_objects=None):
    return get(config)
