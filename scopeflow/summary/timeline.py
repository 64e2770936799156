"""Step stats of a traced `Session.run` and TF's Chrome-trace timeline of them.

A run with `RunOptions(trace_level=...)` (any level above NO_TRACE) fills
`run_metadata.step_stats` with one NodeExecStats per run: scopeflow compiles the whole run
into one XLA program, so there is no per-op timing to report; the entry is named `_XlaRun`
and lists what was fetched. `Timeline(step_stats).generate_chrome_trace_format()` writes the
JSON layout of TF's `tensorflow.python.client.timeline` (chrome://tracing, Perfetto).

>>> from tensorboard.compat.proto.step_stats_pb2 import StepStats
>>> s = StepStats(); _ = record_run(s, ["y:0"], 1.0, 1.5)
>>> s.dev_stats[0].node_stats[0].all_end_rel_micros
500000
"""

import json

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
RUN_NODE = "_XlaRun"


def record_run(step_stats, fetched, start, end, device=CPU):
    """Adds one run (wall-clock seconds `start`..`end`, the fetched names) to `step_stats`."""
    dev = next((d for d in step_stats.dev_stats if d.device == device), None)
    if dev is None:
        dev = step_stats.dev_stats.add(device=device)
    start_us = int(start * 1e6)
    dur = max(0, int(end * 1e6) - start_us)
    node = dev.node_stats.add(node_name=RUN_NODE, all_start_micros=start_us,
                              op_start_rel_micros=0, op_end_rel_micros=dur,
                              all_end_rel_micros=dur, thread_id=0)
    node.timeline_label = "%s = %s(%s)" % (RUN_NODE, RUN_NODE, ", ".join(fetched))
    return node


def _parse_label(label):
    """(name, op, inputs) of a `name = Op(in0, in1)` timeline label, as TF parses them."""
    name, _, rest = label.partition(" = ")
    op, _, args = rest.partition("(")
    args = args.rstrip(")")
    return name, op or "unknown", args.split(", ") if args else []


class Timeline:
    """Chrome trace events for StepStats, in TF's Timeline layout."""

    def __init__(self, step_stats, graph=None):
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False, op_time=None):
        """The trace as TF writes it: process metadata, then one "X" event per node."""
        meta, events = [], []
        meta.append({"name": "process_name", "ph": "M", "pid": 0,
                     "args": {"name": "Allocators"}})
        pid = 1
        for dev in self._step_stats.dev_stats:
            compute, tensors = pid, pid + 1
            pid += 2
            meta.append({"name": "process_name", "ph": "M", "pid": compute,
                         "args": {"name": dev.device + " Compute"}})
            meta.append({"name": "process_name", "ph": "M", "pid": tensors,
                         "args": {"name": dev.device + " Tensors"}})
            for node in dev.node_stats:
                _, op, inputs = _parse_label(node.timeline_label)
                args = {"name": node.node_name, "op": op}
                args.update(("input%d" % i, x) for i, x in enumerate(inputs))
                events.append({"ph": "X", "cat": "Op", "name": op, "pid": compute,
                               "tid": node.thread_id, "ts": node.all_start_micros,
                               "dur": node.all_end_rel_micros, "args": args})
        return json.dumps({"traceEvents": meta + events}, indent=4, separators=(",", ": "))
