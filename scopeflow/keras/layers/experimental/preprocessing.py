"""`tf.keras.layers.experimental.preprocessing` of tf_keras' v1 API: the preprocessing layers
TF1 graph mode has (no random augmentation layers there; `adapt` raises RuntimeError)."""

from scopeflow.keras.layers.preprocessing import (  # noqa: F401 - re-exports
    CategoryEncoding,
    Discretization,
    Hashing,
    Normalization,
    PreprocessingLayer,
)
from scopeflow.keras.layers.simple import CenterCrop, Rescaling, Resizing  # noqa: F401
