"""Imported tf.conds run as conds: the importer rebuilds their records (import_cf.py)."""

import numpy as np


def _round_trip(tf, g):
    h = tf.Graph()
    with h.as_default():
        tf.import_graph_def(g.as_graph_def(), name="")
    return h


def test_cond_round_trip_takes_the_fed_branch(tf):
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        x = tf.placeholder(tf.float32, [2], name="x")
        r, k = tf.cond(p, lambda: (x * 2, tf.constant(1)), lambda: (x - 1, tf.constant(0)))
        inner = tf.cond(p, lambda: tf.cond(p, lambda: r + 10, lambda: r), lambda: r * 3)
    names = [r.name, k.name, inner.name]
    h = _round_trip(tf, g)
    assert type(h.get_tensor_by_name(names[0]).op._cf[0]).__name__ == "CondSpec"
    with tf.Session(graph=h) as s:
        got = [s.run(names, {"p:0": b, "x:0": [1.0, 2.0]}) for b in (True, False)]
    assert [a.tolist() for a in got[0]] == [[2.0, 4.0], 1, [12.0, 14.0]]
    assert [a.tolist() for a in got[1]] == [[0.0, 1.0], 0, [0.0, 3.0]]


def test_two_conds_on_one_predicate_stay_apart(tf):
    """The second cond reads the first one's result: one construct for both would be a cycle."""
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        a = tf.cond(p, lambda: tf.constant(1.0), lambda: tf.constant(2.0))
        b = tf.cond(p, lambda: a * 10, lambda: a + 1)
    h = _round_trip(tf, g)
    specs = {h.get_tensor_by_name(t.name).op._cf[0] for t in (a, b)}
    assert len(specs) == 2
    with tf.Session(graph=h) as s:
        assert s.run(b.name, {"p:0": True}) == 10.0
        assert s.run(b.name, {"p:0": False}) == 3.0


def test_gradient_of_a_cond_selects_the_live_input(tf):
    """TF's gradient of a cond reads the forward branch's values from inside the branch:
    such Merges select their live input by the predicate."""
    from scopeflow.checkpoint.import_cf import SelectMerge, rebuild_conds
    from scopeflow.ops.cf_ops import _merge, _switch
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        x = tf.placeholder(tf.float32, [3], name="x")
        f, t = _switch(x, p)
        yf, yt = f * 2, tf.exp(t)  # the branches
        y = _merge([yf, yt])[0]
        gf, gt = _switch(tf.ones_like(y) * y, p)  # the gradient reads y and the branch values
        dx = _merge([gf * 2, gt * yt])[0]
        ops = g.get_operations()
        for op in ops:
            op._cf = None
        rebuild_conds(ops)
    assert isinstance(dx.op._cf[0], SelectMerge)
    xv = np.array([0.0, 1.0, -1.0], np.float32)
    with tf.Session(graph=g) as s:
        np.testing.assert_allclose(s.run(dx, {p: True, x: xv}), np.exp(xv) ** 2, rtol=1e-6)
        np.testing.assert_allclose(s.run(dx, {p: False, x: xv}), xv * 4, rtol=1e-6)
        assert s.run(y.op.outputs[1], {p: True, x: xv}) == 1
