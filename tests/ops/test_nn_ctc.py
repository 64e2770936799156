"""tf.nn.ctc_loss (CTCLoss) vs TF: graph and gradient graph, losses and gradients on random
label batches, TF's errors, a training run (ops/nn_ctc.py, ops/ctc_checks.py)."""

import random

import numpy as np
import pytest
from oracle import run_here

PROGRAM = """
import numpy as np
T, B, C = 6, 3, 5
rng = np.random.RandomState(0)
logits = tf.constant(rng.randn(T, B, C).astype(np.float32))
labels = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 0]],
                         np.array([1, 2, 3, 3, 1, 0], np.int32), [3, 3])
seq = tf.constant([6, 5, 2], tf.int32)
loss = tf.nn.ctc_loss(labels, logits, seq)
g = tf.gradients(tf.reduce_sum(loss * [1., 2., 3.]), logits)[0]
loss2 = tf.nn.ctc_loss(labels, tf.transpose(logits, [1, 0, 2]), seq, time_major=False,
                       preprocess_collapse_repeated=True)
loss3 = tf.nn.ctc_loss(labels, logits, seq, ctc_merge_repeated=False)
loss4 = tf.nn.ctc_loss(labels, tf.cast(logits, tf.float64), seq)
graph = [[op.name, op.type, [i.name for i in op.inputs]]
         for op in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    result = [graph] + [np.round(v, 4).tolist() for v in s.run([loss, loss2, loss3, loss4, g])]
"""


@pytest.mark.oracle
def test_graph_losses_and_gradient_match_tf(oracle):
    """The op, TF's gradient graph (PreventGradient of the op's gradient output times the
    incoming gradient), batch-major input, collapse / merge settings, float64."""
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and here == there


RANDOM = """
import numpy as np
fetch = []
for T, B, C, labels, seq, attrs in CASES:
    rng = np.random.RandomState(T * 100 + B)
    x = tf.constant(rng.randn(T, B, C).astype(np.float32) * 2)
    idx = [[b, j] for b, row in enumerate(labels) for j in range(len(row))]
    vals = np.array([v for row in labels for v in row], np.int32)
    sp = tf.SparseTensor(np.array(idx, np.int64).reshape(-1, 2), vals, [B, max(map(len, labels))])
    loss = tf.nn.ctc_loss(sp, x, seq, **attrs)
    fetch.append([loss, tf.gradients(loss, x)[0]])
with tf.Session() as s:  # (one run: one compiled program)
    result = [[repr(v) for v in np.asarray(a).reshape(-1)] for pair in s.run(fetch)
              for a in pair]
"""


def _cases(seed, n):
    rnd = random.Random(seed)
    cases = []
    for _ in range(n):
        T, B, C = rnd.randint(1, 9), rnd.randint(1, 4), rnd.randint(2, 6)
        labels = [[rnd.randint(0, C - 2) for _ in range(rnd.randint(1, max(1, T)))]
                  for _ in range(B)]
        seq = [rnd.randint(len(row), T) for row in labels]
        attrs = {"preprocess_collapse_repeated": rnd.random() < 0.3,
                 "ctc_merge_repeated": rnd.random() < 0.7}
        cases.append((T, B, C, labels, seq, attrs))
    return cases


@pytest.mark.oracle
def test_random_batches_match_tf(oracle):
    """6 random batches (1-9 steps, 1-4 rows, 2-6 classes, repeated labels, lengths from the
    labels' own to the full time, collapse and merge settings): losses and gradients to
    float32 rounding, inf where no path fits."""
    code = "CASES = %r\n" % _cases(7, 6) + RANDOM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert len(here["ok"]) == len(there["ok"]) == 12
    for h, t in zip(here["ok"], there["ok"]):
        h, t = [float(v.split("(")[-1].rstrip(")")) for v in h], [
            float(v.split("(")[-1].rstrip(")")) for v in t]
        np.testing.assert_allclose(h, t, rtol=2e-5, atol=1e-5)


ERRORS = """
import numpy as np
rng = np.random.RandomState(0)
logits = tf.constant(rng.randn(6, 3, 5).astype(np.float32))
out = []
for idx, vals, seq, kw in CASES:
    sp = tf.SparseTensor(idx, np.array(vals, np.int32), [4, 3])
    try:
        with tf.Session() as s:
            out.append(np.round(s.run(tf.nn.ctc_loss(sp, logits, seq, **kw)), 4).tolist())
    except tf.errors.OpError as e:
        out.append([type(e).__name__, e.message.split("Node:")[-1].split("\\n", 1)[1]])
result = out
"""


@pytest.mark.oracle
def test_errors_and_edge_cases_match_tf(oracle):
    """Too little time (an error, or a zero loss under ignore_longer_outputs_than_inputs),
    labels after the blank class, negative labels, an empty row, lengths out of range,
    unsorted, repeated and out-of-bounds indices, a row of only blank-or-beyond labels, and
    repeated labels with no room for the blank between (inf)."""
    cases = [
        ([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2]], [1, 2, 3, 3, 3], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2]], [1, 2, 3, 3, 3], [6, 6, 2],
         {"ignore_longer_outputs_than_inputs": True}),
        ([[0, 0], [1, 0], [2, 0]], [1, 2, 7], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [2, 0]], [1, 2, 4], [6, 6, 3], {}),
        ([[0, 0], [1, 0], [2, 0], [2, 1]], [1, 2, 4, 1], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [2, 0]], [1, -2, 1], [6, 6, 2], {}),
        ([[0, 0], [2, 0]], [1, 2], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [2, 0]], [1, 2, 1], [6, 7, 2], {}),
        ([[0, 0], [1, 0], [2, 0]], [1, 2, 1], [6, -1, 2], {}),
        ([[0, 0], [1, 0], [2, 0]], [1, 2, 1], [6, 0, 2], {}),
        ([[0, 0], [1, 0], [2, 0], [0, 1]], [1, 2, 1, 2], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [1, 0], [2, 0]], [1, 2, 2, 1], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [3, 0]], [1, 2, 1], [6, 6, 2], {}),
        ([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2]], [1, 2, 1, 1, 1], [6, 6, 4], {}),
    ]
    code = "CASES = %r\n" % cases + ERRORS
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there


TRAIN = """
import numpy as np
tf.set_random_seed(3)
rng = np.random.RandomState(1)
x = tf.placeholder(tf.float32, [None, 8, 4])
seq = tf.placeholder(tf.int32, [None])
labels = tf.sparse_placeholder(tf.int32)
cell = tf.nn.rnn_cell.GRUCell(6)
h, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=seq, dtype=tf.float32)
logits = tf.layers.dense(h, 5)
loss = tf.reduce_mean(tf.nn.ctc_loss(labels, logits, seq, time_major=False))
train = tf.train.AdamOptimizer(0.05).minimize(loss)
X = rng.randn(3, 8, 4).astype(np.float32)
feed = {x: X, seq: [8, 6, 7],
        labels: tf.SparseTensorValue([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]],
                                     np.array([1, 3, 2, 0, 0, 3], np.int32), [3, 3])}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [float(s.run([loss, train], feed)[0]) for _ in range(4)]
"""


@pytest.mark.oracle
def test_training_matches_tf(oracle):
    """A GRU over batch-major steps trained on CTC with Adam: the losses of four steps."""
    here, there = run_here(TRAIN), oracle(TRAIN)
    assert "ok" in there, there
    np.testing.assert_allclose(here["ok"], there["ok"], rtol=1e-5)
