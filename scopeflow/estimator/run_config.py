"""`tf.estimator.RunConfig`: where and how often an Estimator saves (local runs; a TF_CONFIG
cluster is not supported).

>>> c = RunConfig(save_checkpoints_steps=10)
>>> c.save_checkpoints_steps, c.save_checkpoints_secs, c.keep_checkpoint_max
(10, None, 5)
"""

import copy
import json
import logging
import os

from scopeflow.estimator._tf import fn_args, tf

_log = logging.getLogger("tensorflow")
_USE_DEFAULT = object()
_REPLACEABLE = [
    "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
    "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
    "keep_checkpoint_every_n_hours", "log_step_count_steps", "train_distribute", "device_fn",
    "protocol", "eval_distribute", "experimental_distribute",
    "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
    "checkpoint_save_graph_def"]
_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."


class TaskType:
    MASTER = "master"
    PS = "ps"
    WORKER = "worker"
    CHIEF = "chief"
    EVALUATOR = "evaluator"


def get_default_session_config():
    """TF's default: soft placement, one meta-optimizer iteration."""
    t = tf()
    config = t.ConfigProto(allow_soft_placement=True)
    config.graph_options.rewrite_options.meta_optimizer_iterations = 1  # ONE
    return config


def path_to_str(path):
    if hasattr(path, "__fspath__"):
        path = tf().compat.as_str_any(path.__fspath__())
    return path


def _model_dir(tf_config, model_dir):
    if model_dir == "":
        raise ValueError("model_dir should be non-empty.")
    in_config = tf_config.get("model_dir")
    if in_config == "":
        raise ValueError("model_dir in TF_CONFIG should be non-empty.")
    if in_config:
        if model_dir and in_config != model_dir:
            raise ValueError(
                "`model_dir` provided in RunConfig construct, if set, must have the same value "
                "as the model_dir in TF_CONFIG. model_dir: {}\nTF_CONFIG[\"model_dir\"]: {}.\n"
                .format(model_dir, in_config))
        _log.info("Using model_dir in TF_CONFIG: %s", in_config)
    return model_dir or in_config


def _validate_save_ckpt(config, replaced):
    steps, secs = config.save_checkpoints_steps, config.save_checkpoints_secs
    if "save_checkpoints_steps" in replaced and "save_checkpoints_secs" in replaced:
        if steps is not None and secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
    elif "save_checkpoints_steps" in replaced and steps is not None:
        config._save_checkpoints_secs = None
    elif "save_checkpoints_secs" in replaced and secs is not None:
        config._save_checkpoints_steps = None


_CHECKS = [
    ("model_dir", lambda d: d, "model_dir should be non-empty"),
    ("save_summary_steps", lambda s: s >= 0, "save_summary_steps should be >= 0"),
    ("save_checkpoints_steps", lambda s: s >= 0, "save_checkpoints_steps should be >= 0"),
    ("save_checkpoints_secs", lambda s: s >= 0, "save_checkpoints_secs should be >= 0"),
    ("session_config", lambda c: isinstance(c, tf().ConfigProto),
     "session_config must be instance of ConfigProto"),
    ("keep_checkpoint_max", lambda k: k >= 0, "keep_checkpoint_max should be >= 0"),
    ("keep_checkpoint_every_n_hours", lambda k: k > 0,
     "keep_checkpoint_every_n_hours should be > 0"),
    ("log_step_count_steps", lambda n: n > 0, "log_step_count_steps should be > 0"),
    ("tf_random_seed", lambda s: isinstance(s, int), "tf_random_seed must be integer."),
    ("experimental_max_worker_delay_secs", lambda d: isinstance(d, int),
     "experimental_max_worker_delay_secs must be an integer if set."),
    ("session_creation_timeout_secs", lambda t: t > 0,
     "session_creation_timeout_secs should be > 0"),
    ("device_fn", lambda f: callable(f) and set(fn_args(f)) == {"op"},
     'device_fn must be callable with exactly one argument "op".'),
    ("protocol", lambda p: p in (None, "grpc", "grpc+verbs"),
     "protocol should be grpc or grpc+verbs"),
]


class RunConfig:
    """Configuration of an Estimator's runs: model_dir, checkpoint and summary frequencies,
    checkpoint retention, logging frequency, graph-level seed, session config."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200, checkpoint_save_graph_def=True):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        if train_distribute is not None or eval_distribute is not None or experimental_distribute:
            raise NotImplementedError("scopeflow's RunConfig has no distribution strategies")
        tf_config = json.loads(os.environ.get("TF_CONFIG", "{}"))
        if tf_config:
            _log.info("TF_CONFIG environment variable: %s", tf_config)
        RunConfig._replace(
            self, _REPLACEABLE, model_dir=_model_dir(tf_config, path_to_str(model_dir)),
            tf_random_seed=tf_random_seed, save_summary_steps=save_summary_steps,
            save_checkpoints_steps=save_checkpoints_steps,
            save_checkpoints_secs=save_checkpoints_secs, session_config=session_config,
            keep_checkpoint_max=keep_checkpoint_max,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            log_step_count_steps=log_step_count_steps, train_distribute=train_distribute,
            device_fn=device_fn, protocol=protocol, eval_distribute=eval_distribute,
            experimental_distribute=experimental_distribute,
            experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
            session_creation_timeout_secs=session_creation_timeout_secs,
            checkpoint_save_graph_def=checkpoint_save_graph_def)
        self._init_local(tf_config)

    def _init_local(self, tf_config):
        if tf_config.get("cluster"):
            raise NotImplementedError("scopeflow's RunConfig runs locally: a TF_CONFIG "
                                      "cluster is not supported")
        self._service = tf_config.get("service")
        self._cluster_spec = tf().train.ClusterSpec({})
        task = tf_config.get("task", {})
        self._task_type = task.get("type", TaskType.WORKER)
        self._task_id = int(task.get("index", 0))
        self._global_id_in_cluster = 0
        if self._task_type != TaskType.WORKER:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task type must be WORKER.')
        if self._task_id != 0:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task index must be 0.')
        self._master = tf_config.get("session_master", "")
        self._evaluation_master = tf_config.get("eval_session_master", "")
        self._is_chief = True
        self._num_ps_replicas = 0
        self._num_worker_replicas = 1

    def replace(self, **kwargs):
        """A copy with the given properties replaced (only those TF allows)."""
        return RunConfig._replace(copy.deepcopy(self), _REPLACEABLE, **kwargs)

    @staticmethod
    def _replace(config, allowed_properties_list=None, **kwargs):
        allowed = allowed_properties_list or []
        for key, value in kwargs.items():
            if key not in allowed:
                raise ValueError("Replacing {} is not supported. Allowed properties are {}."
                                 .format(key, allowed))
            setattr(config, "_" + key, value)
        _validate_save_ckpt(config, kwargs.keys())
        for name, ok, message in _CHECKS:
            value = getattr(config, name)
            if value is not None and not ok(value):
                raise ValueError(message)
        return config


def _property(name):
    return property(lambda self: getattr(self, "_" + name))


for _name in _REPLACEABLE + ["cluster_spec", "evaluation_master", "is_chief", "master",
                             "num_ps_replicas", "num_worker_replicas", "task_id",
                             "global_id_in_cluster", "task_type", "service"]:
    if _name != "experimental_distribute":
        setattr(RunConfig, _name, _property(_name))

__all__ = ["RunConfig", "TaskType", "get_default_session_config"]
