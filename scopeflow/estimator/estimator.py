"""`tf.estimator.Estimator`: trains, evaluates and predicts with a model_fn, each call in a
fresh graph and a MonitoredSession that restores the latest checkpoint of `model_dir` (TF 1's
high-level training loop, as tensorflow_estimator runs it).

>>> import scopeflow as tf
>>> def model_fn(features, labels, mode):
...     w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
...     loss = tf.reduce_mean(tf.square(features - labels - w))
...     step = tf.train.get_global_step()
...     train = tf.train.GradientDescentOptimizer(0.5).minimize(loss, step)
...     return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)
>>> import tempfile
>>> est = tf.estimator.Estimator(model_fn, model_dir=tempfile.mkdtemp())
>>> est = est.train(lambda: (tf.constant([1.0]), tf.constant([0.0])), steps=2)
>>> est.get_variable_names()
['global_step', 'w']
"""

import copy
import logging
import tempfile

from scopeflow.estimator import model_fn as model_fn_lib
from scopeflow.estimator import run_config
from scopeflow.estimator._estimator_eval import EvalPredictMixin
from scopeflow.estimator._estimator_export import ExportMixin
from scopeflow.estimator._tf import check_instances, fn_args, tf
from scopeflow.estimator.mode_keys import ModeKeys
from scopeflow.estimator.util import parse_input_fn_result
from scopeflow.estimator.warm_starting import default_warm_start_settings, warm_start

_log = logging.getLogger("tensorflow")


