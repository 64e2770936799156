"""`slim.evaluation`: evaluate_once and evaluation_loop with summaries written at the end.

>>> import scopeflow as tf
>>> tf.contrib.slim.evaluation.evaluation_loop.__name__
'evaluation_loop'
"""

from scopeflow.layers.core import tf_api
from scopeflow.slim.training import evaluation as _evaluation
from scopeflow.slim.training.evaluation import (
    StopAfterNEvalsHook,
    SummaryAtEndHook,
    checkpoints_iterator,
    evaluate_repeatedly,
    get_or_create_eval_step,
    wait_for_new_checkpoint,
)

__all__ = [
    "StopAfterNEvalsHook",
    "SummaryAtEndHook",
    "checkpoints_iterator",
    "evaluate_once",
    "evaluate_repeatedly",
    "evaluation_loop",
    "get_or_create_eval_step",
    "wait_for_new_checkpoint",
]

_USE_DEFAULT = 0


def _hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks):
    """StopAfterNEvalsHook(num_evals), a SummaryAtEndHook, then the caller's hooks."""
    if summary_op == _USE_DEFAULT:
        summary_op = tf_api().summary.merge_all()
    out = [StopAfterNEvalsHook(num_evals)]
    if summary_op is not None:
        out.append(SummaryAtEndHook(log_dir=logdir, summary_op=summary_op,
                                    feed_dict=summary_op_feed_dict))
    return out + list(hooks or [])


def _saver(variables_to_restore):
    return None if variables_to_restore is None else tf_api().train.Saver(variables_to_restore)


def evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None,
                  initial_op_feed_dict=None, eval_op=None, eval_op_feed_dict=None,
                  final_op=None, final_op_feed_dict=None, summary_op=_USE_DEFAULT,
                  summary_op_feed_dict=None, variables_to_restore=None, session_config=None,
                  hooks=None):
    """Runs `eval_op` `num_evals` times on `checkpoint_path`; the value of `final_op`."""
    scaffold = tf_api().train.Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                                       saver=_saver(variables_to_restore))
    return _evaluation.evaluate_once(
        checkpoint_path, master=master, scaffold=scaffold, eval_ops=eval_op,
        feed_dict=eval_op_feed_dict, final_ops=final_op, final_ops_feed_dict=final_op_feed_dict,
        hooks=_hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks),
        config=session_config)


def evaluation_loop(master, checkpoint_dir, logdir, num_evals=1, initial_op=None,
                    initial_op_feed_dict=None, init_fn=None, eval_op=None,
                    eval_op_feed_dict=None, final_op=None, final_op_feed_dict=None,
                    summary_op=_USE_DEFAULT, summary_op_feed_dict=None,
                    variables_to_restore=None, eval_interval_secs=60,
                    max_number_of_evaluations=None, session_config=None, timeout=None,
                    timeout_fn=None, hooks=None):
    """Evaluates each new checkpoint of `checkpoint_dir`; the last value of `final_op`."""
    scaffold = tf_api().train.Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                                       init_fn=init_fn, saver=_saver(variables_to_restore))
    return evaluate_repeatedly(
        checkpoint_dir, master=master, scaffold=scaffold, eval_ops=eval_op,
        feed_dict=eval_op_feed_dict, final_ops=final_op, final_ops_feed_dict=final_op_feed_dict,
        eval_interval_secs=eval_interval_secs,
        hooks=_hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks),
        config=session_config, max_number_of_evaluations=max_number_of_evaluations,
        timeout=timeout, timeout_fn=timeout_fn)
