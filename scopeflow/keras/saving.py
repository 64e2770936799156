"""`tf.keras.saving`: the same objects as tf.keras.models' save / load and tf.keras.utils'
custom-object registry and (de)serialization, as TF's namespace holds them.

>>> import scopeflow as tf
>>> tf.keras.saving.load_model is tf.keras.models.load_model
True
"""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.models import load_model, save_model
from scopeflow.keras.utils import (custom_object_scope, deserialize_keras_object,
                                   get_custom_objects, get_registered_name, get_registered_object,
                                   register_keras_serializable, serialize_keras_object)
