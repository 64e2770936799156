"""`tf.train`: optimizers, global step, schedules, checkpoints."""

from scopeflow.api._checkpoint_train import *  # noqa: F401,F403
