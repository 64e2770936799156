"""An optimizer's updates compared with TF's bit for bit over a real training run.

TF trains a small dense net (seeded NumPy weights, fixed data, odd layer sizes so Eigen's
vectorized kernels also take their scalar tail) for 20 steps and records each step's
gradients and, after steps 1, 5 and 20, the bits of every variable and slot. scopeflow then
applies TF's recorded gradients with the same optimizer, so only the training ops' arithmetic
can differ (the gradients themselves differ in last bits: MatMul's summation order).

    test_training_equals_tf_bit_for_bit = bit_exact_test("tf.train.RMSPropOptimizer(0.01)")
"""

import json

import pytest

from oracle import run_here

_NET = r"""
rs = np.random.RandomState(1)
sizes = [13, 37, 19, 5]  # (batch 64) 13 -> 37 -> 19 -> 5 classes
X, Y = rs.randn(64, 13).astype(np.float32), rs.randint(0, 5, 64)
ws = []
for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    ws.append(tf.get_variable("w%d" % i, initializer=(rs.randn(a, b) / a ** 0.5).astype("f")))
    ws.append(tf.get_variable("b%d" % i, initializer=(rs.randn(b) * 0.1).astype("f")))
opt = OPTIMIZER
STEPS, KEEP = 20, (1, 5, 20)

def bits(a):
    return np.asarray(a, np.float32).view(np.uint32).ravel().tolist()
"""

_TRAIN = _NET + r"""
x = tf.constant(X)
h = x
for i in range(3):
    h = tf.matmul(h, ws[2 * i]) + ws[2 * i + 1]
    h = tf.nn.relu(h) if i < 2 else h
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=Y, logits=h))
grads = tf.gradients(loss, ws)
train = opt.apply_gradients(list(zip(grads, ws)), global_step=tf.train.get_or_create_global_step())
result = {"grads": [], "state": {}}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for step in range(1, STEPS + 1):
        g, _ = s.run([grads, train])
        result["grads"].append([bits(a) for a in g])
        if step in KEEP:
            for v in tf.global_variables():
                result["state"]["%d %s" % (step, v.op.name)] = bits(s.run(v))
"""

_REPLAY = _NET + r"""
fed = [tf.placeholder(tf.float32, w.shape) for w in ws]
train = opt.apply_gradients(list(zip(fed, ws)), global_step=tf.train.get_or_create_global_step())
result = {}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for step in range(1, STEPS + 1):
        g = [np.array(a, np.uint32).view(np.float32).reshape(w.shape)
             for a, w in zip(GRADS[step - 1], fed)]
        s.run(train, dict(zip(fed, g)))
        if step in KEEP:
            for v in tf.global_variables():
                result["%d %s" % (step, v.op.name)] = bits(s.run(v))
"""


_SPARSE = r"""
rs = np.random.RandomState(2)
w = tf.get_variable("emb", initializer=rs.randn(50, 13).astype(np.float32))  # rows of 13
vals, idx = tf.placeholder(tf.float32, [None, 13]), tf.placeholder(tf.int32, [None])
opt = OPTIMIZER
train = opt.apply_gradients([(tf.IndexedSlices(vals, idx, tf.constant([50, 13])), w)])
result = {}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for step in range(1, 21):
        rows = rs.randint(0, 50, 16).astype(np.int32)
        rows[:3] = rows[3]  # a row named 4 times: its gradients are summed first
        s.run(train, {vals: rs.randn(16, 13).astype(np.float32), idx: rows})
        if step in (1, 5, 20):
            for v in tf.global_variables():
                result["%d %s" % (step, v.op.name)] = np.asarray(
                    s.run(v), np.float32).view(np.uint32).ravel().tolist()
"""


def _count(here, there):
    assert "ok" in here and "ok" in there, (str(here)[:2000], str(there)[:2000])
    assert sorted(here["ok"]) == sorted(there["ok"])
    out = {}
    for name, want in there["ok"].items():
        n = sum(a != b for a, b in zip(here["ok"][name], want))
        if n:
            out[name] = n
    return out


def sparse_differing(oracle, optimizer):
    """As `differing`, for 20 sparse updates (IndexedSlices, seeded rows with a duplicate) of
    a [50, 13] variable: TF's sparse kernels update row by row."""
    code = _SPARSE.replace("OPTIMIZER", optimizer)
    return _count(run_here(code), oracle(code))


def differing(oracle, optimizer):
    """{"<step> <variable>": number of elements whose bits differ from TF's} for the
    `optimizer` expression (only those that differ)."""
    there = oracle(_TRAIN.replace("OPTIMIZER", optimizer))
    assert "ok" in there, there
    tf_run = there["ok"]
    code = _REPLAY.replace("OPTIMIZER", optimizer).replace("GRADS", json.dumps(tf_run["grads"]))
    return _count(run_here(code), {"ok": tf_run["state"]})


def bit_exact_test(*optimizers, sparse=False):
    """A test (one case per optimizer expression) that training with it equals TF's bits
    (with `sparse`, its sparse updates)."""
    count = sparse_differing if sparse else differing

    @pytest.mark.oracle
    @pytest.mark.parametrize("optimizer", optimizers)
    def test(oracle, optimizer):
        assert count(oracle, optimizer) == {}

    return test
