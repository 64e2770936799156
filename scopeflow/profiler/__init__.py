"""tfprof for graph mode: `tf.profiler.profile` counts a graph's parameters and float
operations (TF's registered flops statistics) and prints TF's per-scope / per-op report.

- protos.py: GraphNodeProto, MultiGraphNodeProto, AdviceProto (TF's tfprof_output.proto),
  OpLogProto (tensorboard's tfprof_log.proto)
- flops.py: float operations per op type, TF's RegisterStatistics("X", "flops") functions
- option_builder.py: ProfileOptionBuilder
- tfprof.py: the graph nodes, the scope and op views, TF's text report
- model_analyzer.py: profile, advise, write_op_log, Profiler
"""
