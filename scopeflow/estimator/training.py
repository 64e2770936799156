"""`tf.estimator.TrainSpec`, `EvalSpec`, `train_and_evaluate` (run locally: train to
max_steps, evaluating after each new checkpoint, at most every `throttle_secs`, and once at
the end). A TF_CONFIG cluster is not supported.

>>> TrainSpec(lambda: None, max_steps=10).max_steps
10
"""

import collections
import logging
import os

from scopeflow.estimator._tf import check_instances, tf
from scopeflow.estimator.exporter import Exporter
from scopeflow.train.hooks_basic import SecondOrStepTimer
from scopeflow.train.hooks_saving import CheckpointSaverListener

_log = logging.getLogger("tensorflow")


def _validate_input_fn(input_fn):
    if not callable(input_fn):
        raise TypeError("`input_fn` must be callable, given: {}".format(input_fn))


def _validate_hooks(hooks):
    return tuple(check_instances(hooks, tf().train.SessionRunHook,
                                 "All hooks must be `SessionRunHook` instances, given: {}"))


def _validate_saving_listeners(listeners):
    return tuple(check_instances(listeners, CheckpointSaverListener,
                                 "All saving_listeners must be `CheckpointSaverListener` "
                                 "instances, given: {}"))


def _validate_exporters(exporters):
    if not exporters:
        return ()
    if isinstance(exporters, Exporter):
        exporters = [exporters]
    names = []
    try:
        for exporter in exporters:
            if not isinstance(exporter, Exporter):
                raise TypeError
            all_names = [e.name for e in exporters]
            if not exporter.name:
                raise ValueError("An Exporter cannot have a name that is `None` or empty. All "
                                 "exporter names: {}".format(all_names))
            if not isinstance(exporter.name, str):
                raise ValueError("An Exporter must have a string name. Given: {}"
                                 .format(type(exporter.name)))
            if exporter.name in names:
                raise ValueError("`exporters` must have unique names. Such a name cannot be "
                                 "`None`. All exporter names: {}".format(all_names))
            names.append(exporter.name)
    except TypeError:
        raise TypeError("`exporters` must be an Exporter, an iterable of Exporter, or `None`, "
                        "found %s." % (exporters,)) from None
    return tuple(exporters)


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks",
                                                     "saving_listeners"])):
    """The training part of train_and_evaluate."""

    def __new__(cls, input_fn, max_steps=None, hooks=None, saving_listeners=None):
        _validate_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError("Must specify max_steps > 0, given: {}".format(max_steps))
        return super().__new__(cls, input_fn=input_fn, max_steps=max_steps,
                               hooks=_validate_hooks(hooks),
                               saving_listeners=_validate_saving_listeners(saving_listeners))


