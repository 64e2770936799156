"""Where a graph's `tf.get_variable` calls were made: the user's line and the scopes open there.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     v = tf.get_variable("v", [])
>>> [(c.variable.name, c.requested, c.name_scope) for c in get_variable_calls(g)]
[('v:0', 'v', '')]
"""

import dataclasses

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
