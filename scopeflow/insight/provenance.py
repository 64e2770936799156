"""Where a graph's `tf.get_variable` calls were made: the user's line and the scopes open there.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     v = tf.get_variable("v", [])
>>> [(c.variable.name, c.requested, c.name_scope) for c in get_variable_calls(g)]
[('v:0', 'v', '')]
"""

import dataclasses
import re

from scopeflow.core import stack


@dataclasses.dataclass(frozen=True)
class Site:
    """One `get_variable` call: the variable it returned, the name asked for, the name scope
    open at the call, and the user's frame that made it (file, line, function)."""

    variable: object
    requested: str
    name_scope: str
    filename: str
    lineno: int
    function: str

    @property
    def where(self):
        return "%s:%d" % (self.filename, self.lineno)


def get_variable_calls(graph, user_only=True):
    """The `get_variable` calls made while building `graph`, in order. With `user_only`, only
    calls made directly by the user's code (not by tf.layers, slim or other scopeflow code)."""
    out = []
    for var, name, scope, where in graph.__dict__.get("_get_variable_calls", ()):
        frames = stack.frames(where)
        caller = _caller(frames)
        if caller is None or (user_only and not stack.is_user_frame(caller)):
            continue
        out.append(Site(var, name, scope, caller.filename, caller.lineno, caller.name))
    return out


def _caller(frames):
    """The frame that called `get_variable` (or `get_local_variable`): frames run outermost
    first and end inside get_variable."""
    i = len(frames) - 1
    while i >= 0 and not stack.is_user_frame(frames[i]) and frames[i].name in _ENTRY:
        i -= 1
    return frames[i] if i >= 0 else None


_ENTRY = frozenset(("get_variable", "get_local_variable"))


# ----------------------------------------------------------------------------- variables

# Op types that are variables (ref, legacy and resource).
VARIABLE_TYPES = frozenset(("VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable"))


@dataclasses.dataclass(frozen=True)
class Where:
    """A user's line: file, line number and the function it is in."""

    filename: str
    lineno: int
    function: str

    def __str__(self):
        return "%s:%d (in %s)" % (self.filename, self.lineno, self.function)


@dataclasses.dataclass(frozen=True)
class VariableProvenance:
    """Where a variable came from: how (`via`), where (`created`, the API function the user
    called there: `entry`), the scopes open then, its initializer, and the later
    `get_variable` calls that returned it (`reuses`)."""

    name: str
    via: str  # "tf.get_variable" or "tf.Variable"
    created: object  # Where, or None where the graph has no tracebacks (an imported GraphDef)
    entry: str
    variable_scope: str
    name_scope: str
    initializer: str
    reuses: tuple

    def lines(self):
        if self.via == IMPORTED:
            return ["variable %r, from %s" % (self.name, IMPORTED),
                    "  initializer: %s" % self.initializer]
        out = ["variable %r, created by %s%s" % (
            self.name, self.via,
            " at %s, through %s()" % (self.created, self.entry) if self.created else "")]
        out.append("  scopes at creation: variable_scope %r, name_scope %r"
                   % (self.variable_scope, self.name_scope))
        out.append("  initializer: %s" % self.initializer)
        if self.reuses:
            out.append("  reused by %d later get_variable call%s:" % (
                len(self.reuses), "" if len(self.reuses) == 1 else "s"))
            out.extend("    %s" % w for w in self.reuses)
        else:
            out.append("  not reused (no later get_variable call returned it)")
        return out


IMPORTED = "a graph file (which call made it is not recorded there)"


def user_site(traceback_frames):
    """(the innermost user frame as a Where, the API function it called) or (None, "")."""
    frames = list(traceback_frames)
    for i in range(len(frames) - 1, -1, -1):
        if stack.is_user_frame(frames[i]):
            f = frames[i]
            entry = frames[i + 1].name if i + 1 < len(frames) else f.name
            return Where(f.filename, f.lineno, f.name), entry
    return None, ""


def op_site(op):
    """Where the user's code defined `op` (None for ops of an imported GraphDef)."""
    if op.graph.__dict__.get("_insight_imported"):
        return None
    return user_site(op.traceback)[0]


def _shards(var):
    """The variables a get_variable result stands for (the shards of a partitioned one)."""
    if hasattr(var, "op"):
        return [var]
    return list(var)


def op_named(graph, name):
    try:
        return graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return None


def _describe_initializer(op, requested):
    """The op computing the initial value (`<var>/Assign`'s value) and the initializer asked
    for (recorded by get_variable; None: the default, or a tf.Variable)."""
    assign = op_named(op.graph, op.name + "/Assign")
    text = "none found in the graph"
    if assign is not None and len(assign.inputs) > 1:
        value = assign.inputs[1].op
        text = "initial value %s (%s)" % (value.name, value.type)
    if requested is not None:
        text = "%s; %s" % (_initializer_name(requested), text)
    return text


def _initializer_name(init):
    if hasattr(init, "op") or not callable(init):  # a tensor or a value
        return "initializer=%s" % (getattr(init, "name", None) or type(init).__name__)
    return "initializer=%s" % getattr(init, "__name__", type(init).__name__)


SHARD = re.compile(r"/part_\d+$")


def provenance(graph):
    """{variable op name: VariableProvenance} for every variable op of `graph`, in graph order.

    >>> import scopeflow.compat.v1 as tf
    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     with tf.variable_scope("s"):
    ...         w = tf.get_variable("w", [2])
    ...     with tf.variable_scope("s", reuse=True):
    ...         w2 = tf.get_variable("w")
    >>> p = provenance(g)["s/w"]
    >>> p.via, len(p.reuses)
    ('tf.get_variable', 1)
    """
    calls = calls_by_variable(graph)
    return {op.name: _one(op, calls) for op in graph.get_operations()
            if op.type in VARIABLE_TYPES}


def provenance_of(op, calls=None):
    """The VariableProvenance of one variable op."""
    return _one(op, calls_by_variable(op.graph) if calls is None else calls)


def calls_by_variable(graph):
    """{variable op name: [(name scope, user's Where)]} of get_variable calls, in order."""
    calls = {}
    for var, _, scope, where in graph.__dict__.get("_get_variable_calls", ()):
        site, _ = user_site(stack.frames(where))
        for shard in _shards(var):
            calls.setdefault(shard.op.name, []).append((scope, site))
    return calls


def _one(op, calls):
    graph = op.graph
    created, entry = (None, "") if graph.__dict__.get("_insight_imported") else \
        user_site(op.traceback)
    made = calls.get(op.name)
    if graph.__dict__.get("_insight_imported"):
        via, var_scope, reuses, name_scope = IMPORTED, "", (), ""
    elif made:
        via, name_scope = "tf.get_variable", made[0][0]
        whole = SHARD.sub("", op.name)
        var_scope = whole.rsplit("/", 1)[0] if "/" in whole else ""
        reuses = tuple(site for _, site in made[1:] if site is not None)
    else:
        via, var_scope, reuses = "tf.Variable", "", ()
        name_scope = op.name.rsplit("/", 1)[0] if "/" in op.name else ""
    init = graph.__dict__.get("_get_variable_inits", {}).get(op.name)
    return VariableProvenance(op.name, via, created, entry, var_scope, name_scope,
                              _describe_initializer(op, init), reuses)
