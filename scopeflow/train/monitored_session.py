"""`tf.train.MonitoredSession`, `SingularMonitoredSession`, `MonitoredTrainingSession`: a
session that initializes or restores itself, runs hooks around every run, recovers from
preemption and closes cleanly (TF1's training loop).

>>> import scopeflow as tf
>>> step = tf.train.get_or_create_global_step(); inc = tf.assign_add(step, 1)
>>> with MonitoredSession(hooks=[tf.train.StopAtStepHook(last_step=3)]) as s:
...     while not s.should_stop():
...         n = s.run(inc)
>>> int(n)
3
"""

import inspect
import logging
import sys

from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.train import hooks_saving as _saving
from scopeflow.train.scaffold import ChiefSessionCreator, Scaffold, WorkerSessionCreator
from scopeflow.train.session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

_log = logging.getLogger("tensorflow")
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)
USE_DEFAULT = object()


class _HookedSession:
    """Runs the hooks' before_run / after_run around each run of the raw session."""

    def __init__(self, sess, hooks):
        self._sess, self._hooks = sess, hooks
        self._should_stop = False

    def should_stop(self):
        return self._should_stop

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._should_stop:
            raise RuntimeError("Run called even after should_stop requested.")
        from scopeflow.session_config import RunMetadata, RunOptions
        actual_fetches = {"caller": fetches}
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict), self._sess)
        options = options or RunOptions()  # hooks' options merge in (a ProfilerHook's trace)
        feed_dict = self._before_run(context, actual_fetches, feed_dict, options)
        run_metadata = run_metadata or RunMetadata()
        outputs = self._sess.run(actual_fetches, feed_dict=feed_dict, options=options,
                                 run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(context, SessionRunValues(results=outputs.get(hook),
                                                     options=options, run_metadata=run_metadata))
        self._should_stop = self._should_stop or context.stop_requested
        return outputs["caller"]

    def _before_run(self, context, fetch_dict, user_feed_dict, options):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(context)
            if request is None:
                continue
            if request.options:
                _merge_run_options(options, request.options)
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                if set(hook_feeds) & set(request.feed_dict):
                    raise RuntimeError("Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        if set(hook_feeds) & set(user_feed_dict):
            raise RuntimeError("Same tensor is fed by a SessionRunHook and user.")
        return {**user_feed_dict, **hook_feeds}


def _merge_run_options(options, incoming):
    """TF's merge of a hook's RunOptions into the run's: the larger of each setting."""
    options.trace_level = max(options.trace_level, incoming.trace_level)
    options.timeout_in_ms = max(options.timeout_in_ms, incoming.timeout_in_ms)
    options.inter_op_thread_pool = max(options.inter_op_thread_pool,
                                       incoming.inter_op_thread_pool)
    options.output_partition_graphs = max(options.output_partition_graphs,
                                          incoming.output_partition_graphs)
    options.debug_options.debug_tensor_watch_opts.extend(
        incoming.debug_options.debug_tensor_watch_opts)
    options.debug_options.reset_disk_byte_usage = (
        options.debug_options.reset_disk_byte_usage
        or incoming.debug_options.reset_disk_byte_usage)
    options.report_tensor_allocations_upon_oom = (
        options.report_tensor_allocations_upon_oom
        or incoming.report_tensor_allocations_upon_oom)


class _MonitoredSession:
    """The shared machinery of MonitoredSession and SingularMonitoredSession."""

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        self._graph_was_finalized = default_graph().finalized
        self._hooks = hooks or []
        for h in self._hooks:
            h.begin()
        self._creator = session_creator or ChiefSessionCreator()
        self._should_recover = should_recover
        self._stop_grace_period_secs = stop_grace_period_secs
        self._tf_session = self._coord = None
        self._sess = self._create()

    def _create(self):
        from scopeflow.train.coordinator import Coordinator
        from scopeflow.train.queue_runner import start_queue_runners
        self._tf_session = self._creator.create_session()
        self._coord = Coordinator(clean_stop_exception_types=[])
        if default_graph().get_collection(GraphKeys.QUEUE_RUNNERS):
            start_queue_runners(sess=self._tf_session, coord=self._coord)
        for hook in self._hooks:
            hook.after_create_session(self._tf_session, self._coord)
        return _HookedSession(self._tf_session, self._hooks)

    @property
    def graph(self):
        return None if self._tf_session is None else self._tf_session.graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                return self._coordinated_run(self._sess.run, fetches, feed_dict, options,
                                             run_metadata)
            except _PREEMPTION_ERRORS as e:
                if not self._should_recover:
                    raise
                _log.info("An error was raised. This may be due to a preemption in a connected "
                          "worker or parameter server. The current session will be closed and "
                          "a new session will be created. This error may also occur due to a "
                          "gRPC failure caused by high memory or network bandwidth usage in the "
                          "parameter servers. If this error occurs repeatedly, try increasing "
                          "the number of parameter servers assigned to the job. Error: %s", e)
                self._close_raw()
                self._sess = self._create()

    def _coordinated_run(self, fn, *args):
        try:
            return fn(*args)
        except _PREEMPTION_ERRORS:
            raise
        except Exception:  # TF re-raises it after the coordinator's check
            info = sys.exc_info()
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - the run's own error wins
                raise info[1].with_traceback(info[2]) from None
            raise

    def run_step_fn(self, step_fn):
        """Calls `step_fn(step_context)`; `step_context.request_stop()` raises StopIteration,
        which ends a `with MonitoredSession(...)` block quietly (as in TF)."""
        args = tuple(inspect.signature(step_fn).parameters)
        if args != ("step_context",) and args != ("self", "step_context"):
            raise ValueError("`step_fn` may either have one `step_context` argument, or `self` "
                             "and `step_context` arguments if it's an instance method. Got {} "
                             "instead.".format(args))
        return step_fn(self.StepContext(self._tf_session, self.run))

    class StepContext:
        """What `run_step_fn` passes: the raw session and `run_with_hooks`."""

        def __init__(self, session, run_with_hooks_fn):
            self._session = session
            self._run_with_hooks_fn = run_with_hooks_fn

        @property
        def session(self):
            return self._session

        def run_with_hooks(self, *args, **kwargs):
            return self._run_with_hooks_fn(*args, **kwargs)

        def request_stop(self):
            raise StopIteration("step_fn has requested the iterations to stop.")

    def should_stop(self):
        return self._sess is None or self._sess.should_stop() or self._coord.should_stop()

    def close(self):
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None

    def _close_raw(self):
        try:
            self._coord.request_stop()
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                             ignore_live_threads=True)
        finally:
            self._tf_session.close()

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for h in self._hooks:
                    h.end(self._tf_session)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._close_raw()
            finally:
                self._sess = None
                self._tf_session = self._coord = None
                if not self._graph_was_finalized:
                    default_graph()._unsafe_unfinalize()

    def _is_closed(self):
        return self._sess is None

    def _tf_sess(self):
        return self._tf_session


class MonitoredSession(_MonitoredSession):
    """A session with hooks, created by `session_creator`, recovering from preemption."""

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A chief session with hooks and without recovery; `raw_session()` is the tf.Session."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                      checkpoint_dir=checkpoint_dir,
                                      checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        return self._tf_sess()


def _defaults(steps, secs, default_steps, default_secs):
    """TF's USE_DEFAULT resolution of a (steps, secs) pair of arguments."""
    if steps is USE_DEFAULT and secs is USE_DEFAULT:
        return default_steps, default_secs
    return (None if steps is USE_DEFAULT else steps), (None if secs is USE_DEFAULT else secs)


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None, scaffold=None,
                             hooks=None, chief_only_hooks=None, save_checkpoint_secs=USE_DEFAULT,
                             save_summaries_steps=USE_DEFAULT, save_summaries_secs=USE_DEFAULT,
                             config=None, stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None, save_graph_def=True):
    """A MonitoredSession set up for training: the chief restores from / saves checkpoints to
    `checkpoint_dir` (every 600 s by default) and writes summaries (every 100 steps)."""
    summaries_steps, summaries_secs = _defaults(save_summaries_steps, save_summaries_secs,
                                                100, None)
    checkpoint_steps, checkpoint_secs = _defaults(save_checkpoint_steps, save_checkpoint_secs,
                                                  None, 600)
    scaffold = scaffold or Scaffold()
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
        return MonitoredSession(creator, hooks or [], stop_grace_period_secs)
    all_hooks = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(_saving.StepCounterHook(output_dir=summary_dir,
                                                     every_n_steps=log_step_count_steps))
        if (summaries_steps and summaries_steps > 0) or (summaries_secs and summaries_secs > 0):
            all_hooks.append(_saving.SummarySaverHook(
                scaffold=scaffold, save_steps=summaries_steps, save_secs=summaries_secs,
                output_dir=summary_dir))
    if checkpoint_dir and ((checkpoint_secs and checkpoint_secs > 0)
                           or (checkpoint_steps and checkpoint_steps > 0)):
        all_hooks.append(_saving.CheckpointSaverHook(
            checkpoint_dir, save_steps=checkpoint_steps, save_secs=checkpoint_secs,
            scaffold=scaffold, save_graph_def=save_graph_def))
    all_hooks.extend(hooks or [])
    return MonitoredSession(creator, all_hooks, stop_grace_period_secs)


__all__ = ["MonitoredSession", "MonitoredTrainingSession", "SingularMonitoredSession"]
