"""`tf.keras.models`: Model, Sequential, load_model / save_model (HDF5), model_from_json,
clone_model."""
# ruff: noqa: F401 - re-exports

import json

from scopeflow.keras.engine.functional import Model, Sequential
from scopeflow.keras.hdf5 import load_model
from scopeflow.keras.models_clone import clone_model


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None,
               **kwargs):
    model.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer,
               save_format=save_format)


def model_from_config(config, custom_objects=None):
    from scopeflow.keras.serialization import model_from_config as _from
    return _from(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    return model_from_config(json.loads(json_string), custom_objects)
