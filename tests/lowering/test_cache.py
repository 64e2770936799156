"""Compiled run signatures: built once per signature, shared by a graph's sessions."""

import numpy as np

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
