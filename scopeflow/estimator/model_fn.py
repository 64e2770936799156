"""`tf.estimator.EstimatorSpec`: what a model_fn returns (ops for one mode), validated as
tensorflow_estimator validates it.

>>> EstimatorSpec._fields[:4]
('mode', 'predictions', 'loss', 'train_op')
"""

import collections
import logging

from scopeflow.estimator._tf import check_instances, fn_args, tf
from scopeflow.estimator.mode_keys import ModeKeys

_log = logging.getLogger("tensorflow")

LOSS_METRIC_KEY = "loss"
AVERAGE_LOSS_METRIC_KEY = "average_loss"
_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}
_GRAPH_ERROR = ('{0} with "{1}" must be from the default graph. '
                'Possible causes of this error include: \n\n'
                '1) {0} was created outside the context of the default graph.'
                '\n\n'
                '2) The object passed through to EstimatorSpec was not created '
                'in the most recent call to "model_fn".')


def _is_tensor(x):
    t = tf()
    return isinstance(x, (t.Tensor, t.Variable))


def _check_tensor(x, name):
    if not _is_tensor(x):
        raise TypeError("{} must be Tensor, given: {}".format(name, x))
    return x


def _in_default_graph(x, what, name):
    if x.graph is not tf().get_default_graph():
        raise ValueError(_GRAPH_ERROR.format(what, name))


def _train_op(train_op, mode):
    t = tf()
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if not isinstance(train_op, (t.Operation, t.Tensor, t.Variable)):
        raise TypeError("{} must be Operation or Tensor, given: {}".format("train_op", train_op))
    if isinstance(train_op, t.Variable):
        train_op = train_op.op
    _in_default_graph(train_op, "train_op", train_op.name)
    return train_op


def _loss(loss, mode):
    t = tf()
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _check_tensor(loss, "loss")
    shape = loss.get_shape()
    if shape.num_elements() not in (None, 1):
        raise ValueError("Loss must be scalar, given: {}".format(loss))
    if not shape.is_compatible_with(t.TensorShape([])):
        loss = t.reshape(loss, [])
    _in_default_graph(loss, "loss", loss.name)
    return loss


def _predictions(predictions, mode):
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _check_tensor(v, "predictions[{}]".format(k))
                       for k, v in predictions.items()}
        for k, v in predictions.items():
            _in_default_graph(v, "prediction values", "{0}: {1}".format(k, v.name))
        return predictions
    predictions = _check_tensor(predictions, "predictions")
    _in_default_graph(predictions, "prediction values", predictions.name)
    return predictions


def _hooks(hooks):
    return tuple(check_instances(hooks, tf().train.SessionRunHook,
                                 "All hooks must be SessionRunHook instances, given: {}"))


def _eval_metric_ops(ops):
    if ops is None:
        return {}
    if not isinstance(ops, dict):
        raise TypeError("eval_metric_ops must be a dict, given: {}".format(ops))
    for key, value in ops.items():
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) "
                            "tuples, given: {} for key: {}".format(value, key))
    for key, value in ops.items():
        for v in tf().nest.flatten(value):
            _in_default_graph(v, "eval_metric_ops", "{0}: {1}".format(key, v.name))
    return ops


def _scaffold(scaffold):
    scaffold = scaffold or tf().train.Scaffold()
    if not isinstance(scaffold, tf().train.Scaffold):
        raise TypeError("scaffold must be tf.train.Scaffold. Given: {}".format(scaffold))
    return scaffold


def _export_outputs(export_outputs, predictions, mode):
    if mode != ModeKeys.PREDICT:
        return export_outputs
    from scopeflow.estimator.export_output import get_export_outputs
    return get_export_outputs(export_outputs, predictions)


_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
           "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
           "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _FIELDS)):
    """Ops and objects returned from a `model_fn` and passed to an `Estimator`."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        train_op = _train_op(train_op, mode)
        loss = _loss(loss, mode)
        predictions = _predictions(predictions, mode)
        export_outputs = _export_outputs(export_outputs, predictions, mode)
        return super().__new__(
            cls, mode=mode, predictions=predictions, loss=loss, train_op=train_op,
            eval_metric_ops=_eval_metric_ops(eval_metric_ops), export_outputs=export_outputs,
            training_chief_hooks=_hooks(training_chief_hooks),
            training_hooks=_hooks(training_hooks), scaffold=_scaffold(scaffold),
            evaluation_hooks=_hooks(evaluation_hooks),
            prediction_hooks=_hooks(prediction_hooks))

    def _replace(self, **kwds):
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(*map(kwds.pop, self._fields, list(self)))


def verify_model_fn_args(model_fn, params):
    """TF's checks of a model_fn's argument names against `params`."""
    args = set(fn_args(model_fn))
    if "features" not in args:
        raise ValueError("model_fn (%s) must include features argument." % model_fn)
    if params is not None and "params" not in args:
        raise ValueError("model_fn (%s) does not include params argument, "
                         "but params (%s) is passed to Estimator." % (model_fn, params))
    if params is None and "params" in args:
        _log.warning("Estimator's model_fn (%s) includes params argument, but params are not "
                     "passed to Estimator.", model_fn)
    bad = list(args - _VALID_MODEL_FN_ARGS)
    if bad:
        raise ValueError("model_fn (%s) has following not expected args: %s" % (model_fn, bad))


__all__ = ["EstimatorSpec", "LOSS_METRIC_KEY", "verify_model_fn_args"]