class Estimator(EvalPredictMixin, ExportMixin):
    """Trains and evaluates a TF model defined by `model_fn`."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        _assert_members_are_not_overridden(Estimator, self)
        self._config = maybe_overwrite_model_dir_and_session_config(config, model_dir)
        self._train_distribution = self._eval_distribution = None
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        _log.info("Using config: %s", str(vars(self._config)))
        self._device_fn = self._config.device_fn
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        model_fn_lib.verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = default_warm_start_settings(warm_start_from)

    @property
    def model_dir(self):
        return self._model_dir

    @property
    def config(self):
        return copy.deepcopy(self._config)

    @property
    def params(self):
        return copy.deepcopy(self._params)

    @property
    def model_fn(self):
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    def get_variable_value(self, name):
        _check_checkpoint_available(self.model_dir)
        return tf().train.load_variable(self.model_dir, name)

    def get_variable_names(self):
        _check_checkpoint_available(self.model_dir)
        return [name for name, _ in tf().train.list_variables(self.model_dir)]

    def latest_checkpoint(self):
        return tf().train.latest_checkpoint(self.model_dir)

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains `steps` more steps, or up to global step `max_steps`, or until input_fn's
        data ends; continues from the latest checkpoint of model_dir."""
        if self.config.task_type in (run_config.TaskType.EVALUATOR, run_config.TaskType.PS):
            raise ValueError(
                "Train has been called wrong configuration. Please use "
                "tf.estimator.train_and_evaluate which calls proper API according to given "
                "configuration. Current configuration: {}.".format(self.config))
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError("Must specify steps > 0, given: {}".format(steps))
        if max_steps is not None and max_steps <= 0:
            raise ValueError("Must specify max_steps > 0, given: {}".format(max_steps))
        if max_steps is not None:
            start_step = _load_global_step_from_checkpoint_dir(self._model_dir)
            if max_steps <= start_step:
                _log.info("Skipping training since max_steps has already saved.")
                return self
        hooks = _check_hooks_type(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(tf().train.StopAtStepHook(steps, max_steps))
        saving_listeners = _check_listeners_type(saving_listeners)
        loss = self._train_model(input_fn, hooks, saving_listeners)
        _log.info("Loss for final step: %s.", loss)
        return self

    def _call_input_fn(self, input_fn, mode, input_context=None):
        args = fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        with tf().device("/cpu:0"):
            return input_fn(**kwargs)

    def _get_features_and_labels_from_input_fn(self, input_fn, mode):
        return parse_input_fn_result(self._call_input_fn(input_fn, mode))

    def _call_model_fn(self, features, labels, mode, config):
        args = fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config
        _log.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _log.info("Done calling model_fn.")
        if not isinstance(spec, model_fn_lib.EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _create_global_step(self, graph):
        return tf().train.create_global_step(graph)

    def _create_and_assert_global_step(self, graph):
        step = self._create_global_step(graph)
        assert step is tf().train.get_global_step()
        assert step.dtype.is_integer
        return step

    def _train_model(self, input_fn, hooks, saving_listeners):
        from scopeflow.train.hooks_basic import get_or_create_global_step_read
        t = tf()
        with t.Graph().as_default() as g, g.device(self._device_fn):
            t.set_random_seed(self._config.tf_random_seed)
            step = self._create_and_assert_global_step(g)
            if step is not None:
                get_or_create_global_step_read(g)
            features, labels, worker_hooks = self._get_features_and_labels_from_input_fn(
                input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            return self._train_with_estimator_spec(spec, worker_hooks, hooks,
                                                   t.train.get_global_step(g),
                                                   saving_listeners)

    def _train_with_estimator_spec(self, spec, worker_hooks, hooks, global_step,
                                   saving_listeners):
        t = tf()
        if self._warm_start_settings and not t.train.latest_checkpoint(self._model_dir):
            _log.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_start(*self._warm_start_settings)
        if not any(x.op.name == "loss" for x in t.get_collection(t.GraphKeys.SUMMARIES)):
            t.summary.scalar("loss", spec.loss)
        t.add_to_collection(t.GraphKeys.LOSSES, spec.loss)
        worker_hooks.extend(hooks)
        worker_hooks.append(t.train.NanTensorHook(spec.loss))
        if self._config.log_step_count_steps is not None:
            worker_hooks.append(t.train.LoggingTensorHook(
                {"loss": spec.loss, "step": global_step},
                every_n_iter=self._config.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        if not (spec.scaffold.saver or t.get_collection(t.GraphKeys.SAVERS)):
            t.add_to_collection(t.GraphKeys.SAVERS, t.train.Saver(
                sharded=True, max_to_keep=self._config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                defer_build=True, save_relative_paths=True))
        chief_hooks = []
        saver_hooks = [h for h in worker_hooks + list(spec.training_chief_hooks)
                       if isinstance(h, t.train.CheckpointSaverHook)]
        if self._config.save_checkpoints_secs or self._config.save_checkpoints_steps:
            if not saver_hooks:
                chief_hooks = [t.train.CheckpointSaverHook(
                    self._model_dir, save_secs=self._config.save_checkpoints_secs,
                    save_steps=self._config.save_checkpoints_steps, scaffold=spec.scaffold,
                    save_graph_def=self._config.checkpoint_save_graph_def)]
                saver_hooks = [chief_hooks[0]]
        if saving_listeners:
            if not saver_hooks:
                raise ValueError(
                    "There should be a CheckpointSaverHook to use saving_listeners. Please set "
                    "one of the RunConfig.save_checkpoints_steps or "
                    "RunConfig.save_checkpoints_secs.")
            for listener in saving_listeners:
                if listener not in saver_hooks[0]._listeners:
                    saver_hooks[0]._listeners.append(listener)
        with t.train.MonitoredTrainingSession(
                master=self._config.master, is_chief=self._config.is_chief,
                checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                save_checkpoint_secs=0, save_summaries_steps=self._config.save_summary_steps,
                config=self._session_config,
                max_wait_secs=self._config.session_creation_timeout_secs,
                log_step_count_steps=self._config.log_step_count_steps,
                save_graph_def=self._config.checkpoint_save_graph_def) as sess:
            loss, current_step = None, 0
            while not sess.should_stop():
                current_step += 1
                _, loss = sess.run([spec.train_op, spec.loss])
            if current_step == 0:
                _log.warning("Training with estimator made no steps. Perhaps input is empty or "
                             "misspecified.")
        return loss


def _assert_members_are_not_overridden(cls, obj):
    allowed = {"model_fn", "_create_and_assert_global_step", "_export_all_saved_models",
               "_tf_api_names", "_tf_api_names_v1", "_estimator_api_names",
               "_estimator_api_names_v1", "_estimator_api_constants",
               "_estimator_api_constants_v1", "latest_checkpoint"}
    members = {m for m in dir(cls) if not m.startswith("__")}
    common = members & set(obj.__class__.__dict__.keys()) - allowed
    overridden = [m for m in common if getattr(cls, m) != getattr(obj.__class__, m)]
    if overridden:
        raise ValueError("Subclasses of Estimator cannot override members of Estimator. "
                         "{} does override {}".format(obj.__class__, overridden))


def maybe_overwrite_model_dir_and_session_config(config, model_dir):
    """The config with model_dir (or a temporary directory) and the default session config."""
    if config is None:
        config = run_config.RunConfig()
        _log.info("Using default config.")
    if not isinstance(config, run_config.RunConfig):
        raise ValueError("config must be an instance of `RunConfig`, but provided %s." % config)
    if config.session_config is None:
        config = run_config.RunConfig.replace(
            config, session_config=run_config.get_default_session_config())
    model_dir = run_config.path_to_str(model_dir)
    if model_dir is not None and getattr(config, "model_dir", None) is not None \
            and config.model_dir != model_dir:
        raise ValueError(
            "`model_dir` are set both in constructor and `RunConfig`, but with different "
            "values. In constructor: '{}', in `RunConfig`: '{}' ".format(model_dir,
                                                                          config.model_dir))
    if model_dir:
        config = run_config.RunConfig.replace(config, model_dir=model_dir)
    elif getattr(config, "model_dir", None) is None:
        model_dir = tempfile.mkdtemp()
        _log.warning("Using temporary folder as model directory: %s", model_dir)
        config = run_config.RunConfig.replace(config, model_dir=model_dir)
    return config


def _check_checkpoint_available(model_dir):
    if not tf().train.latest_checkpoint(model_dir):
        raise ValueError("Could not find trained model in model_dir: {}.".format(model_dir))


def _check_hooks_type(hooks):
    return check_instances(hooks, tf().train.SessionRunHook,
                           "Hooks must be a SessionRunHook, given: {}")


def _check_listeners_type(saving_listeners):
    return check_instances(saving_listeners, tf().train.CheckpointSaverListener,
                           "saving_listeners must be a list of CheckpointSaverListener, "
                           "given: {}")


def _load_global_step_from_checkpoint_dir(checkpoint_dir):
    t = tf()
    try:
        reader = t.train.NewCheckpointReader(t.train.latest_checkpoint(checkpoint_dir))
        return reader.get_tensor(t.GraphKeys.GLOBAL_STEP)
    except Exception:  # noqa: BLE001 - TF's bare except: no checkpoint is step 0
        return 0


__all__ = ["Estimator"]
