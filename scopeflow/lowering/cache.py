"""Compiled run signatures, shared by every Session of a graph, at most `limit()` in all.

Key: (ops of the slice in order, fetched tensors, fed tensors used, feed shapes and dtypes,
(initialized?, shape, dtype) of each variable of the slice). The graph only grows, so a key
stays valid; `stats` counts traces and XLA compiles (tests check that repeated runs add none).

A graph holds its own cache (`graph._compile_cache`), so dropping the graph frees its compiled
programs. Across graphs the least recently used signatures beyond `limit()` are evicted
(environment variable SCOPEFLOW_COMPILE_CACHE_SIZE, default 256; `set_limit(n)`); an evicted
signature is compiled again when next run. JAX keeps tracing caches of its own per shape:
after every `limit()` evictions they are cleared too (`jax.clear_caches()`), else they would
grow with every distinct feed shape.
"""

import collections
import itertools
import os
import threading
import weakref

stats = {"traces": 0, "compiles": 0, "evictions": 0}

_DEFAULT_LIMIT = 256
_lock = threading.RLock()
_lru = collections.OrderedDict()  # token -> weakref to the _GraphCache holding that entry
_tokens = itertools.count(1)
_graph_caches = weakref.WeakSet()
_evicted = [0]  # evictions since JAX's caches were last cleared


def _env_limit():
    text = os.environ.get("SCOPEFLOW_COMPILE_CACHE_SIZE", "")
    try:
        return max(1, int(text)) if text.strip() else _DEFAULT_LIMIT
    except ValueError:
        raise ValueError("SCOPEFLOW_COMPILE_CACHE_SIZE must be a positive integer, got %r"
                         % text) from None


_limit = _env_limit()


class _GraphCache:
    __slots__ = ("__weakref__", "entries", "keys", "lock", "programs", "ref", "tokens")

    def __init__(self):
        self.programs = {}  # (fetched tensors, target ops, fed tensors) -> (version, Program)
        self.entries = {}  # (Program, feed avals, state signature) -> (token, Entry)
        self.keys = {}  # token -> entry key
        self.lock = threading.RLock()
        # the callback holds only the token set, never the cache (or the graph) itself
        self.tokens = tokens = set()
        self.ref = weakref.ref(self, lambda _, t=tokens: _forget(t))


def _forget(tokens):
    with _lock:
        for t in tokens:
            _lru.pop(t, None)
        tokens.clear()


def _of(graph):
    gc = graph.__dict__.get("_compile_cache")
    if gc is None:
        with _lock:
            gc = graph.__dict__.get("_compile_cache")
            if gc is None:
                gc = graph._compile_cache = _GraphCache()
                _graph_caches.add(gc)
    return gc


def limit():
    """How many compiled signatures are kept, over all graphs."""
    return _limit


def set_limit(n):
    """Keeps at most `n` compiled signatures (least recently used evicted first).

    >>> old = limit(); set_limit(64); limit()
    64
    >>> set_limit(old)
    """
    global _limit
    n = int(n)
    if n < 1:
        raise ValueError("the compile cache holds at least one signature, got %d" % n)
    with _lock:
        _limit = n
        _evict()


def size():
    """How many compiled signatures are held now."""
    return len(_lru)


def program(graph, tensors, ops, fed, done=frozenset(), carry=False):
    """The `Program` of (fetched tensors, target ops, fed tensors), rebuilt if the graph
    changed since and the slice with it; ops in `done` ran in an earlier stage of the run;
    `carry`: a step of a run in steps (its fetched TensorArray flows keep their elements)."""
    from scopeflow.lowering.lower import Program
    from scopeflow.ops.ta_masks import read_masks
    gc = _of(graph)
    key = (tuple(tensors), tuple(ops), tuple(fed), done, carry)
    hit = gc.programs.get(key)
    if hit is not None and hit[0] == graph._version:
        return hit[1]
    prog = Program(graph, tensors, ops, fed, done)
    prog.carry = carry
    if carry:  # its TensorArrays' read masks cross the steps as Session state
        prog.variables += read_masks(prog.order)
    if hit is not None and hit[1].key == prog.key:
        prog = hit[1]  # the graph grew elsewhere: same slice, keep what was learnt
    gc.programs[key] = (graph._version, prog)
    return prog


