"""`tf.estimator.experimental.InMemoryEvaluatorHook` (evaluates during training, on the
training session's current variable values fed into a separate evaluation graph, every N
steps and at the end; events in model_dir/eval[_name]) and
`make_stop_at_checkpoint_step_hook` (local runs: a StopAtStepHook).

>>> make_stop_at_checkpoint_step_hook.__name__
'make_stop_at_checkpoint_step_hook'
"""

import os

from scopeflow.estimator._tf import tf
from scopeflow.train.session_run_hook import SessionRunHook


class InMemoryEvaluatorHook(SessionRunHook):
    """Runs `estimator`'s evaluation on `input_fn` every `every_n_iter` training steps."""

    def __init__(self, estimator, input_fn, steps=None, hooks=None, name=None,
                 every_n_iter=100):
        from scopeflow.estimator.estimator import _check_hooks_type
        if every_n_iter is None or every_n_iter <= 0:
            raise ValueError("invalid every_n_iter=%s." % every_n_iter)
        if estimator.config.num_ps_replicas > 0 or estimator.config.num_worker_replicas > 1:
            raise ValueError("InMemoryEvaluator supports only single machine (aka Local) "
                             "setting.")
        self._estimator, self._input_fn, self._steps, self._name = (estimator, input_fn,
                                                                    steps, name)
        self._every_n_iter = every_n_iter
        self._eval_dir = os.path.join(estimator.model_dir, "eval" if not name
                                      else "eval_" + name)
        self._graph = None
        self._hooks = _check_hooks_type(hooks)
        self._hooks.extend(estimator._convert_eval_steps_to_hooks(steps))
        self._timer = tf().train.SecondOrStepTimer(every_steps=every_n_iter)

    def begin(self):
        t = tf()
        self._timer.reset()
        self._iter_count = 0
        self._graph = t.Graph()
        with self._graph.as_default():
            (self._scaffold, self._update_op, self._eval_dict,
             self._all_hooks) = self._estimator._evaluate_build_graph(
                self._input_fn, self._hooks, checkpoint_path=None)
            if self._scaffold.saver is not None:
                raise ValueError("InMemoryEvaluator does not support custom saver")
            if self._scaffold.init_fn is not None:
                raise ValueError("InMemoryEvaluator does not support custom init_fn")
            variables = t.get_collection(t.GraphKeys.GLOBAL_VARIABLES)
            self._var_name_to_eval_var = {v.name: v for v in variables}
            self._var_name_to_placeholder = {v.name: t.placeholder(v.dtype.base_dtype)
                                             for v in variables}

    def after_create_session(self, session, coord):
        t = tf()
        if t.get_collection(t.GraphKeys.SAVEABLE_OBJECTS):
            raise ValueError("InMemoryEvaluator does not support saveables other than global "
                             "variables.")
        train_vars = {v.name: v for v in t.get_collection(t.GraphKeys.GLOBAL_VARIABLES)}
        names = set(self._var_name_to_placeholder) & set(train_vars)
        self._var_name_to_train_var = {n: train_vars[n] for n in names}
        self._var_name_to_eval_var = {n: self._var_name_to_eval_var[n] for n in names}
        with self._graph.as_default():
            self._var_feed_op = t.group([
                t.assign(self._var_name_to_eval_var[n], self._var_name_to_placeholder[n])
                for n in names])
        self._evaluate(session)

    def _evaluate(self, train_session):
        t = tf()
        values = train_session.run(self._var_name_to_train_var)
        feed = {self._var_name_to_placeholder[n]: v for n, v in values.items()}

        def feed_variables(scaffold, session):
            del scaffold
            session.run(self._var_feed_op, feed_dict=feed)

        scaffold = t.train.Scaffold(init_fn=feed_variables, copy_from_scaffold=self._scaffold)
        with self._graph.as_default():
            self._estimator._evaluate_run(checkpoint_path=None, scaffold=scaffold,
                                          update_op=self._update_op,
                                          eval_dict=self._eval_dict,
                                          all_hooks=self._all_hooks,
                                          output_dir=self._eval_dir)
        self._timer.update_last_triggered_step(self._iter_count)

    def after_run(self, run_context, run_values):
        self._iter_count += 1
        if self._timer.should_trigger_for_step(self._iter_count):
            self._evaluate(run_context.session)

    def end(self, session):
        self._evaluate(session)


def make_stop_at_checkpoint_step_hook(estimator, last_step, wait_after_file_check_secs=30):
    """A hook stopping at `last_step` (the chief's: StopAtStepHook; scopeflow runs locally,
    its only chief)."""
    if not estimator.config.is_chief:
        raise NotImplementedError("scopeflow's Estimator runs locally (its only task is the "
                                  "chief)")
    return tf().train.StopAtStepHook(last_step=last_step)


__all__ = ["InMemoryEvaluatorHook", "make_stop_at_checkpoint_step_hook"]
