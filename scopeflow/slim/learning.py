"""`slim.learning`: create_train_op and the Supervisor training loop `train`.

`train` initializes (or restores from `logdir`), runs `train_step_fn` until `number_of_steps`
global steps or a stop, writes summaries every `save_summaries_secs` and checkpoints every
`save_interval_secs`, and saves a final checkpoint `model.ckpt-<step>`.

>>> import scopeflow as tf
>>> slim = tf.contrib.slim
>>> w = tf.Variable(2.0)
>>> op = slim.learning.create_train_op(w * w, tf.train.GradientDescentOptimizer(0.25))
>>> float(slim.learning.train(op, None, number_of_steps=2, save_summaries_secs=None,
...                           save_interval_secs=None)) > 0
True
"""

import logging
import os
import sys
import time

from scopeflow import errors
from scopeflow.layers.core import tf_api
from scopeflow.slim.training import training
from scopeflow.slim.training.training import (
    add_gradients_summaries as _add_gradients_summaries,
)
from scopeflow.slim.training.training import clip_gradient_norms, multiply_gradients

__all__ = [
    "add_gradients_summaries",
    "clip_gradient_norms",
    "create_train_op",
    "multiply_gradients",
    "train",
    "train_step",
]

_log = logging.getLogger("tensorflow")
_USE_GLOBAL_STEP = 0
_USE_DEFAULT = 0


def add_gradients_summaries(grads_and_vars):
    """A histogram `<var>/gradient` and a scalar `<var>/gradient_norm` per gradient."""
    return _add_gradients_summaries(grads_and_vars, separator="/")


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False,
                    gate_gradients=1, aggregation_method=None,
                    colocate_gradients_with_ops=False, gradient_multipliers=None,
                    check_numerics=True):
    """training.create_train_op with gradients multiplied (`multiply_grads`) then clipped
    (`clip_grads`)."""
    tf = tf_api()

    def transform(grads):
        if gradient_multipliers:
            with tf.name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with tf.name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads

    return training.create_train_op(
        total_loss, optimizer, global_step=global_step, update_ops=update_ops,
        variables_to_train=variables_to_train, transform_grads_fn=transform,
        summarize_gradients=summarize_gradients, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
        check_numerics=check_numerics)


def _write_trace(kwargs, run_metadata, step):
    """Writes the run's Chrome trace `tf_trace-<step>.json` into the logdir."""
    from scopeflow.summary.timeline import Timeline
    path = os.path.join(kwargs["logdir"], "tf_trace-%d.json" % step)
    _log.info("Writing trace to %s", path)
    with open(path, "w") as f:
        f.write(Timeline(run_metadata.step_stats).generate_chrome_trace_format())
    if "summary_writer" in kwargs:
        kwargs["summary_writer"].add_run_metadata(run_metadata, "run_metadata-%d" % step)


def train_step(sess, train_op, global_step, train_step_kwargs):
    """Runs `train_op` once; (total loss, whether `should_stop` says to stop)."""
    tf = tf_api()
    start = time.time()
    options = run_metadata = None
    if "should_trace" in train_step_kwargs:
        if "logdir" not in train_step_kwargs:
            raise ValueError("logdir must be present in train_step_kwargs when should_trace "
                             "is present")
        if sess.run(train_step_kwargs["should_trace"]):
            options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
            run_metadata = tf.RunMetadata()
    total_loss, step = sess.run([train_op, global_step], options=options,
                                run_metadata=run_metadata)
    elapsed = time.time() - start
    if run_metadata is not None:
        _write_trace(train_step_kwargs, run_metadata, step)
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        _log.info("global step %d: loss = %.4f (%.3f sec/step)", step, total_loss, elapsed)
    should_stop = ("should_stop" in train_step_kwargs
                   and sess.run(train_step_kwargs["should_stop"]))
    return total_loss, should_stop


def _check_train_args(train_op, logdir, summary_op, saver, trace_every_n_steps,
                      number_of_steps):
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")


def _init_ops(init_op, ready_op, local_init_op, sync_optimizers=(), is_chief=True):
    """The defaults of `train`'s init, ready and local-init ops, in name scope `init_ops`, and
    its ready-for-local-init op (the sync optimizers' local init ops run after local_init_op)."""
    from scopeflow.saved_model.main_op import tables_initializer
    tf = tf_api()
    ready_for_local_init_op = None
    with tf.name_scope("init_ops"):
        if init_op == _USE_DEFAULT:
            init_op = tf.global_variables_initializer()
        if ready_op == _USE_DEFAULT:
            ready_op = tf.report_uninitialized_variables()
        if local_init_op == _USE_DEFAULT:
            local_init_op = tf.group(tf.local_variables_initializer(), tables_initializer())
        if sync_optimizers:
            with tf.control_dependencies([local_init_op] if local_init_op is not None else []):
                local_init_op = tf.group(*[o.chief_init_op if is_chief else o.local_step_init_op
                                           for o in sync_optimizers])
            ready_for_local_init_op = tf.group(
                *[o.ready_for_local_init_op for o in sync_optimizers])
    return init_op, ready_op, local_init_op, ready_for_local_init_op


