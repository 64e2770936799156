"""Ambient state in one place: the default-graph stack and each graph's per-thread frame.

Everything that `with` blocks change (name scope, variable scope, control dependencies,
devices, colocation) lives in a `Frame`, one per (graph, thread), and changes only through
context managers that restore it in `finally`.
"""

import threading


class Frame:
    """Per-thread, per-graph building state."""

    __slots__ = ("name_scope", "var_scope", "controllers", "devices", "colocate", "in_cf",
                 "gradient_override", "var_scope_counts", "var_scope_subs", "creators", "xla")

    def __init__(self):
        self.name_scope = ""  # current name scope, no trailing "/"
        self.var_scope = None  # current VariableScope (created lazily by core.scopes)
        self.var_scope_counts = {}  # default_name uniquifier of variable_scope, per thread
        self.var_scope_subs = {}  # scope name -> names ever counted under it (see scopes.py)
        self.controllers = []  # active control_dependencies controllers, outermost first
        self.devices = []  # device strings / functions, outermost first
        self.colocate = []  # ops to colocate with
        self.in_cf = None  # innermost control-flow context (cond / while builder)
        self.gradient_override = {}
        self.creators = ()  # variable_creator_scope's creators, outermost first
        self.xla = None  # an entered XLAControlFlowContext (ops/cf_xla.py), or None


class _GraphStack(threading.local):
    def __init__(self):
        self.stack = []


_stack = _GraphStack()
_global_default = [None]
_global_lock = threading.Lock()


def default_graph():
    """The innermost graph of `Graph.as_default()` in this thread, or the global default."""
    s = _stack.stack
    if s:
        return s[-1]
    g = _global_default[0]
    if g is None:
        with _global_lock:
            if _global_default[0] is None:
                from scopeflow.core.graph import Graph
                _global_default[0] = Graph()
            g = _global_default[0]
    return g


def push_graph(g):
    _stack.stack.append(g)


def pop_graph(g):
    s = _stack.stack
    if s and s[-1] is g:
        s.pop()
    elif g in s:  # exited out of order: remove the innermost occurrence
        del s[len(s) - 1 - s[::-1].index(g)]


def graph_nesting():
    return len(_stack.stack)


def reset_global_default():
    from scopeflow.core.graph import Graph
    if _stack.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _global_default[0] = Graph()
