"""Keras' HDF5 files through h5py: `save_weights('w.h5')` / `load_weights`, `model.save('m.h5')`
/ `tf.keras.models.load_model`, in the layout tf_keras writes (so each reads the other's).

A weights file has the attributes `backend`, `keras_version`, `layer_names` and, per layer, a
group with the attribute `weight_names` (`dense/kernel:0`, ...) and one dataset per weight at
that path. A model file has the weights under `model_weights`, the architecture as JSON in
`model_config` and the compile arguments in `training_config`.
"""

import json
import logging
import os

import numpy as np

from scopeflow.keras import backend as K
from scopeflow.keras.hdf5_rnn import preprocess_weights

KERAS_VERSION = "2.21.0"


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError("`save_weights` / `load_weights` in HDF5 requires h5py.") from None
    return h5py


def _strings(values):
    """A list of names as tf_keras writes it: a list of bytes (h5py stores variable-length
    strings, read back as str), an empty one as an empty float64 array."""
    return [v.encode("utf8") for v in values] if values else np.array([], dtype="float64")


def _names(attr):
    return [n.decode("utf8") if hasattr(n, "decode") else str(n) for n in attr]


def _layer_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def write_weights(group, model):
    """The weights of every layer of `model` into an h5py group, as Keras lays them out."""
    layers = [layer for layer in model.layers if layer is not model]
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION
    group.attrs["layer_names"] = _strings([layer.name for layer in layers])
    for layer in layers:
        g = group.create_group(layer.name)
        weights = _layer_weights(layer)
        values = K.batch_get_value(weights)
        g.attrs["weight_names"] = _strings([w.name for w in weights])
        for w, value in zip(weights, values):
            g.create_dataset(w.name, data=value)
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = _strings([])


def read_weights(group, model, by_name=False, skip_mismatch=False):
    """Sets the weights of `model`'s layers from a group that `write_weights` (or Keras) wrote:
    by the order of the layers that have weights, or by layer name."""
    saved = [n for n in _names(group.attrs["layer_names"])
             if _names(group[n].attrs["weight_names"])]
    layers = [layer for layer in model.layers if layer is not model and _layer_weights(layer)]
    pairs = []
    if by_name:
        index = {layer.name: layer for layer in layers}
        for name in saved:
            if name in index:
                pairs.append((index[name], name))
    else:
        if len(saved) != len(layers):
            raise ValueError("Layer count mismatch when loading weights from file. Model "
                             "expected %d layers, found %d saved layers."
                             % (len(layers), len(saved)))
        pairs = list(zip(layers, saved))
    tuples = []
    for i, (layer, name) in enumerate(pairs):
        g = group[name]
        values = [np.asarray(g[w]) for w in _names(g.attrs["weight_names"])]
        values = preprocess_weights(layer, values)  # (CuDNN layers' weights <-> plain)
        weights = _layer_weights(layer)
        if len(values) != len(weights):
            if skip_mismatch:
                continue
            raise ValueError("Layer #%d (named \"%s\" in the current model) was found to "
                             "correspond to layer %s in the save file. However the new layer "
                             "%s expects %d weights, but the saved weights have %d elements."
                             % (i, layer.name, name, layer.name, len(weights), len(values)))
        for w, v in zip(weights, values):
            if tuple(w.shape.as_list()) != v.shape:
                if skip_mismatch:
                    break
                raise ValueError("Shape mismatch in layer #%d (named %s) for weight %s. Weight "
                                 "expects shape %s. Received saved weight with shape %s"
                                 % (i, layer.name, w.name, tuple(w.shape.as_list()), v.shape))
            tuples.append((w, v))
    K.batch_set_value(tuples)


def save_weights(model, filepath):
    with _h5py().File(str(filepath), "w") as f:
        write_weights(f, model)


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    with _h5py().File(str(filepath), "r") as f:
        group = f["model_weights"] if "model_weights" in f and "layer_names" not in f.attrs \
            else f
        read_weights(group, model, by_name, skip_mismatch)


# ---- whole models --------------------------------------------------------------------------
def save_model(model, filepath, include_optimizer=True):
    from scopeflow.keras import serialization
    config = {"class_name": serialization.model_class_name(model), "config": model.get_config()}
    with _h5py().File(str(filepath), "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["model_config"] = json.dumps(config, default=serialization.json_default)
        training = serialization.training_config(model) if include_optimizer else None
        if training is not None:
            f.attrs["training_config"] = json.dumps(training,
                                                    default=serialization.json_default)
        write_weights(f.create_group("model_weights"), model)
        if training is not None:
            _write_optimizer_weights(f, model.optimizer)


def _write_optimizer_weights(f, optimizer):
    """The optimizer's step count and slots under `optimizer_weights`, by variable name."""
    weights = optimizer.weights
    if not weights:
        return
    group = f.create_group("optimizer_weights")
    group.attrs["weight_names"] = _strings([w.name for w in weights])
    for w, value in zip(weights, K.batch_get_value(weights)):
        group.create_dataset(w.name, data=value)


def _read_optimizer_weights(f, model):
    """Makes the loaded model's optimizer state and sets it from the file, as Keras does: a
    state that does not fit leaves a fresh optimizer (with a warning)."""
    group = f["optimizer_weights"]
    values = [np.asarray(group[n]) for n in _names(group.attrs["weight_names"])]
    model.optimizer._create_all_weights(model.trainable_weights)
    try:
        model.optimizer.set_weights(values)
    except ValueError:
        logging.getLogger("tensorflow").warning("Error in loading the saved optimizer state. As a result, your "
                           "model is starting with a freshly initialized optimizer.")


def load_model(filepath, custom_objects=None, compile=True, options=None):  # noqa: A002
    """A model from a Keras HDF5 file (or a TF2 Keras SavedModel directory): rebuilt from its
    config, weights set, compiled as saved."""
    from scopeflow.keras import serialization
    if not os.path.exists(str(filepath)):
        raise OSError("No file or directory found at %s" % filepath)
    from scopeflow.keras import saved_model_load
    if saved_model_load.is_keras_saved_model(filepath):
        return saved_model_load.load(filepath, custom_objects, compile)
    if os.path.isdir(str(filepath)):
        saved_model_load.refuse(filepath)
    with _h5py().File(str(filepath), "r") as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ValueError("No model config found in the file at %s." % filepath)
        config = json.loads(raw.decode("utf8") if hasattr(raw, "decode") else raw)
        model = serialization.model_from_config(config, custom_objects)
        read_weights(f["model_weights"], model)
        training = f.attrs.get("training_config")
        if compile and training is not None:
            training = json.loads(training.decode("utf8") if hasattr(training, "decode")
                                  else training)
            serialization.compile_from(model, training, custom_objects)
            if "optimizer_weights" in f:
                _read_optimizer_weights(f, model)
    return model
