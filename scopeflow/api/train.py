"""`tf.train`: optimizers, global step, learning-rate schedules, moving averages.

Checkpoint names (Saver, latest_checkpoint, ...) join this module in the section marked below.
"""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.train.adadelta import AdadeltaOptimizer
from scopeflow.train.adagrad import AdagradOptimizer
from scopeflow.train.adagrad_da import AdagradDAOptimizer
from scopeflow.train.adam import AdamOptimizer
from scopeflow.train.device_setter import ClusterSpec, replica_device_setter
from scopeflow.train.ftrl import FtrlOptimizer
from scopeflow.train.global_step import (
                                         assert_global_step,
                                         create_global_step,
                                         get_global_step,
                                         get_or_create_global_step,
                                         global_step,
)
from scopeflow.train.gradient_descent import GradientDescentOptimizer
from scopeflow.train.momentum import MomentumOptimizer
from scopeflow.train.moving_averages import ExponentialMovingAverage
from scopeflow.train.optimizer import Optimizer
from scopeflow.train.proximal import ProximalAdagradOptimizer, ProximalGradientDescentOptimizer
from scopeflow.train.rmsprop import RMSPropOptimizer
from scopeflow.train.schedules import (
                                         cosine_decay,
                                         cosine_decay_restarts,
                                         exponential_decay,
                                         inverse_time_decay,
                                         linear_cosine_decay,
                                         natural_exp_decay,
                                         noisy_linear_cosine_decay,
                                         piecewise_constant,
                                         polynomial_decay,
)
from scopeflow.train.server import Server
from scopeflow.train.slots import create_slot, create_zeros_slot
from scopeflow.train.sync_replicas import SyncReplicasOptimizer

piecewise_constant_decay = piecewise_constant

from scopeflow.summary.records import summary_iterator  # noqa: E402

# ---- checkpoints (Saver, latest_checkpoint, list_variables, ...) ------------------------------
from scopeflow.api._checkpoint_train import *


# ---- tf.train.Example and its parts ------------------------------------------------------------
from scopeflow.api._example_protos import *

# ---- queue-based input: producers, batching, QueueRunner, Coordinator ---------------------------
from scopeflow.api._train_input import *

# ---- training loops: MonitoredTrainingSession, Scaffold, SessionRunHooks ------------------------
from scopeflow.api._train_loop import *

# ---- the cluster's protos (tf.train.ClusterSpec(...).as_cluster_def() returns a ClusterDef) ---
from tensorboard.compat.proto.cluster_pb2 import ClusterDef, JobDef  # noqa: E402
