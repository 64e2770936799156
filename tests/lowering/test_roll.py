"""Statically unrolled recurrences run as loops (lowering/roll.py): same values, same graph."""

import numpy as np
import pytest
from oracle import explain, run_here

from scopeflow.lowering import roll

# a 2-layer LSTM unrolled by static_rnn, its gradients and an optimizer step
STATIC_RNN = """
import numpy as np
T, B = 12, 2
xs = [tf.placeholder(tf.float32, [B, 3], name='x%d' % i) for i in range(T)]
with tf.variable_scope('v', initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=3)):
  cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4) for _ in range(2)])
  outs, st = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
loss = tf.reduce_sum(tf.square(tf.stack(outs))) + tf.reduce_sum(st[1].c)
grads = tf.gradients(loss, xs[:2] + tf.trainable_variables())
train = tf.train.AdamOptimizer(0.01).minimize(loss)
feed = {t: np.cos(np.arange(6) * 0.7 + i).reshape(B, 3).astype(np.float32)
        for i, t in enumerate(xs)}
with tf.Session() as s:
  s.run(tf.global_variables_initializer())
  first = s.run([loss] + grads, feed)
  steps = [s.run([loss, train], feed)[0] for _ in range(2)]
  result = first + steps + s.run(outs[-1:] + tf.trainable_variables(), feed)
"""


@pytest.fixture
def small(monkeypatch):
    """Small runs roll too; nothing is read back from the disk cache (the program must be
    traced to be rolled)."""
    monkeypatch.setattr(roll, "MIN_TOTAL", 64)
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE", "0")
    found = []
    real = roll.find_regions

    def record(jaxpr):
        regions = real(jaxpr)
        found.append(regions)
        return regions

    monkeypatch.setattr(roll, "find_regions", record)
    return found


def _run(tf):
    """STATIC_RNN's result as arrays, on a fresh graph."""
    tf.reset_default_graph()
    scope = {"tf": tf}
    exec(STATIC_RNN, scope)
    return [np.asarray(a) for a in scope["result"]]


def test_static_rnn_rolls_forward_and_backward(small, tf):
    _run(tf)
    rolled = [r for regions in small for r in regions]
    assert rolled, "no run of blocks found"
    # the training run: the forward steps and their gradients, each one loop
    biggest = max(small, key=lambda regions: sum(r.length * r.count for r in regions))
    assert len(biggest) == 2
    assert all(r.count >= 10 and r.carry_in and r.consts for r in biggest)


