"""`tf.estimator.export.*Output`: what a model_fn exports for serving (classification,
regression, predict), each turned into a SignatureDef, and EstimatorSpec's default.

>>> PredictOutput._SINGLE_OUTPUT_DEFAULT_NAME
'output'
"""

from scopeflow.estimator._tf import tf
from scopeflow.saved_model import signature_def_utils as _sig
from scopeflow.saved_model.constants import DEFAULT_SERVING_SIGNATURE_DEF_KEY

_ONE_STRING_INPUT = (
    "{} signatures can only accept a single tensor input of type tf.string. Please check to "
    "make sure that you have structured the serving_input_receiver_fn so that it creates a "
    "single string placeholder. If your model function expects multiple inputs, then use "
    "`tf.io.parse_example()` to parse the string into multiple tensors.\n Received: {}")


def _is_tensor(x):
    return isinstance(x, tf().Tensor)


def _single_examples(kind, receiver_tensors):
    if len(receiver_tensors) != 1:
        raise ValueError(_ONE_STRING_INPUT.format(kind, receiver_tensors))
    (_, examples), = receiver_tensors.items()
    if examples.dtype != tf().string:
        raise ValueError(_ONE_STRING_INPUT.format(kind, receiver_tensors))
    return examples


class ExportOutput:
    """An output of a SavedModel signature."""

    _SEPARATOR_CHAR = "/"

    def as_signature_def(self, receiver_tensors):
        raise NotImplementedError

    def _check_output_key(self, key, error_label):
        if isinstance(key, tuple):
            key = self._SEPARATOR_CHAR.join(key)
        if not isinstance(key, str):
            raise ValueError("{} output key must be a string; got {}.".format(error_label, key))
        return key

    def _wrap_and_check_outputs(self, outputs, single_output_default_name, error_label=None):
        if not isinstance(outputs, dict):
            outputs = {single_output_default_name: outputs}
        out = {}
        for key, value in outputs.items():
            name = error_label or single_output_default_name
            key = self._check_output_key(key, name)
            if not _is_tensor(value):
                raise ValueError("{} output value must be a Tensor; got {}.".format(name, value))
            out[key] = value
        return out


class ClassificationOutput(ExportOutput):
    """Scores (float) and/or classes (string) for a classify signature."""

    def __init__(self, scores=None, classes=None):
        if scores is not None and not (_is_tensor(scores) and scores.dtype.is_floating):
            raise ValueError("Classification scores must be a float32 Tensor; got {}"
                             .format(scores))
        if classes is not None and not (_is_tensor(classes) and classes.dtype == tf().string):
            raise ValueError("Classification classes must be a string Tensor; got {}"
                             .format(classes))
        if scores is None and classes is None:
            raise ValueError("Cannot create a ClassificationOutput with empty arguments. At "
                             "least one of `scores` and `classes` must be defined.")
        self._scores, self._classes = scores, classes

    @property
    def scores(self):
        return self._scores

    @property
    def classes(self):
        return self._classes

    def as_signature_def(self, receiver_tensors):
        examples = _single_examples("Classification", receiver_tensors)
        return _sig.classification_signature_def(examples, self.classes, self.scores)


class RegressionOutput(ExportOutput):
    """A float value for a regress signature."""

    def __init__(self, value):
        if not (_is_tensor(value) and value.dtype.is_floating):
            raise ValueError("Regression output value must be a float32 Tensor; got {}"
                             .format(value))
        self._value = value

    @property
    def value(self):
        return self._value

    def as_signature_def(self, receiver_tensors):
        examples = _single_examples("Regression", receiver_tensors)
        return _sig.regression_signature_def(examples, self.value)


class PredictOutput(ExportOutput):
    """Named output tensors for a predict signature."""

    _SINGLE_OUTPUT_DEFAULT_NAME = "output"

    def __init__(self, outputs):
        self._outputs = self._wrap_and_check_outputs(
            outputs, self._SINGLE_OUTPUT_DEFAULT_NAME, error_label="Prediction")

    @property
    def outputs(self):
        return self._outputs

    def as_signature_def(self, receiver_tensors):
        return _sig.predict_signature_def(receiver_tensors, self.outputs)


def get_export_outputs(export_outputs, predictions):
    """EstimatorSpec's export_outputs in PREDICT mode: a PredictOutput of the predictions by
    default, and a `serving_default` entry always."""
    if export_outputs is None:
        export_outputs = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError("`export_outputs` must be dict, received: {}.".format(export_outputs))
    for v in export_outputs.values():
        if not isinstance(v, ExportOutput):
            raise TypeError("Values in `export_outputs` must be ExportOutput objects, "
                            "received: {}.".format(export_outputs))
    if len(export_outputs) == 1:
        (key, value), = export_outputs.items()
        if key != DEFAULT_SERVING_SIGNATURE_DEF_KEY:
            export_outputs[DEFAULT_SERVING_SIGNATURE_DEF_KEY] = value
    if len(export_outputs) > 1 and DEFAULT_SERVING_SIGNATURE_DEF_KEY not in export_outputs:
        raise ValueError("Multiple `export_outputs` were provided, but none of them are "
                         "specified as the default. Use"
                         "`tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY` to specify a "
                         "default.")
    return export_outputs


__all__ = ["ClassificationOutput", "ExportOutput", "PredictOutput", "RegressionOutput"]
