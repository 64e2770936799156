"""Lint of a script's Session.run calls: placeholders no run fed, variables a run needed before
their initializer ran. `record_runs()` keeps, per graph, what each distinct run fed, needed and
found initialized; `scopeflow lint script.py` records the script's runs.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     x = tf.placeholder(tf.float32, [], name="x")
...     unfed = tf.placeholder(tf.float32, [], name="unfed")
...     with record_runs(), tf.Session() as sess:
...         _ = sess.run(x * 2.0, {x: 1.0})
>>> [(f.kind, f.message.split("'")[1]) for f in never_fed(g)]
[('placeholder-never-fed', 'unfed')]
"""

import contextlib
import dataclasses

from scopeflow.core import stack
from scopeflow.insight.finding import Finding, frames_where, op_where, some
from scopeflow.lowering.slice import backward_slice, is_variable_op
from scopeflow.session import BaseSession
from scopeflow.session_fetch import feed_tensor, fetch_plan, flatten_feeds

_PLACEHOLDERS = frozenset(("Placeholder", "PlaceholderV2"))
# Ops that take a variable without reading its value: plain writes, initialization checks,
# saving (AssignAdd, ScatterAdd and the optimizers' Apply ops read the value they change).
_NOT_READS = frozenset(("Assign", "AssignVariableOp", "IsVariableInitialized",
                        "VarIsInitializedOp", "DestroyResourceOp", "SaveV2", "Save", "SaveSlices"))


@dataclasses.dataclass
class RunRecord:
    """One distinct run (fetches and fed tensors) of a graph: where it was first called, how
    often, the placeholders it fed and needed unfed, and the variables it read while they had
    no value (in the session, after the run)."""

    where: str
    count: int
    fed: frozenset
    needed_placeholders: frozenset
    read_vars: frozenset
    uninitialized: set = dataclasses.field(default_factory=set)
    failed: str = ""


@contextlib.contextmanager
def record_runs():
    """Records the Session.run calls made inside it on their graphs (`graph._session_runs`);
    gives the list of the graphs that ran, in order."""
    original, graphs = BaseSession.run, []

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        tb = stack.capture()
        try:
            out = original(self, fetches, feed_dict, options, run_metadata)
        except Exception as e:
            _note(self, fetches, feed_dict, tb, e, graphs)
            raise
        _note(self, fetches, feed_dict, tb, None, graphs)
        return out

    BaseSession.run = run
    try:
        yield graphs
    finally:
        BaseSession.run = original


def _note(sess, fetches, feed_dict, tb, error, graphs):
    graph = sess.graph
    if "_session_runs" not in graph.__dict__:
        graphs.append(graph)
    runs = graph.__dict__.setdefault("_session_runs", {})
    try:
        feeds = flatten_feeds(feed_dict) if feed_dict else {}
        fed = frozenset(feed_tensor(graph, k) for k in feeds)
        elements, _ = fetch_plan(graph, fetches)
    except Exception:  # noqa: BLE001 - a run TF refused before running: nothing ran
        return
    key = (tuple(map(id, elements)), frozenset(map(id, fed)), graph._version)
    record = runs.get(key)
    if record is None:
        record = runs[key] = _record(elements, fed, tb)
    record.count += 1
    if error is not None and not record.failed:
        record.failed = "%s: %s" % (type(error).__name__, str(error).split("\n")[0])
    state = getattr(sess, "_state", {})
    record.uninitialized.update(v for v in record.read_vars if v not in state)


def _record(elements, fed, tb):
    order = backward_slice(elements, cut=fed)
    ops = set(order)
    read = set()
    for op in order:
        if op.type in _NOT_READS:
            continue
        read.update(t.op for t in op.inputs if is_variable_op(t.op))
    return RunRecord(frames_where(stack.frames(tb)) or "Session.run", 0,
                     frozenset(t.op for t in fed),
                     frozenset(op for op in ops if op.type in _PLACEHOLDERS), frozenset(read))


def _runs(graph):
    runs = graph.__dict__.get("_session_runs")
    return list(runs.values()) if runs else None


def _user_placeholder(op):
    """Whether the user's code called tf.placeholder for `op` (not Keras or another library)."""
    frames = op.traceback
    user = [i for i, f in enumerate(frames) if stack.is_user_frame(f)]
    if not user or user[-1] + 1 >= len(frames):
        return False
    return frames[user[-1] + 1].name == "placeholder"


def never_fed(graph):
    """Placeholders the user made that none of the script's runs fed: a run that needs one
    fails, and a value that depends on one was never computed."""
    runs = _runs(graph)
    if not runs:
        return []
    fed = set().union(*(r.fed for r in runs))
    out = []
    for op in graph.get_operations():
        if op.type not in _PLACEHOLDERS or op in fed or not _user_placeholder(op):
            continue
        needing = [r for r in runs if op in r.needed_placeholders]
        if needing:
            why = ("the run at %s needs it and feeds no value for it%s"
                   % (needing[0].where, " (%s)" % needing[0].failed if needing[0].failed else ""))
        else:
            why = "no run computed anything that depends on it"
        out.append(Finding(
            "placeholder-never-fed", op_where(op),
            "no Session.run call of the script (%d in all) feeds placeholder %r: %s"
            % (sum(r.count for r in runs), op.name, why),
            "feed it: sess.run(..., feed_dict={%s: value}); give it a default with "
            "tf.placeholder_with_default if runs may leave it out, or remove it if it is "
            "unused" % op.name))
    return out


def _global_init_before(graph, var_op):
    """The user's line of a NoOp grouping variable initializers that leaves `var_op`'s out (a
    tf.global_variables_initializer() built before the variable was), or None."""
    variables = {v.op: v for v in graph.get_collection("variables") if hasattr(v, "op")}
    own = getattr(variables.get(var_op), "initializer", None)
    for op in graph.get_operations():
        if op.type == "NoOp" and len(op.control_inputs) > 0 and own not in op.control_inputs \
                and all(c.type in ("Assign", "AssignVariableOp") for c in op.control_inputs):
            return op_where(op)
    return None


def initializers_not_run(graph):
    """Variables a run read while their initializer had not run in that session (the run
    fails with "Attempting to use uninitialized value"): most often variables made after
    tf.global_variables_initializer() was built, such as the slots an optimizer creates."""
    runs = _runs(graph)
    if not runs:
        return []
    local = {v.op for v in graph.get_collection("local_variables") if hasattr(v, "op")}
    by_line = {}
    for r in runs:
        for v in sorted(r.uninitialized, key=lambda op: op.name):
            by_line.setdefault(op_where(v), ([], r))[0].append(v)
    out = []
    for where, (ops, run) in by_line.items():
        init = _global_init_before(graph, ops[0])
        why = (" it was created after the tf.global_variables_initializer() built at %s, "
               "which covers only the variables that exist when it is called;" % init
               if init else "")
        out.append(Finding(
            "initializer-not-run", where,
            "the run at %s reads %s, whose initializer never ran in its session:%s the run "
            "fails with \"Attempting to use uninitialized value\"" % (run.where, some(
                op.name for op in ops), why),
            _LOCAL_FIX if all(op in local for op in ops) else _GLOBAL_FIX))
    return out


_GLOBAL_FIX = ("build tf.global_variables_initializer() after every variable exists (after "
               "optimizer.minimize(), which creates slot variables) and run it first, or run "
               "tf.variables_initializer([...]) for these")
_LOCAL_FIX = ("run tf.local_variables_initializer() too: local variables (tf.metrics' counts "
              "and totals, input epochs) are not global variables")