def test_rolled_values_are_the_unrolled_ones(small, monkeypatch, tf):
    rolled = _run(tf)
    assert any(small)
    monkeypatch.setenv("SCOPEFLOW_ROLL", "0")
    del small[:]
    unrolled = _run(tf)
    assert not any(small)  # (the switch keeps every program as traced)
    # XLA:CPU computes a * b + c inside one fusion as one fused multiply-add: where a loop
    # fuses a step's ops differently the last bit may differ (TF's assertAllClose tolerance)
    for a, b in zip(rolled, unrolled):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def _matches_tf(program, small, oracle):
    here, there = run_here(program), oracle(program)
    assert any(small)
    assert "ok" in here and "ok" in there, explain(program, here, there)
    # (values rounded to 5 places: the unrolled lowering lands on the other side of a
    # rounding boundary in places too)
    for a, b in zip(here["ok"], there["ok"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-5)


@pytest.mark.oracle
def test_rolled_static_rnn_matches_tf(small, oracle):
    _matches_tf(STATIC_RNN, small, oracle)


def test_program_without_repeats_is_left_as_traced(small, tf):
    x = tf.placeholder(tf.float32, [4])
    y = x
    for i in range(40):  # a chain of distinct ops: no block repeats
        y = [tf.sin, tf.cos, tf.exp, tf.tanh][i % 4](y * float(i + 1))
    with tf.Session() as s:
        got = s.run(y, {x: np.arange(4, dtype=np.float32) / 10})
    assert not any(small)
    want = np.arange(4, dtype=np.float32) / 10
    for i in range(40):
        want = [np.sin, np.cos, np.exp, np.tanh][i % 4](want * np.float32(i + 1))
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_repeats_without_shared_values_stay_unrolled(small, tf):
    # the same layer shape 12 times, each with its own weights: no recurrence to roll
    x = tf.placeholder(tf.float32, [2, 4])
    y = x
    for i in range(12):
        w = tf.constant(np.eye(4, dtype=np.float32) * (1 + i / 10))
        y = tf.tanh(tf.matmul(y, w) + float(i))
    with tf.Session() as s:
        s.run(y, {x: np.ones((2, 4), np.float32)})
    assert not any(small)


def test_blocks_holding_their_own_loops_match():
    # each traced lax.scan (float32 sums in Eigen's order are one) has its own jaxpr object
    import jax
    from jax import lax

    def f(x):  # (a body made per call, as a kernel makes it)
        a = lax.scan(lambda c, v: (c + v, c), 0.0, x)[0]
        b = lax.scan(lambda c, v: (c + v, c), 0.0, x)[0]
        return a, b

    eqns = jax.make_jaxpr(f)(np.ones(4, np.float32)).jaxpr.eqns
    sigs = roll._signatures(eqns)
    assert [e.primitive.name for e in eqns] == ["scan", "scan"]
    assert eqns[0].params["jaxpr"] is not eqns[1].params["jaxpr"]
    assert sigs[0] == sigs[1]


# static_rnn with sequence_length: each step compares its own time index with the lengths
# (`time >= max_len` in tf.cond predicates and branches), a literal per step
STATIC_RNN_LENGTHS = """
import numpy as np
T, B = 12, 3
xs = [tf.placeholder(tf.float32, [B, 2], name='x%d' % i) for i in range(T)]
n = tf.placeholder(tf.int32, [B], name='n')
with tf.variable_scope('v', initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=5)):
  cell = tf.nn.rnn_cell.BasicLSTMCell(4)
  outs, st = tf.nn.static_rnn(cell, xs, dtype=tf.float32, sequence_length=n)
loss = tf.reduce_sum(tf.square(tf.stack(outs))) + tf.reduce_sum(st.h)
grads = tf.gradients(loss, xs[:2] + tf.trainable_variables())
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
feed = {t: np.sin(np.arange(6) * 0.3 + i).reshape(B, 2).astype(np.float32)
        for i, t in enumerate(xs)}
feed[n] = np.array([12, 5, 9], np.int32)
with tf.Session() as s:
  s.run(tf.global_variables_initializer())
  first = s.run([loss] + grads, feed)
  steps = [s.run([loss, train], feed)[0] for _ in range(2)]
  result = first + steps + s.run(outs + [st.c] + tf.trainable_variables(), feed)
"""


def _run_lengths(tf):
    tf.reset_default_graph()
    scope = {"tf": tf}
    exec(STATIC_RNN_LENGTHS, scope)
    return [np.asarray(a) for a in scope["result"]]


def test_static_rnn_with_lengths_rolls_with_its_step_index(small, monkeypatch, tf):
    rolled = _run_lengths(tf)
    biggest = max(small, key=lambda regions: sum(r.length * r.count for r in regions))
    assert len(biggest) == 2  # forward steps and their gradients
    assert all(r.count >= 9 and r.lits for r in biggest)  # each block its own time index
    monkeypatch.setenv("SCOPEFLOW_ROLL", "0")
    del small[:]
    unrolled = _run_lengths(tf)
    assert not any(small)
    for a, b in zip(rolled, unrolled):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    # steps past a row's length: zero outputs, as unrolled (and in TF)
    outs = rolled[-(12 + 1 + 2):-(1 + 2)]  # (then st.c and the two variables)
    assert all(not o[1].any() for o in outs[5:]) and outs[4][1].any()


@pytest.mark.oracle
def test_rolled_static_rnn_with_lengths_matches_tf(small, oracle):
    _matches_tf(STATIC_RNN_LENGTHS, small, oracle)


def _stepped(inner_scan=False):
    """A jaxpr of 12 blocks that differ in their step index t: `n > t` picks a cond's
    branch, and a branch compares with t again (or, `inner_scan`, a loop adds t)."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    def f(h, w, n):
        for t in range(12):
            h = jnp.tanh(h @ w)
            if inner_scan:
                h = h + lax.scan(lambda c, _: (c + t, None), 0, None, length=2)[0]
            else:
                h = lax.cond(n > t, lambda h: jnp.where(n >= t + 3, h, h * 0.5),
                             lambda h: h - 0.25, h)
            h = h * 1.01
        return h

    args = (np.full((2, 3), 0.3, np.float32), np.eye(3, dtype=np.float32) * 0.9,
            np.int32(7))
    return jax.make_jaxpr(f)(*args), args


def test_blocks_that_differ_in_their_step_index_roll_with_it(monkeypatch):
    import jax

    monkeypatch.setattr(roll, "MIN_TOTAL", 16)
    monkeypatch.setattr(roll, "MIN_BLOCK", 4)
    closed, args = _stepped()
    regions = roll.find_regions(closed.jaxpr)
    assert len(regions) == 1 and regions[0].count >= 10 and regions[0].lits
    want = jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args)[0]
    got = jax.jit(lambda *a: roll.evaluate(closed, regions, *a))(*args)[0]
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    # (n = 7: the steps from 7 on took the other branch, those from 4 on halved h)
    every = jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args[:2], np.int32(99))[0]
    assert not np.allclose(np.asarray(want), np.asarray(every))


def test_literals_kept_for_nested_jaxprs_are_those_found_again():
    """The block search keeps each nested jaxpr's literals (`memo`): the same lists as
    found equation by equation, a step's index in its cond's branch included."""
    closed, _ = _stepped()
    memo = {}
    for _ in range(2):  # (the second pass reads the kept ones)
        for e in closed.jaxpr.eqns:
            got = roll._literals(e, memo=memo)
            want = roll._literals(e)
            assert [(int(v), f) for v, f in got] == [(int(v), f) for v, f in want]
    conds = [e for e in closed.jaxpr.eqns if e.primitive.name == "cond"]
    assert len(conds) == 12 and len(memo) >= 12
    assert [int(v) for v, _ in roll._literals(conds[5], memo=memo)] == [8]  # n >= t + 3


def test_a_step_index_inside_another_loop_is_not_rolled(monkeypatch):
    monkeypatch.setattr(roll, "MIN_TOTAL", 16)
    monkeypatch.setattr(roll, "MIN_BLOCK", 4)
    closed, _ = _stepped(inner_scan=True)
    assert roll.find_regions(closed.jaxpr) == []


def test_blocks_whose_work_is_inside_a_cond_roll_by_their_size():
    # each step is `lt`, `convert`, `cond`: 3 top-level equations a block, the step's work
    # in the cond's branches; sizes count the branches' equations too
    import jax
    import jax.numpy as jnp
    from jax import lax

    def f(h, w, n):
        for t in range(30):
            h = lax.cond(n > t, lambda h: jnp.tanh(jnp.tanh(jnp.tanh(h @ w) @ w + 1.0) @ w
                                                   - 0.5) * 0.5, lambda h: h, h)
        return h

    args = (np.full((2, 3), 0.3, np.float32), np.eye(3, dtype=np.float32) * 0.9, np.int32(19))
    closed = jax.make_jaxpr(f)(*args)
    eqns = closed.jaxpr.eqns
    cum = roll._sizes(eqns)
    assert len(eqns) < roll.MIN_TOTAL <= cum[-1]
    regions = roll.find_regions(closed.jaxpr)
    assert len(regions) == 1 and regions[0].count >= 27 and regions[0].length < roll.MIN_BLOCK
    want = jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args)[0]
    got = jax.jit(lambda *a: roll.evaluate(closed, regions, *a))(*args)[0]
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


@pytest.mark.parametrize("g,dtype,equal", [
    (lambda a, b: a - b + 3, np.int32, True),
    (lambda a, b: a - b + 5, np.int32, True),  # (an integer literal: a block's own may differ)
    (lambda a, b: b - a + 3, np.int32, False),  # the same text but for which value each is
    (lambda a, b: a - b * 2 + 3, np.int32, False),
    (lambda a, b: a - b + 3, np.float32, True),
    (lambda a, b: a - b + 5, np.float32, False),  # other literals by value
])
def test_nested_jaxprs_are_keyed_by_structure(g, dtype, equal):
    import jax
    from jax import lax

    def f(x, y):  # two calls of their own body each
        return (lax.scan(lambda c, v: (c - v + 3, c), x, y)[0],
                lax.scan(lambda c, v: (g(c, v), c), x, y)[0])

    jaxpr = jax.make_jaxpr(f)(dtype(0), np.ones(4, dtype)).jaxpr
    keys = roll._Keys()
    a, b = (keys.params(e.params) for e in jaxpr.eqns)
    assert (a == b) is equal
    assert keys.params(jaxpr.eqns[0].params) == a  # (each jaxpr object keyed once)
