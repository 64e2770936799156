"""`tf.keras` as TF1 graph mode runs it (`tf.compat.v1.keras`, legacy Keras): layers, models,
the backend session, losses, optimizers and the training loop, on scopeflow graphs.

>>> import scopeflow as tf
>>> tf.keras.layers.Dense(2)(tf.placeholder(tf.float32, [None, 3])).name
'dense/BiasAdd:0'
"""
# ruff: noqa: F401 - re-exports

from scopeflow.keras import (activations, applications, backend, callbacks, constraints,
                             datasets, estimator, experimental, initializers, layers, losses,
                             metrics, models, optimizers, preprocessing, regularizers, saving,
                             utils)
from scopeflow.keras.engine.functional import Model, Sequential
from scopeflow.keras.engine.input_layer import Input

__version__ = "2.21.0"

_PUBLIC_MODULES = frozenset((
    "activations", "applications", "backend", "callbacks", "constraints", "datasets",
    "estimator", "experimental", "initializers", "layers", "losses", "metrics", "models",
    "optimizers", "preprocessing", "regularizers", "saving", "utils"))


def _hide_modules():
    """tf.keras holds TF's names only: this package's own modules (hdf5, backend_ops,
    engine, ...) stay importable (sys.modules) but are not attributes, as in TF; also those
    imported later (the import system's setattr on this package is dropped for them)."""
    import sys
    import types

    def private(name, value):
        return isinstance(value, types.ModuleType) and name not in _PUBLIC_MODULES and \
            value.__name__.startswith(__name__ + ".")

    for name, value in list(globals().items()):
        if private(name, value):
            del globals()[name]

    class _Keras(types.ModuleType):
        def __setattr__(self, name, value):
            if not private(name, value):
                super().__setattr__(name, value)

    sys.modules[__name__].__class__ = _Keras


_hide_modules()
