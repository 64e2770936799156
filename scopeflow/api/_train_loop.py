"""`tf.train`'s training-loop names: MonitoredSession, Scaffold, SessionManager and the hooks."""

from scopeflow.summary.writer import FileWriterCache as SummaryWriterCache
from scopeflow.train.hooks_basic import (
                                         FeedFnHook,
                                         FinalOpsHook,
                                         GlobalStepWaiterHook,
                                         LoggingTensorHook,
                                         NanLossDuringTrainingError,
                                         NanTensorHook,
                                         SecondOrStepTimer,
                                         StopAtStepHook,
)
from scopeflow.train.hooks_profiler import ProfilerHook
from scopeflow.train.hooks_saving import (
                                         CheckpointSaverHook,
                                         CheckpointSaverListener,
                                         StepCounterHook,
                                         SummarySaverHook,
)
from scopeflow.train.monitored_session import (
                                         MonitoredSession,
                                         MonitoredTrainingSession,
                                         SingularMonitoredSession,
)
from scopeflow.train.scaffold import (
                                         ChiefSessionCreator,
                                         Scaffold,
                                         SessionCreator,
                                         WorkerSessionCreator,
)
from scopeflow.train.session_manager import SessionManager
from scopeflow.train.session_run_hook import (
                                         SessionRunArgs,
                                         SessionRunContext,
                                         SessionRunHook,
                                         SessionRunValues,
)
from scopeflow.train.supervisor import Supervisor, basic_train_loop

__all__ = ["CheckpointSaverHook", "CheckpointSaverListener", "ChiefSessionCreator", "FeedFnHook",
           "FinalOpsHook", "GlobalStepWaiterHook", "LoggingTensorHook", "MonitoredSession", "MonitoredTrainingSession",
           "NanLossDuringTrainingError", "NanTensorHook", "ProfilerHook", "Scaffold",
           "SecondOrStepTimer", "SessionCreator", "SessionManager", "SessionRunArgs",
           "SessionRunContext", "SessionRunHook", "SessionRunValues", "SingularMonitoredSession",
           "StepCounterHook", "StopAtStepHook", "SummarySaverHook", "SummaryWriterCache",
           "Supervisor", "WorkerSessionCreator", "basic_train_loop"]
