"""`tf.estimator.experimental` early stopping: hooks that stop training when the metrics the
evaluations wrote (model_dir/eval events) cross a threshold or stop improving, checked every
`run_every_secs` or `run_every_steps`; the stop is recorded in a `signal_early_stopping/STOP`
variable, as TF (saved with the checkpoints).

>>> import collections
>>> read_eval_metrics("/nonexistent") == collections.OrderedDict()
True
"""

import collections
import glob
import logging
import operator
import os

from scopeflow.estimator._tf import tf
from scopeflow.train.session_run_hook import SessionRunArgs, SessionRunHook

_log = logging.getLogger("tensorflow")


def make_early_stopping_hook(estimator, should_stop_fn, run_every_secs=60,
                             run_every_steps=None):
    """A hook stopping training when `should_stop_fn()` returns True."""
    from scopeflow.estimator.estimator import Estimator
    if not isinstance(estimator, Estimator):
        raise TypeError("`estimator` must have type `tf.estimator.Estimator`. Got: {}"
                        .format(type(estimator)))
    if run_every_secs is not None and run_every_steps is not None:
        raise ValueError("Only one of `run_every_secs` and `run_every_steps` must be set.")
    if estimator.config.is_chief:
        return _StopOnPredicateHook(should_stop_fn, run_every_secs, run_every_steps)
    return _CheckForStoppingHook()


def _hook(estimator, should_stop, run_every_secs, run_every_steps):
    return make_early_stopping_hook(estimator, should_stop, run_every_secs=run_every_secs,
                                    run_every_steps=run_every_steps)


def _threshold_hook(estimator, metric_name, threshold, higher_is_better, eval_dir, min_steps,
                    run_every_secs, run_every_steps):
    eval_dir = eval_dir if eval_dir is not None else estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt
    words = "greater than" if higher_is_better else "less than"

    def stop_if_threshold_crossed_fn():
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = metrics[metric_name]
            if better(val, threshold):
                _log.info('At step %s, metric "%s" has value %s which is %s the configured '
                          "threshold (%s) for early stopping.", step, metric_name, val, words,
                          threshold)
                return True
        return False

    return _hook(estimator, stop_if_threshold_crossed_fn, run_every_secs,
                 run_every_steps)


def _no_improvement_hook(estimator, metric_name, max_steps, higher_is_better, eval_dir,
                         min_steps, run_every_secs, run_every_steps):
    eval_dir = eval_dir if eval_dir is not None else estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt
    word = "increase" if higher_is_better else "decrease"

    def stop_if_no_metric_improvement_fn():
        best, best_step = None, None
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = metrics[metric_name]
            if best is None or better(val, best):
                best, best_step = val, step
            if step - best_step >= max_steps:
                _log.info('No %s in metric "%s" for %s steps, which is greater than or equal '
                          "to max steps (%s) configured for early stopping.", word,
                          metric_name, step - best_step, max_steps)
                return True
        return False

    return _hook(estimator, stop_if_no_metric_improvement_fn, run_every_secs,
                 run_every_steps)


def stop_if_higher_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                        run_every_secs=60, run_every_steps=None):
    return _threshold_hook(estimator, metric_name, threshold, True, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_lower_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                       run_every_secs=60, run_every_steps=None):
    return _threshold_hook(estimator, metric_name, threshold, False, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_no_increase_hook(estimator, metric_name, max_steps_without_increase,
                             eval_dir=None, min_steps=0, run_every_secs=60,
                             run_every_steps=None):
    return _no_improvement_hook(estimator, metric_name, max_steps_without_increase, True,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def stop_if_no_decrease_hook(estimator, metric_name, max_steps_without_decrease,
                             eval_dir=None, min_steps=0, run_every_secs=60,
                             run_every_steps=None):
    return _no_improvement_hook(estimator, metric_name, max_steps_without_decrease, False,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def read_eval_metrics(eval_dir):
    """{global step: {tag: value}} of the scalar summaries in eval_dir's event files, by
    step."""
    t = tf()
    metrics = collections.defaultdict(dict)
    files = glob.glob(os.path.join(eval_dir, "*.tfevents.*")) if os.path.exists(eval_dir) \
        else []
    for path in files:
        try:
            for event in t.train.summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                values = {v.tag: v.simple_value for v in event.summary.value
                          if v.HasField("simple_value")}
                if values:
                    metrics[event.step].update(values)
        except t.errors.DataLossError as e:
            _log.warning("Skipping rest of the file due to encountering data corruption error; "
                         "file path: %s; original error raised by `tf.train.summary_iterator`: "
                         "%s", path, e)
    return collections.OrderedDict(sorted(metrics.items(), key=lambda kv: kv[0]))


def _get_or_create_stop_var():
    t = tf()
    with t.variable_scope("signal_early_stopping", values=[], reuse=t.AUTO_REUSE):
        return t.get_variable("STOP", shape=[], dtype=t.bool,
                              initializer=t.constant_initializer(False),
                              collections=[t.GraphKeys.GLOBAL_VARIABLES], trainable=False)


class _StopOnPredicateHook(SessionRunHook):
    """Requests a stop (and sets STOP) once `should_stop_fn()` says so."""

    def __init__(self, should_stop_fn, run_every_secs=60, run_every_steps=None):
        if not callable(should_stop_fn):
            raise TypeError("`should_stop_fn` must be callable.")
        self._should_stop_fn = should_stop_fn
        self._timer = tf().train.SecondOrStepTimer(every_secs=run_every_secs,
                                                   every_steps=run_every_steps)
        self._global_step_tensor = self._stop_var = self._stop_op = None

    def begin(self):
        t = tf()
        self._global_step_tensor = t.train.get_global_step()
        self._stop_var = _get_or_create_stop_var()
        self._stop_op = t.assign(self._stop_var, True)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        step = run_values.results
        if self._timer.should_trigger_for_step(step):
            self._timer.update_last_triggered_step(step)
            if self._should_stop_fn():
                _log.info("Requesting early stopping at global step %d", step)
                run_context.session.run(self._stop_op)
                run_context.request_stop()


class _CheckForStoppingHook(SessionRunHook):
    """A non-chief's: stops when the chief set STOP."""

    def begin(self):
        self._stop_var = _get_or_create_stop_var()

    def before_run(self, run_context):
        return SessionRunArgs(self._stop_var)

    def after_run(self, run_context, run_values):
        if run_values.results:
            _log.info("Early stopping requested, suspending run.")
            run_context.request_stop()


__all__ = ["make_early_stopping_hook", "read_eval_metrics", "stop_if_higher_hook",
           "stop_if_lower_hook", "stop_if_no_decrease_hook", "stop_if_no_increase_hook"]
