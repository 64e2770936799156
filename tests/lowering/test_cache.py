"""Compiled run signatures: built once per signature, shared by a graph's sessions."""

import gc
import weakref

import numpy as np
import pytest

from scopeflow.lowering import cache


def test_one_compile_per_feed_shape(tf):
    p = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(p * p)
    with tf.Session() as s:
        before = cache.stats["compiles"]
        for n in (1, 2, 1, 2, 3):
            assert s.run(y, {p: np.ones(n)}) == n
        assert cache.stats["compiles"] == before + 3


def test_a_growing_graph_keeps_compiled_slices(tf):
    c = tf.constant(2.0) * tf.Variable(3.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(c)
        before = cache.stats["compiles"]
        for _ in range(3):
            tf.constant(0.0)  # new ops elsewhere
            assert s.run(c) == 6.0
        assert cache.stats["compiles"] == before


def test_state_signature_follows_initialization(tf):
    v = tf.Variable(1.0)
    w = tf.Variable(2.0)
    y = v + w
    with tf.Session() as s:
        s.run(v.initializer)
        prog = cache.program(s.graph, [y], [], [])
        assert prog.state_sig(s._state).count(None) == 1
        s.run(w.initializer)
        assert None not in prog.state_sig(s._state)
        assert s.run(y) == 3.0


def test_clear_drops_compiled_programs(tf):
    c = tf.constant(1.0) + tf.Variable(1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(c)
        cache.clear(s.graph)
        before = cache.stats["compiles"]
        s2 = tf.Session()
        s2.run(tf.global_variables_initializer())
        s2.run(c)
        assert cache.stats["compiles"] > before


def _run_in_dropped_graph(tf):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", [3, 3])
        y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)))
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(y, {x: np.ones((2, 3), np.float32)})
    return weakref.ref(g), weakref.ref(y.op)


def test_a_dropped_graph_and_its_compiled_programs_are_freed(tf):
    gc.collect()
    before = set(cache._lru)
    refs = [_run_in_dropped_graph(tf) for _ in range(3)]
    gc.collect()
    assert [r() for pair in refs for r in pair] == [None] * 6
    # their signatures left the LRU with them (compared by entry: an earlier test's graph may
    # be freed meanwhile, so the count alone can drop; it did once in CI, 251 -> 250)
    assert not set(cache._lru) - before


@pytest.fixture
def small_cache():
    old = cache.limit()
    cache.set_limit(3)
    yield
    cache.set_limit(old)


def test_the_cache_keeps_at_most_its_limit(tf, small_cache):
    p = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(p * 2.0)
    with tf.Session() as s:
        evicted = cache.stats["evictions"]
        for n in range(1, 8):
            assert s.run(y, {p: np.ones(n)}) == 2 * n
            assert cache.size() <= 3
        assert cache.stats["evictions"] - evicted >= 4
        graph_cache = s.graph._compile_cache
        assert len(graph_cache.entries) <= 3
        before = cache.stats["compiles"]
        assert s.run(y, {p: np.ones(1)}) == 2  # evicted: compiled again, same value
        assert cache.stats["compiles"] == before + 1


def test_recently_used_signatures_stay(tf, small_cache):
    p = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(p)
    z = tf.reduce_max(p)
    with tf.Session() as s:
        for n in (1, 2, 3):
            s.run(y, {p: np.ones(n)})
        s.run(z, {p: np.ones(4)})  # another plan: its lookup goes through the cache
        s.run(y, {p: np.ones(1)})  # 1 becomes the most recent; 2 is the oldest
        s.run(z, {p: np.ones(5)})
        before = cache.stats["compiles"]
        s.run(y, {p: np.ones(1)})
        assert cache.stats["compiles"] == before


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE_SIZE", "17")
    assert cache._env_limit() == 17
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE_SIZE", "lots")
    with pytest.raises(ValueError, match="SCOPEFLOW_COMPILE_CACHE_SIZE"):
        cache._env_limit()
    with pytest.raises(ValueError):
        cache.set_limit(0)