class EvalSpec(collections.namedtuple("EvalSpec", [
        "input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs",
        "throttle_secs"])):
    """The evaluation (and export) part of train_and_evaluate."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        _validate_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError("Must specify steps > 0, given: {}".format(steps))
        if name is not None and not isinstance(name, str):
            raise TypeError("`name` must be string, given: {}".format(name))
        hooks = _validate_hooks(hooks)
        exporters = _validate_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError("Must specify start_delay_secs >= 0, given: {}"
                             .format(start_delay_secs))
        if throttle_secs < 0:
            raise ValueError("Must specify throttle_secs >= 0, given: {}".format(throttle_secs))
        return super().__new__(cls, input_fn=input_fn, steps=steps, name=name, hooks=hooks,
                               exporters=exporters, start_delay_secs=start_delay_secs,
                               throttle_secs=throttle_secs)


class _Evaluator:
    """Evaluates the latest checkpoint (once per checkpoint) and runs the exporters."""

    def __init__(self, estimator, eval_spec, max_training_steps):
        self._estimator, self._spec = estimator, eval_spec
        self._max_training_steps = max_training_steps
        self._previous_ckpt_path = None

    def evaluate_and_export(self):
        path = self._estimator.latest_checkpoint()
        if not path:
            _log.warning("Estimator is not trained yet. Will start an evaluation when a "
                         "checkpoint is ready.")
            return None, []
        if path == self._previous_ckpt_path:
            _log.warning("No new checkpoint ready for evaluation. Skip the current evaluation "
                         "pass as evaluation results are expected to be same for the same "
                         "checkpoint.")
            return None, []
        metrics = self._estimator.evaluate(input_fn=self._spec.input_fn, steps=self._spec.steps,
                                           name=self._spec.name, checkpoint_path=path,
                                           hooks=self._spec.hooks)
        final = (metrics[tf().GraphKeys.GLOBAL_STEP] >= self._max_training_steps
                 if self._max_training_steps else False)
        base = os.path.join(tf().compat.as_str_any(self._estimator.model_dir), "export")
        exports = [e.export(estimator=self._estimator, export_path=os.path.join(base, e.name),
                            checkpoint_path=path, eval_result=metrics,
                            is_the_final_export=final)
                   for e in self._spec.exporters]
        self._previous_ckpt_path = path
        return metrics, exports


class _NewCheckpointListenerForEvaluate(CheckpointSaverListener):
    """Evaluates after each checkpoint but the first, at most every `throttle_secs`."""

    def __init__(self, evaluator, throttle_secs):
        self._evaluator, self._throttle_secs = evaluator, throttle_secs
        self.eval_result, self.export_results = None, None

    def begin(self):
        self._timer = SecondOrStepTimer(every_secs=self._throttle_secs)
        self._is_first_run = True

    def after_save(self, session, global_step_value):
        del session
        if self._is_first_run:
            self._is_first_run = False
            return
        if self._timer.should_trigger_for_step(global_step_value):
            self._evaluate(global_step_value)
        else:
            _log.info("Skip the current checkpoint eval due to throttle secs (%s secs).",
                      self._throttle_secs)

    def end(self, session, global_step_value):
        if global_step_value != self._timer.last_triggered_step():
            self._evaluate(global_step_value)

    def _evaluate(self, global_step_value):
        self._timer.update_last_triggered_step(global_step_value)
        self.eval_result, self.export_results = self._evaluator.evaluate_and_export()
        if self.eval_result is None:
            raise RuntimeError("There was no new checkpoint after the training. Eval status: "
                               "no new checkpoint")


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains `estimator` per train_spec, evaluating per eval_spec; (the last evaluation's
    metrics, the export results)."""
    from scopeflow.estimator.estimator import Estimator
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError("`eval_spec` must have type `tf.estimator.EvalSpec`. Got: {}"
                        .format(type(eval_spec)))
    if not isinstance(estimator, Estimator):
        raise TypeError("`estimator` must have type `tf.estimator.Estimator`. Got: {}"
                        .format(type(estimator)))
    if not isinstance(train_spec, TrainSpec):
        raise TypeError("`train_spec` must have type `tf.estimator.TrainSpec`. Got: {}"
                        .format(type(train_spec)))
    config = estimator.config
    _log.info("Running training and evaluation locally (non-distributed).")
    _log.info("Start train and evaluate loop. The evaluate will happen after every checkpoint. "
              "Checkpoint frequency is determined based on RunConfig arguments: "
              "save_checkpoints_steps %s or save_checkpoints_secs %s.",
              config.save_checkpoints_steps, config.save_checkpoints_secs)
    evaluator = _Evaluator(estimator, eval_spec, train_spec.max_steps)
    listener = _NewCheckpointListenerForEvaluate(evaluator, eval_spec.throttle_secs)
    estimator.train(input_fn=train_spec.input_fn, max_steps=train_spec.max_steps,
                    hooks=list(train_spec.hooks),
                    saving_listeners=train_spec.saving_listeners + (listener,))
    return listener.eval_result, listener.export_results


__all__ = ["EvalSpec", "TrainSpec", "train_and_evaluate"]
