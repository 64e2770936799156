"""Estimator.evaluate and Estimator.predict (a mixin of Estimator): each builds a fresh graph,
restores the latest checkpoint (or initializes, logging so) and runs until its input ends or
`steps` evaluations ran.

>>> EvalPredictMixin.eval_dir.__name__
'eval_dir'
"""

import logging
import os

from scopeflow.estimator import eval_results as _results
from scopeflow.estimator._tf import tf
from scopeflow.estimator.mode_keys import ModeKeys
from scopeflow.estimator.util import parse_input_fn_result

_log = logging.getLogger("tensorflow")


def _evaluation():
    from scopeflow.slim.training import evaluation
    return evaluation


class EvalPredictMixin:
    """evaluate, predict and their helpers."""

    def eval_dir(self, name=None):
        """model_dir/eval, or model_dir/eval_<name>: where evaluate writes its events."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Evaluates the latest checkpoint (or `checkpoint_path`) on input_fn's data, `steps`
        batches or until the data ends; the metrics dict, `loss` and `global_step` included."""
        from scopeflow.estimator.estimator import _check_hooks_type
        hooks = _check_hooks_type(hooks)
        hooks.extend(self._convert_eval_steps_to_hooks(steps))
        t = tf()
        if not checkpoint_path:
            latest = t.train.latest_checkpoint(self._model_dir)
            if not latest:
                _log.info("Could not find trained model in model_dir: %s, running "
                          "initialization to evaluate.", self._model_dir)
            checkpoint_path = latest
        with t.Graph().as_default():
            scaffold, update_op, eval_dict, all_hooks = self._evaluate_build_graph(
                input_fn, hooks, checkpoint_path)
            return self._evaluate_run(checkpoint_path, scaffold, update_op, eval_dict,
                                      all_hooks, self.eval_dir(name))

    def _convert_eval_steps_to_hooks(self, steps):
        if steps is None:
            return []
        if steps <= 0:
            raise ValueError("Must specify steps > 0, given: {}".format(steps))
        return [_evaluation().StopAfterNEvalsHook(num_evals=steps)]

    def _evaluate_build_graph(self, input_fn, hooks=None, checkpoint_path=None):
        t = tf()
        t.set_random_seed(self._config.tf_random_seed)
        self._create_and_assert_global_step(t.get_default_graph())
        features, labels, input_hooks = self._get_features_and_labels_from_input_fn(
            input_fn, ModeKeys.EVAL)
        spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
        metric_ops = _results.verify_and_create_loss_metric(spec.eval_metric_ops, spec.loss)
        update_op, eval_dict = _results.extract_metric_update_ops(metric_ops)
        global_step = t.train.get_global_step(t.get_default_graph())
        self._maybe_warm_start(checkpoint_path)
        if t.GraphKeys.GLOBAL_STEP in eval_dict:
            raise ValueError("Metric with name `global_step` is not allowed, because Estimator "
                             "already defines a default metric with the same name.")
        eval_dict[t.GraphKeys.GLOBAL_STEP] = global_step
        all_hooks = list(input_hooks) + list(hooks) + list(spec.evaluation_hooks or [])
        scaffold = spec.scaffold
        if scaffold and scaffold.local_init_op:
            _evaluation().get_or_create_eval_step()
            scaffold = t.train.Scaffold(
                local_init_op=t.group(scaffold.local_init_op,
                                      t.train.Scaffold.default_local_init_op()),
                copy_from_scaffold=scaffold)
        return scaffold, update_op, eval_dict, all_hooks

    def _evaluate_run(self, checkpoint_path, scaffold, update_op, eval_dict, all_hooks,
                      output_dir):
        results = _evaluation().evaluate_once(
            checkpoint_path=checkpoint_path, master=self._config.evaluation_master,
            scaffold=scaffold, eval_ops=update_op, final_ops=eval_dict, hooks=all_hooks,
            config=self._session_config)
        step = results[tf().GraphKeys.GLOBAL_STEP]
        _results.write_dict_to_summary(output_dir, results, step)
        if checkpoint_path:
            _results.write_checkpoint_path_to_summary(output_dir, checkpoint_path, step)
        return results

    def _maybe_warm_start(self, checkpoint_path):
        from scopeflow.estimator.warm_starting import warm_start
        if not checkpoint_path and self._warm_start_settings:
            _log.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_start(*self._warm_start_settings)

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields predictions of the latest checkpoint (or `checkpoint_path`) on input_fn's
        features: one example at a time, or whole batches."""
        from scopeflow.estimator.estimator import _check_hooks_type
        t = tf()
        hooks = _check_hooks_type(hooks)
        if not checkpoint_path:
            checkpoint_path = t.train.latest_checkpoint(self._model_dir)
        if not checkpoint_path:
            _log.info("Could not find trained model in model_dir: %s, running initialization "
                      "to predict.", self._model_dir)
        with t.Graph().as_default() as g:
            t.set_random_seed(self._config.tf_random_seed)
            self._create_and_assert_global_step(g)
            features, input_hooks = self._get_features_from_input_fn(input_fn,
                                                                     ModeKeys.PREDICT)
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = self._extract_keys(spec.predictions, predict_keys)
            all_hooks = list(input_hooks) + list(hooks) + list(spec.prediction_hooks or [])
            creator = t.train.ChiefSessionCreator(
                checkpoint_filename_with_path=checkpoint_path, master=self._config.master,
                scaffold=spec.scaffold, config=self._session_config)
            with t.train.MonitoredSession(session_creator=creator, hooks=all_hooks) as sess:
                while not sess.should_stop():
                    values = sess.run(predictions)
                    if not yield_single_examples:
                        yield values
                    elif not isinstance(predictions, dict):
                        yield from values
                    else:
                        for i in range(self._extract_batch_length(values)):
                            yield {key: value[i] for key, value in values.items()}

    def _get_features_from_input_fn(self, input_fn, mode):
        result = self._call_input_fn(input_fn, mode)
        result, _, hooks = parse_input_fn_result(result)
        self._validate_features_in_predict_input(result)
        return result, hooks

    def _validate_features_in_predict_input(self, result):
        t = tf()
        tensors = [x for x in t.nest.flatten(result) if isinstance(x, t.Tensor)]
        if not (any(x.op.type == "IteratorGetNext" for x in tensors)
                or t.get_default_graph().get_collection(t.GraphKeys.QUEUE_RUNNERS)):
            _log.warning("Input graph does not use tf.data.Dataset or contain a QueueRunner. "
                         "That means predict yields forever. This is probably a mistake.")

    def _extract_batch_length(self, values):
        length = None
        for key, value in values.items():
            length = length or value.shape[0]
            if value.shape[0] != length:
                raise ValueError("Batch length of predictions should be same. %s has "
                                 "different batch length than others." % key)
        return length

    def _extract_keys(self, predictions, predict_keys):
        if not predict_keys:
            return predictions
        if not isinstance(predictions, dict):
            raise ValueError("predict_keys argument is not valid in case of non-dict "
                             "predictions.")
        existing = predictions.keys()
        predictions = {k: v for k, v in predictions.items() if k in predict_keys}
        if not predictions:
            raise ValueError("Expected to run at least one output from %s, provided %s."
                             % (existing, predict_keys))
        return predictions
