"""`tf.estimator.add_metrics`: a new Estimator (same model_dir and config) whose evaluation
also reports the metrics `metric_fn` makes from features, labels, predictions and config.

>>> _VALID_METRIC_FN_ARGS == {"features", "labels", "predictions", "config"}
True
"""

from scopeflow.estimator._tf import fn_args
from scopeflow.estimator.mode_keys import ModeKeys

_VALID_METRIC_FN_ARGS = {"features", "labels", "predictions", "config"}


def add_metrics(estimator, metric_fn):
    """`estimator` with `metric_fn`'s {name: (value, update_op)} added to its evaluation."""
    from scopeflow.estimator.estimator import Estimator
    args = fn_args(metric_fn)
    invalid = list(set(args) - _VALID_METRIC_FN_ARGS)
    if invalid:
        raise ValueError("metric_fn (%s) has following not expected args: %s"
                         % (metric_fn, invalid))

    def new_model_fn(features, labels, mode, config):
        spec = estimator.model_fn(features, labels, mode, config)
        if mode != ModeKeys.EVAL:
            return spec
        available = {"features": features, "labels": labels,
                     "predictions": spec.predictions, "config": config}
        new_metrics = metric_fn(**{k: v for k, v in available.items() if k in args})
        metrics = spec.eval_metric_ops or {}
        metrics.update(new_metrics)
        return spec._replace(eval_metric_ops=metrics)

    return Estimator(model_fn=new_model_fn, model_dir=estimator.model_dir,
                     config=estimator.config, warm_start_from=estimator._warm_start_settings)


__all__ = ["add_metrics"]