def _default_step_kwargs(global_step, number_of_steps, log_every_n_steps, trace_every_n_steps,
                         logdir, is_chief):
    """should_stop / should_log / should_trace tensors, in name scope `train_step`."""
    tf = tf_api()
    kwargs = {}
    with tf.name_scope("train_step"):
        kwargs["should_stop"] = (tf.greater_equal(global_step, number_of_steps)
                                 if number_of_steps else tf.constant(False))
        if log_every_n_steps > 0:
            kwargs["should_log"] = tf.equal(tf.mod(global_step, log_every_n_steps), 0)
        if is_chief and trace_every_n_steps is not None:
            kwargs["should_trace"] = tf.equal(tf.mod(global_step, trace_every_n_steps), 0)
            kwargs["logdir"] = logdir
    return kwargs


def _wait_for_step(sess, global_step, step):
    while tf_api().train.global_step(sess, global_step) < step:
        time.sleep(1.0)


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
          log_every_n_steps=1, graph=None, master="", is_chief=True, global_step=None,
          number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None,
          local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT,
          startup_delay_steps=0, saver=None, save_interval_secs=600, sync_optimizer=None,
          session_config=None, session_wrapper=None, trace_every_n_steps=None,
          ignore_live_threads=False):
    """Runs a Supervisor training loop of `train_op`; the last loss value."""
    tf = tf_api()
    _check_train_args(train_op, logdir, summary_op, saver, trace_every_n_steps,
                      number_of_steps)
    if sync_optimizer is not None and startup_delay_steps > 0:
        raise ValueError("startup_delay_steps must be zero when sync_optimizer is supplied.")
    sync = [] if sync_optimizer is None else (
        sync_optimizer if isinstance(sync_optimizer, list) else [sync_optimizer])
    graph = graph or tf.get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = tf.train.get_or_create_global_step()
        saver = saver or tf.train.Saver()
        init_op, ready_op, local_init_op, ready_for_local_init_op = _init_ops(
            init_op, ready_op, local_init_op, sync, is_chief)
        chief_runs = ([o.get_init_tokens_op() for o in sync],
                      [o.get_chief_queue_runner() for o in sync]) if is_chief else ([], [])
        if summary_op == _USE_DEFAULT:
            summary_op = tf.summary.merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = tf.train.Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            train_step_kwargs = _default_step_kwargs(global_step, number_of_steps,
                                                     log_every_n_steps, trace_every_n_steps,
                                                     logdir, is_chief)
    sv = tf.train.Supervisor(
        graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
        init_feed_dict=init_feed_dict, local_init_op=local_init_op,
        ready_for_local_init_op=ready_for_local_init_op, ready_op=ready_op,
        summary_op=summary_op,
        summary_writer=summary_writer, global_step=global_step, saver=saver,
        save_summaries_secs=save_summaries_secs, save_model_secs=save_interval_secs,
        init_fn=init_fn)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    return _supervised_loop(sv, train_op, global_step, train_step_fn, train_step_kwargs,
                            {"master": master, "logdir": logdir, "is_chief": is_chief,
                             "config": session_config, "wrapper": session_wrapper,
                             "delay": min(startup_delay_steps, number_of_steps or sys.maxsize),
                             "ignore_live_threads": ignore_live_threads,
                             "chief_runs": chief_runs})


def _supervised_loop(sv, train_op, global_step, train_step_fn, step_kwargs, how):
    """The session loop of `train`, retried on AbortedError."""
    total_loss = None
    while True:
        try:
            with sv.managed_session(how["master"], start_standard_services=False,
                                    config=how["config"]) as sess:
                if how["wrapper"] is not None:
                    sess = how["wrapper"](sess)
                if how["is_chief"]:
                    if how["logdir"]:
                        sv.start_standard_services(sess)
                elif how["delay"] > 0:
                    _wait_for_step(sess, global_step, how["delay"])
                threads = sv.start_queue_runners(sess)
                tokens, runners = how["chief_runs"]
                if runners:  # a SyncReplicasOptimizer's, on the chief
                    sv.start_queue_runners(sess, runners)
                    sess.run(tokens)
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(sess, train_op, global_step,
                                                                step_kwargs)
                        if should_stop:
                            _log.info("Stopping Training.")
                            sv.request_stop()
                            break
                except errors.OutOfRangeError as e:
                    _log.info("Caught OutOfRangeError. Stopping Training. %s", e)
                if how["logdir"] and sv.is_chief:
                    _log.info("Finished training! Saving model to disk.")
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                    sv.stop(threads, close_summary_writer=True,
                            ignore_live_threads=how["ignore_live_threads"])
            return total_loss
        except errors.AbortedError:
            _log.info("Retrying training!")
