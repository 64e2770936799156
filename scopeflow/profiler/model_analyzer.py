"""`tf.profiler.profile` / `advise` / `write_op_log` / `Profiler` for graph mode.

`profile` merges tfprof's default op log into the caller's (flops of every op whose type has
a registered flops statistic and fully known shapes, type `_trainable_variables` on the
trainable variables' ops), reads the graph as a GraphDef with shapes and shows the asked
view: 'scope' and 'graph' (GraphNodeProto), 'op' (MultiGraphNodeProto). Run metadata is not
read (times and memory stay 0); the 'code' view is not built (NotImplementedError).
"""

import os
import sys

from scopeflow import errors
from scopeflow.profiler.flops import node_flops
from scopeflow.profiler.option_builder import TRAINABLE_VARIABLES, ProfileOptionBuilder
from scopeflow.profiler.protos import AdviceProto, OpLogEntry, OpLogProto
from scopeflow.profiler.tfprof import Options, Stats

_DEFAULT_PROFILE_OPTIONS = 0
_DEFAULT_ADVISE_OPTIONS = 0
ALL_ADVICE = {"ExpensiveOperationChecker": {}, "AcceleratorUtilizationChecker": {},
              "JobChecker": {}, "OperationChecker": {}}


def _default_graph(graph):
    if not graph:
        from scopeflow.core.graph import get_default_graph
        graph = get_default_graph()
    return graph


def _graph_def(graph):
    return graph.as_graph_def(add_shapes=True)


def _logged_ops(graph, graph_def, add_trainable_var=True):
    """{op name: OpLogEntry} of tfprof's default op log (tfprof_logger._get_logged_ops,
    without the python traces only the code view reads)."""
    logged = {}
    missing = 0
    for node in graph_def.node:
        try:
            value = node_flops(graph, node)
        except ValueError:
            missing += 1
            value = None
        if value:
            logged[node.name] = OpLogEntry(name=node.name, float_ops=int(value))
    if add_trainable_var:
        from scopeflow.core.graph import GraphKeys
        for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES):
            name = v.op.name
            if name not in logged:
                logged[name] = OpLogEntry(name=name)
            logged[name].types.append(TRAINABLE_VARIABLES)
    return logged, missing


def merge_default_with_oplog(graph, op_log=None, run_meta=None, add_trace=True,
                             add_trainable_var=True, graph_def=None):
    """tfprof's default op log of `graph` merged into `op_log` (a new OpLogProto)."""
    del add_trace  # code traces: only the (unbuilt) code view reads them
    graph = _default_graph(graph)
    out = OpLogProto()
    if graph_def is None:
        graph_def = _graph_def(graph)
    logged, missing = _logged_ops(graph, graph_def, add_trainable_var)
    if missing and not run_meta:
        sys.stderr.write("%d ops no flops stats due to incomplete shapes.\n" % missing)
    if not op_log:
        out.log_entries.extend(logged.values())
    else:
        entries = {}
        for entry in op_log.log_entries:
            entries[entry.name] = entry
        for name, entry in logged.items():
            if name in entries:
                entries[name].types.extend(entry.types)
                if entry.float_ops > 0 and entries[name].float_ops == 0:
                    entries[name].float_ops = entry.float_ops
            else:
                entries[name] = entry
        out.log_entries.extend(entries.values())
    out.id_to_string[0] = "none"
    return out


def _check_cmd(cmd):
    if cmd not in ("scope", "graph", "op", "code"):
        raise errors.InvalidArgumentError(None, None, "unknown cmd: %s\n" % cmd)
    if cmd == "code":
        raise NotImplementedError(
            "scopeflow: tf.profiler's 'code' view is not implemented; use cmd='scope', "
            "'graph' or 'op'")


def profile(graph=None, run_meta=None, op_log=None, cmd="scope",
            options=_DEFAULT_PROFILE_OPTIONS):
    """Profiles `graph` (default: the default graph): prints TF's report as `options` say
    and returns the view's root (GraphNodeProto for 'scope', MultiGraphNodeProto for 'op')
    with its totals (`total_float_ops`, `total_parameters`, ...) and shown children."""
    graph = _default_graph(graph)
    if options == _DEFAULT_PROFILE_OPTIONS:
        options = ProfileOptionBuilder.trainable_variables_parameter()
    _check_cmd(cmd)
    graph_def = _graph_def(graph)
    op_log = merge_default_with_oplog(graph, op_log, run_meta, graph_def=graph_def)
    return Stats(graph_def, op_log).show(cmd, Options(options))


def advise(graph=None, run_meta=None, options=_DEFAULT_ADVISE_OPTIONS):
    """tfprof's advisor: without run metadata its checkers find nothing (as TF's)."""
    if options == _DEFAULT_ADVISE_OPTIONS:
        options = dict(ALL_ADVICE)
    ret = AdviceProto()
    if not run_meta and "ExpensiveOperationChecker" in options:
        sys.stderr.write("Missing RunMetadata info. Skip ExpensiveOperationChecker\n"
                         "Missing run_meta for ExpensiveOperationChecker\n")
    for name in ("ExpensiveOperationChecker", "AcceleratorUtilizationChecker",
                 "OperationChecker"):
        if name in options:
            ret.checkers[name].SetInParent()
            sys.stdout.write("\n%s:\n" % name)
    sys.stdout.flush()
    return ret


def write_op_log(graph, log_dir, op_log=None, run_meta=None, add_trace=True):
    """Writes tfprof's op log of `graph` (merged with `op_log`) to `log_dir`/tfprof_log."""
    from scopeflow.io import gfile
    op_log = merge_default_with_oplog(graph, op_log, run_meta, add_trace)
    with gfile.GFile(os.path.join(log_dir, "tfprof_log"), "w") as f:
        f.write(op_log.SerializeToString())


class Profiler(object):
    """Profiles one graph with several options (graph mode; steps' run metadata are
    accepted but not read)."""

    def __init__(self, graph=None, op_log=None):
        self._graph = _default_graph(graph)
        self._op_log = op_log
        self._coverage = 0.0

    def _stats(self):
        graph_def = _graph_def(self._graph)
        op_log = merge_default_with_oplog(self._graph, self._op_log, graph_def=graph_def)
        return Stats(graph_def, op_log)

    def add_step(self, step, run_meta):
        del step, run_meta

    def profile_python(self, options):
        _check_cmd("code")

    def profile_operations(self, options):
        return self._stats().show("op", Options(options))

    def profile_name_scope(self, options):
        return self._stats().show("scope", Options(options))

    def profile_graph(self, options):
        return self._stats().show("graph", Options(options))

    def advise(self, options):
        return advise(self._graph, None, options)

    def serialize_to_string(self):
        raise NotImplementedError("scopeflow: Profiler.serialize_to_string is not implemented")
