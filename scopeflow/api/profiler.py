"""`tf.profiler` (tf.compat.v1.profiler): tfprof's graph-mode model analysis."""
# ruff: noqa: F401 - re-exports

from scopeflow.profiler.model_analyzer import Profiler, advise, profile, write_op_log
from scopeflow.profiler.option_builder import ProfileOptionBuilder
from scopeflow.profiler.protos import (AdviceProto, GraphNodeProto, MultiGraphNodeProto,
                                       OpLogProto)

__all__ = ["AdviceProto", "GraphNodeProto", "MultiGraphNodeProto", "OpLogProto",
           "ProfileOptionBuilder", "Profiler", "advise", "profile", "write_op_log"]
