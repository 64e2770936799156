"""`tf.estimator.export`: ServingInputReceiver (the serving graph's inputs and the features
they become) and the two receiver_fn builders: parsing serialized tf.Examples, or raw
placeholders shaped like given tensors.

>>> build_raw_serving_input_receiver_fn({}).__name__
'serving_input_receiver_fn'
"""

import collections

from scopeflow.estimator._tf import tf
from scopeflow.estimator.export_output import (  # noqa: F401 - tf.estimator.export names
                                               ClassificationOutput,
                                               ExportOutput,
                                               PredictOutput,
                                               RegressionOutput,
)

SINGLE_FEATURE_DEFAULT_NAME = "feature"
SINGLE_RECEIVER_DEFAULT_NAME = "input"
SINGLE_LABEL_DEFAULT_NAME = "label"
_SINGLE_TENSOR_DEFAULT_NAMES = {
    "feature": SINGLE_FEATURE_DEFAULT_NAME, "label": SINGLE_LABEL_DEFAULT_NAME,
    "receiver_tensor": SINGLE_RECEIVER_DEFAULT_NAME,
    "receiver_tensors_alternative": SINGLE_RECEIVER_DEFAULT_NAME}


def _check_tensor(tensor, name, error_label="feature"):
    t = tf()
    if not isinstance(tensor, (t.Tensor, t.SparseTensor)):
        fmt_name = " {}".format(name) if name else ""
        raise ValueError("{}{} must be a Tensor, SparseTensor, or RaggedTensor."
                         .format(error_label, fmt_name))


def _check_tensor_key(name, error_label="feature", allow_ints=False):
    if not isinstance(name, str):
        if not allow_ints:
            raise ValueError("{} keys must be strings: {}.".format(error_label, name))
        if not isinstance(name, int):
            raise ValueError("{} keys must be strings or ints: {}.".format(error_label, name))


def wrap_and_check_input_tensors(tensors, field_name, allow_int_keys=False):
    """`tensors` as a dict of names to tensors (a single tensor under the default name)."""
    if tensors is None:
        raise ValueError("{}s must be defined.".format(field_name))
    if not isinstance(tensors, dict):
        tensors = {_SINGLE_TENSOR_DEFAULT_NAMES[field_name]: tensors}
    for name, tensor in tensors.items():
        _check_tensor_key(name, error_label=field_name, allow_ints=allow_int_keys)
        _check_tensor(tensor, name, error_label=field_name)
    return tensors


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors",
                                 "receiver_tensors_alternatives"])):
    """The features a model_fn gets at serving time and the tensors a request feeds."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = wrap_and_check_input_tensors(features, "feature", allow_int_keys=True)
        receiver_tensors = wrap_and_check_input_tensors(receiver_tensors, "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError("receiver_tensors_alternatives must be a dict: {}."
                                 .format(receiver_tensors_alternatives))
            for name, alt in receiver_tensors_alternatives.items():
                receiver_tensors_alternatives[name] = wrap_and_check_input_tensors(
                    alt, "receiver_tensors_alternative")
        return super().__new__(cls, features=features, receiver_tensors=receiver_tensors,
                               receiver_tensors_alternatives=receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple(
        "TensorServingInputReceiver", ["features", "receiver_tensors",
                                       "receiver_tensors_alternatives"])):
    """A ServingInputReceiver whose features are one tensor, passed to model_fn as is."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        _check_tensor(features, None)
        receiver = ServingInputReceiver(features, receiver_tensors,
                                        receiver_tensors_alternatives)
        return super().__new__(
            cls, features=receiver.features[SINGLE_FEATURE_DEFAULT_NAME],
            receiver_tensors=receiver.receiver_tensors,
            receiver_tensors_alternatives=receiver.receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A receiver_fn feeding serialized tf.Examples (`input_example_tensor`) parsed by
    `feature_spec`."""

    def serving_input_receiver_fn():
        t = tf()
        serialized = t.placeholder(dtype=t.string, shape=[default_batch_size],
                                   name="input_example_tensor")
        features = t.io.parse_example(serialized, feature_spec)
        return ServingInputReceiver(features, {"examples": serialized})

    return serving_input_receiver_fn


def _placeholder_from_tensor(x, default_batch_size=None):
    t = tf()
    shape = t.TensorShape([default_batch_size]).concatenate(x.get_shape()[1:])
    name = getattr(getattr(x, "op", None), "name", None)
    return t.placeholder(dtype=x.dtype, shape=shape, name=name)


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A receiver_fn feeding placeholders like `features` (a dict of tensors), batch size
    `default_batch_size`."""

    def serving_input_receiver_fn():
        receiver = {name: _placeholder_from_tensor(x, default_batch_size)
                    for name, x in features.items()}
        return ServingInputReceiver(receiver, receiver)

    return serving_input_receiver_fn


__all__ = ["ClassificationOutput", "ExportOutput", "PredictOutput", "RegressionOutput",
           "ServingInputReceiver", "TensorServingInputReceiver",
           "build_parsing_serving_input_receiver_fn", "build_raw_serving_input_receiver_fn"]
