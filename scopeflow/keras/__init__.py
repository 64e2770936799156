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


from scopeflow.keras._namespace import hide_modules  # noqa: E402

hide_modules(__name__, _PUBLIC_MODULES)
del hide_modules