def entry(prog, state, feeds, state_sig, background=False):
    """The compiled Entry of `prog` for these feed arrays and variable state. `background`:
    a compile ahead (ahead.py), which lets the graph's lock go while XLA compiles, so the
    graph's other runs do not wait for a program they may never need; it gives up (raises
    disk_cache.Abandoned) if one of them changed what `prog` learnt meanwhile."""
    from scopeflow.lowering import disk_cache
    from scopeflow.lowering.lower import build
    gc = _of(prog.graph)
    # the Program itself stands for its slice: `program` hands out one object per slice
    key = _key(prog, feeds, state_sig)
    static_before = prog.static_pos
    hit = gc.entries.get(key)
    if hit is not None:
        _touch(hit[0])
        return hit[1]
    with gc.lock:
        hit = gc.entries.get(key)
        if hit is not None:
            return hit[1]
        if background:
            disk_cache.yielding(gc.lock, lambda: (prog.static_pos, prog.n_rng,
                                                  tuple(prog.stack_caps.items())))
        try:
            e = build(prog, state, feeds)
        finally:
            if background:
                disk_cache.yielding(None, None)
        _insert(gc, key, e)
        if prog.static_pos != static_before:  # the build learnt values to compile in
            _insert(gc, _key(prog, feeds, state_sig), e)
    if _evicted[0] >= _limit:
        _clear_jax_caches()
    return e


def has(prog, feeds, state_sig):
    """Whether `prog` is compiled for these feed arrays and variable state."""
    return _key(prog, feeds, state_sig) in _of(prog.graph).entries


def _key(prog, feeds, state_sig):
    return (prog, tuple(_signature(feeds[i]) for i in prog.feed_pos), state_sig,
            tuple(static_key(feeds[i]) for i in prog.static_pos),
            tuple(prog.stack_caps.items()))


def _insert(gc, key, e):
    token = next(_tokens)
    with _lock:
        gc.entries[key] = (token, e)
        gc.keys[token] = key
        gc.tokens.add(token)
        _lru[token] = gc.ref
        _evict()


def _touch(token):
    try:
        _lru.move_to_end(token)
    except KeyError:  # evicted meanwhile by another thread
        pass


def _evict():
    """Drops the least recently used signatures beyond the limit (caller holds `_lock`)."""
    while len(_lru) > _limit:
        token, ref = _lru.popitem(last=False)
        gc = ref()
        if gc is not None:
            gc.tokens.discard(token)
            key = gc.keys.pop(token, None)
            if key is not None:
                gc.entries.pop(key, None)
        stats["evictions"] += 1
        _evicted[0] += 1


def _clear_jax_caches():
    import jax
    _evicted[0] = 0
    jax.clear_caches()  # compiled Entries hold their executables: they stay valid


def _signature(a):
    try:
        return a.shape, a.dtype
    except AttributeError:  # a TensorArray's elements carried between steps (ta_state.py)
        return a.signature()


def static_key(a):
    """A fed string array as part of a signature: its shape and its values (a TensorArray's
    handle: itself; a TensorArray of strings: its elements)."""
    try:
        return a.shape, tuple(a.reshape(-1).tolist())
    except AttributeError:
        if hasattr(a, "signature"):  # a TensorArray's elements (strings): all of them
            return a.signature(), static_key(a.data), static_key(a.written)
        return a


def clear(graph=None):
    """Drops compiled signatures (of one graph, or all)."""
    caches = list(_graph_caches) if graph is None else [graph.__dict__.get("_compile_cache")]
    for gc in caches:
        if gc is None:
            continue
        with gc.lock:
            gc.programs.clear()
            gc.entries.clear()
            gc.keys.clear()
            _forget(gc.tokens)
