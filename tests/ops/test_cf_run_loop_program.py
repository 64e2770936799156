"""The program a dynamic_rnn training step lowers to (ops/cf_run.py, ops/stack_ops.py): its
forward loop is a bounded while loop (no conditional per iteration), its stacks move a counter
(no sum over a mask of filled slots per push and pop), each loop carries its check flags as
one vector, the outputs' TensorArray is stacked without a gather; the losses of three steps
are TensorFlow's."""

import numpy as np
import pytest
from approx import agree, explain
from oracle import run_here

BUILD = '''
import numpy as np
tf.set_random_seed(3)
x = tf.placeholder(tf.float32, [3, 5, 2], name="x")
y = tf.placeholder(tf.int32, [3], name="y")
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
logits = tf.layers.dense(out[:, -1], 3)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.AdamOptimizer(0.1).minimize(loss)
feed = {x: np.cos(np.arange(30) * 0.7).reshape(3, 5, 2), y: [0, 2, 1]}
'''
STEPS = BUILD + '''
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [float(sess.run([train, loss], feed)[1]) for _ in range(3)]
'''


@pytest.mark.oracle
def test_lstm_steps_are_tfs(oracle):
    here, there = run_here(STEPS), oracle(STEPS)
    assert agree(here, there, 1e-6), explain(STEPS, here, there)


def _loops(jaxpr, found):
    """Every while loop's body under `jaxpr` (nested calls and branches too)."""
    for e in jaxpr.eqns:
        if e.primitive.name == "while":
            found.append(e.params["body_jaxpr"].jaxpr)
        for sub in e.params.values():
            for s in (sub if isinstance(sub, (list, tuple)) else [sub]):
                inner = getattr(s, "jaxpr", None)
                if inner is not None:
                    _loops(getattr(inner, "jaxpr", inner), found)
    return found


def test_lstm_step_loops(monkeypatch):
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import disk_cache, graph_key
    traced = []
    real = disk_cache.compile_traced
    monkeypatch.setattr(disk_cache, "compile_traced",
                        lambda t, *a, **k: traced.append(t) or real(t, *a, **k))
    monkeypatch.setattr(graph_key, "key", lambda *a: None)  # (traced, not found on disk)
    monkeypatch.setattr(disk_cache, "cache_dir", lambda: None)
    env = {}
    with tf.Graph().as_default():
        exec(BUILD, {"tf": tf}, env)
        _run_once(tf, env, traced)
    loops = _loops(traced[-1].jaxpr.jaxpr, [])
    assert len(loops) == 2  # the forward loop and TF's gradient loop, both while loops
    for body in loops:
        prims = [e.primitive.name for e in body.eqns]
        assert "cond" not in prims  # (a bounded loop that JAX does not differentiate)
        sums = [e for e in body.eqns if e.primitive.name == "reduce_sum"
                and not np.issubdtype(e.invars[0].aval.dtype, np.floating)]
        assert sums == []  # (a stack's position is a counter, not the sum of a mask)
        flags = [v.aval for v in body.invars if v.aval.dtype == np.bool_ and v.aval.ndim == 0]
        assert flags == []  # (the check flags: one vector)
    # the outputs' stack(), a gather of every element in order, is the array itself (XLA
    # copied it element by element: 1.4 ms of benchmarks/train.py's LSTM step)
    top = traced[-1].jaxpr.jaxpr
    assert [e.invars[0].aval.shape for e in top.eqns if e.primitive.name == "gather"
            and e.invars[1].aval.shape[:1] == (5,)] == []


def _run_once(tf, env, traced):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        traced.clear()
        sess.run([env["train"], env["loss"]], env["feed"])
