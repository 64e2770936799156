"""Compiled run signatures, shared by every Session of a graph.

Key: (ops of the slice in order, fetched tensors, fed tensors used, feed shapes and dtypes,
(initialized?, shape, dtype) of each variable of the slice). The graph only grows, so a key
stays valid; `stats` counts traces and XLA compiles (tests check that repeated runs add none).
"""

import threading
import weakref

stats = {"traces": 0, "compiles": 0}

_by_graph = weakref.WeakKeyDictionary()  # Graph -> _GraphCache
_lock = threading.Lock()


class _GraphCache:
    __slots__ = ("entries", "lock", "programs")

    def __init__(self):
        self.programs = {}  # (fetched tensors, target ops, fed tensors) -> (version, Program)
        self.entries = {}  # (Program, feed avals, state signature) -> Entry
        self.lock = threading.RLock()


def _of(graph):
    gc = _by_graph.get(graph)
    if gc is None:
        with _lock:
            gc = _by_graph.get(graph)
            if gc is None:
                gc = _by_graph[graph] = _GraphCache()
    return gc


def program(graph, tensors, ops, fed, done=frozenset()):
    """The `Program` of (fetched tensors, target ops, fed tensors), rebuilt if the graph
    changed since and the slice with it; ops in `done` ran in an earlier stage of the run."""
    from scopeflow.lowering.lower import Program
    gc = _of(graph)
    key = (tuple(tensors), tuple(ops), tuple(fed), done)
    hit = gc.programs.get(key)
    if hit is not None and hit[0] == graph._version:
        return hit[1]
    prog = Program(graph, tensors, ops, fed, done)
    if hit is not None and hit[1].key == prog.key:
        prog = hit[1]  # the graph grew elsewhere: same slice, keep what was learnt
    gc.programs[key] = (graph._version, prog)
    return prog


def entry(prog, state, feeds, state_sig):
    """The compiled Entry of `prog` for these feed arrays and variable state."""
    from scopeflow.lowering.lower import build
    gc = _of(prog.graph)
    # the Program itself stands for its slice: `program` hands out one object per slice
    key = _key(prog, feeds, state_sig)
    static_before = prog.static_pos
    e = gc.entries.get(key)
    if e is None:
        with gc.lock:
            e = gc.entries.get(key)
            if e is None:
                e = gc.entries[key] = build(prog, state, feeds)
                if prog.static_pos != static_before:  # the build learnt values to compile in
                    gc.entries[_key(prog, feeds, state_sig)] = e
    return e


def _key(prog, feeds, state_sig):
    return (prog, tuple((feeds[i].shape, feeds[i].dtype) for i in prog.feed_pos), state_sig,
            tuple(static_key(feeds[i]) for i in prog.static_pos))


def static_key(a):
    """A fed string array as part of a signature: its shape and its values."""
    return a.shape, tuple(a.reshape(-1).tolist())


def clear(graph=None):
    """Drops compiled signatures (of one graph, or all)."""
    if graph is None:
        _by_graph.clear()
    else:
        _by_graph.pop(graph, None)
