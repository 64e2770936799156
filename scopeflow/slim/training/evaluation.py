"""`tf_slim.training.evaluation`: evaluation runs over checkpoints with MonitoredSession.

An evaluation restores a checkpoint, runs `eval_ops` until a hook stops it (StopAfterNEvalsHook
counts the `eval_step` local variable) and returns the values of `final_ops`.

>>> import scopeflow as tf
>>> get_or_create_eval_step().op.name
'eval_step'
"""

import logging
import math
import time

from scopeflow.checkpoint.waiting import checkpoints_iterator, wait_for_new_checkpoint
from scopeflow.layers.core import tf_api
from scopeflow.train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["StopAfterNEvalsHook", "SummaryAtEndHook", "checkpoints_iterator", "evaluate_once",
           "evaluate_repeatedly", "get_or_create_eval_step", "wait_for_new_checkpoint"]

_log = logging.getLogger("tensorflow")


def get_or_create_eval_step():
    """The graph's `eval_step` counter (int64 local variable in the EVAL_STEP collection)."""
    tf = tf_api()
    steps = tf.get_collection(tf.GraphKeys.EVAL_STEP)
    if len(steps) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    if steps:
        return steps[0]
    return tf.get_variable("eval_step", shape=[], dtype=tf.int64,
                           initializer=tf.zeros_initializer(), trainable=False,
                           collections=[tf.GraphKeys.LOCAL_VARIABLES, tf.GraphKeys.EVAL_STEP])


class StopAfterNEvalsHook(SessionRunHook):
    """Requests a stop once the eval step reaches `num_evals` (None: never)."""

    def __init__(self, num_evals, log_progress=True):
        self._num_evals = num_evals
        self._evals_completed = None
        self._log_progress = log_progress
        self._log_frequency = (1 if num_evals is None or num_evals < 20
                               else math.floor(num_evals / 10.0))

    def _set_evals_completed_tensor(self, updated_eval_step):
        self._evals_completed = updated_eval_step

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        done = run_values.results["evals_completed"]
        if self._log_progress:
            if self._num_evals is None:
                _log.info("Evaluation [%d]", done)
            elif done % self._log_frequency == 0 or done == self._num_evals:
                _log.info("Evaluation [%d/%d]", done, self._num_evals)
        if self._num_evals is not None and done >= self._num_evals:
            run_context.request_stop()


class SummaryAtEndHook(SessionRunHook):
    """Writes `summary_op` (default: merge_all) at the global step when the session ends."""

    def __init__(self, log_dir=None, summary_writer=None, summary_op=None, feed_dict=None):
        self._summary_op = summary_op
        self._replace_summary_op = summary_op is None
        self._feed_dict = feed_dict
        self._summary_writer = summary_writer
        self._log_dir = log_dir
        if log_dir is None and summary_writer is None:
            raise ValueError("One of log_dir or summary_writer should be used.")

    def begin(self):
        tf = tf_api()
        if self._replace_summary_op:
            self._summary_op = tf.summary.merge_all()
        self._global_step = tf.train.get_or_create_global_step()

    def after_create_session(self, session, coord):
        if self._summary_writer is None and self._log_dir:
            self._summary_writer = tf_api().summary.FileWriterCache.get(self._log_dir)

    def end(self, session):
        if self._summary_op is not None:
            step = tf_api().train.global_step(session, self._global_step)
            summary = session.run(self._summary_op, self._feed_dict)
            if self._summary_writer:
                self._summary_writer.add_summary(summary, step)
        if self._summary_writer:
            self._summary_writer.flush()


def _with_eval_step(eval_ops, update_eval_step):
    """`eval_ops` (a dict, list or single op) extended by the eval-step update."""
    if isinstance(eval_ops, dict):
        eval_ops["update_eval_step"] = update_eval_step
        return eval_ops
    if isinstance(eval_ops, (tuple, list)):
        return list(eval_ops) + [update_eval_step]
    return [eval_ops, update_eval_step]


def _run_evaluation(checkpoint_path, scaffold, master, config, hooks, eval_ops, feed_dict):
    tf = tf_api()
    creator = tf.train.ChiefSessionCreator(scaffold=scaffold,
                                           checkpoint_filename_with_path=checkpoint_path,
                                           master=master, config=config)
    with tf.train.MonitoredSession(session_creator=creator, hooks=hooks) as session:
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops, feed_dict)


def evaluate_once(checkpoint_path, master="", scaffold=None, eval_ops=None, feed_dict=None,
                  final_ops=None, final_ops_feed_dict=None, hooks=None, config=None):
    """Restores `checkpoint_path`, runs `eval_ops` until a hook stops; `final_ops`' values."""
    tf = tf_api()
    eval_step = get_or_create_eval_step()
    hooks = list(hooks or [])
    if eval_ops is not None:
        update = tf.assign_add(eval_step, 1, use_locking=True)
        eval_ops = _with_eval_step(eval_ops, update)
        deps = list(eval_ops.values()) if isinstance(eval_ops, dict) else eval_ops
        with tf.control_dependencies(deps):
            step_value = tf.identity(eval_step.read_value())
        for h in hooks:
            if isinstance(h, StopAfterNEvalsHook):
                h._set_evals_completed_tensor(step_value)
    _log.info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S"))
    final_hook = tf.train.FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_hook)
    _run_evaluation(checkpoint_path, scaffold, master, config, hooks, eval_ops, feed_dict)
    _log.info("Finished evaluation at %s", time.strftime("%Y-%m-%d-%H:%M:%S"))
    return final_hook.final_ops_values


def evaluate_repeatedly(checkpoint_dir, master="", scaffold=None, eval_ops=None, feed_dict=None,
                        final_ops=None, final_ops_feed_dict=None, eval_interval_secs=60,
                        hooks=None, config=None, max_number_of_evaluations=None, timeout=None,
                        timeout_fn=None):
    """Evaluates each new checkpoint of `checkpoint_dir`; the last `final_ops` values."""
    tf = tf_api()
    eval_step = get_or_create_eval_step()
    hooks = hooks or []
    if eval_ops is not None:
        update = tf.assign_add(eval_step, 1)
        for h in hooks:
            if isinstance(h, StopAfterNEvalsHook):
                h._set_evals_completed_tensor(update)
        eval_ops = _with_eval_step(eval_ops, update)
    final_hook = tf.train.FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_hook)
    paths = checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                 timeout=timeout, timeout_fn=timeout_fn)
    for done, path in enumerate(paths, 1):
        _run_evaluation(path, scaffold, master, config, hooks, eval_ops, feed_dict)
        if max_number_of_evaluations is not None and done >= max_number_of_evaluations:
            break
    return final_hook.final_ops_values
