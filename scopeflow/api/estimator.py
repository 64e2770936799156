"""`tf.estimator` (tf.compat.v1.estimator): the Estimator API and the session-run hooks it
re-exports (tf.train's own)."""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.api import _train_loop
from scopeflow.api import estimator_experimental as experimental
from scopeflow.api import estimator_export as export
from scopeflow.api import estimator_inputs as inputs
from scopeflow.estimator.canned.dnn import DNNClassifier, DNNEstimator, DNNRegressor
from scopeflow.estimator.canned.dnn_linear_combined import (DNNLinearCombinedClassifier,
                                                            DNNLinearCombinedEstimator,
                                                            DNNLinearCombinedRegressor)
from scopeflow.estimator.canned.linear import LinearClassifier, LinearEstimator, LinearRegressor
from scopeflow.estimator.canned.parsing_utils import (classifier_parse_example_spec,
                                                      regressor_parse_example_spec)
from scopeflow.estimator.estimator import Estimator
from scopeflow.estimator.exporter import BestExporter, Exporter, FinalExporter, LatestExporter
from scopeflow.estimator.extenders import add_metrics
from scopeflow.estimator.mode_keys import ModeKeys
from scopeflow.estimator.model_fn import EstimatorSpec
from scopeflow.estimator.run_config import RunConfig
from scopeflow.estimator.training import EvalSpec, TrainSpec, train_and_evaluate
from scopeflow.estimator.warm_starting import VocabInfo, WarmStartSettings

_HOOKS = ["CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook",
          "GlobalStepWaiterHook", "LoggingTensorHook", "NanLossDuringTrainingError",
          "NanTensorHook", "ProfilerHook", "SecondOrStepTimer", "SessionRunArgs",
          "SessionRunContext", "SessionRunHook", "SessionRunValues", "StepCounterHook",
          "StopAtStepHook", "SummarySaverHook"]
globals().update({name: getattr(_train_loop, name) for name in _HOOKS})
del _train_loop
