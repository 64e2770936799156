"""tf.nn.ctc_greedy_decoder / ctc_beam_search_decoder(_v2) / collapse_repeated vs TF: graph,
decoded sparse tensors and log probabilities on fixed and random inputs, TF's errors
(ops/ctc_decode.py, ops/ctc_beam.py)."""

import random

import numpy as np
import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAM = """
rng = np.random.RandomState(0)
X = rng.randn(5, 3, 4).astype(np.float32)
x = tf.placeholder(tf.float32, [None, 3, 4])
s = tf.placeholder(tf.int32, [None])
fetch = [tf.nn.ctc_greedy_decoder(x, s), tf.nn.ctc_greedy_decoder(x, s, merge_repeated=False),
         tf.nn.ctc_greedy_decoder(x, s, blank_index=0),
         tf.nn.ctc_greedy_decoder(tf.cast(x, tf.float64), s, blank_index=-2),
         tf.nn.ctc_beam_search_decoder(x, s, beam_width=3, top_paths=2),
         tf.nn.ctc_beam_search_decoder(x, s, merge_repeated=False),
         tf.nn.ctc_beam_search_decoder_v2(tf.cast(x, tf.float64), s, beam_width=5, top_paths=3),
         tf.nn.collapse_repeated([[1, 1, 2, 2, 1], [3, 4, 4, 5, 5]], [4, 5])]
g = graph()
with tf.Session() as sess:
    out = sess.run(fetch, {x: X, s: [5, 3, 4]})
result = [g, [[[a.tolist() for a in sp] for sp in d] if isinstance(d, list) else d.tolist()
              for d, _ in out[:-1]],
          [lp.tolist() for _, lp in out[:-1]], [a.tolist() for a in out[-1]]]
"""


@pytest.mark.oracle
def test_graph_and_decodings_match_tf(oracle):
    """The ops and their outputs' names, dtypes and shapes; greedy decoding (merged or not,
    another blank, float64), beam search (widths, paths, merge, v2), collapse_repeated."""
    code = ORACLE_HELPERS + PROGRAM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    (g1, d1, lp1, c1), (g2, d2, lp2, c2) = here["ok"], there["ok"]
    assert g1 == g2 and d1 == d2 and c1 == c2
    for a, b in zip(lp1, lp2):
        np.testing.assert_allclose(a, b, rtol=1e-6)


RANDOM = """
out = []
with tf.Session() as sess:
    fetch = []
    for seed, T, B, C, bw, tp, merge, f64, ties in CASES:
        rng = np.random.RandomState(seed)
        x = rng.randn(T, B, C) * 2
        if ties:  # (many equal beams: TF's container decides which survive, in which order)
            x = rng.randint(0, 2, (T, B, C)) * 1.0 if ties == 2 else np.round(x)
        seq = rng.randint(max(1, T // 2), T + 1, B).astype(np.int32)
        d, lp = tf.nn.ctc_beam_search_decoder(x if f64 else x.astype(np.float32), seq,
                                              beam_width=bw, top_paths=tp,
                                              merge_repeated=merge)
        fetch.append([[(sp.indices, sp.values, sp.dense_shape) for sp in d], lp])
    for d, lp in sess.run(fetch):
        out.append([[[a.tolist() for a in sp] for sp in d], [repr(v) for v in lp.ravel()]])
result = out
"""


def _cases(seed, n):
    rnd = random.Random(seed)
    cases = []
    for i in range(n):
        T, B, C = rnd.randint(1, 8), rnd.randint(1, 3), rnd.randint(4, 10)
        bw = rnd.choice([1, 2, 3, 5, 8, 20, 40])
        tp = rnd.randint(1, min(bw, 3))
        cases.append((1000 + i, T, B, C, bw, tp, rnd.random() < 0.5, rnd.random() < 0.3, i % 3))
    return cases


@pytest.mark.oracle
def test_random_beam_search_matches_tf(oracle):
    """24 random batches (1-7 steps, 4-9 classes, beams of 1-40 entries so TF's sort and heap
    both come into play, 1-3 paths, merged or not, float32 and float64; two thirds with many
    tied beams, from rounded or 0/1 inputs): decoded paths in TF's order exactly, log
    probabilities to float rounding."""
    code = "CASES = %r\n" % _cases(3, 24) + RANDOM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert len(here["ok"]) == len(there["ok"]) == 24
    for (dh, lh), (dt, lt) in zip(here["ok"], there["ok"]):
        assert dh == dt
        val = [float(v.split("(")[-1].rstrip(")")) for v in lh]
        want = [float(v.split("(")[-1].rstrip(")")) for v in lt]
        np.testing.assert_allclose(val, want, rtol=2e-6)


ERRORS = """
X = np.random.RandomState(1).randn(4, 2, 3).astype(np.float32)
x = tf.placeholder(tf.float32)
s = tf.placeholder(tf.int32)
out = []
for kind, xv, sv, kw in CASES:
    with tf.Session() as sess:
        if kind == "greedy":
            f = tf.nn.ctc_greedy_decoder(x, s, **kw)[1]
        else:
            f = tf.nn.ctc_beam_search_decoder(x, s, **kw)[1]
        out.append(err(lambda: sess.run(f, {x: np.array(xv, np.float32), s: sv})))
def build(f):
    def run():
        f()
    return err(run)
out.append(build(lambda: tf.nn.ctc_greedy_decoder(tf.zeros([2, 3]), [1, 1])))
out.append(build(lambda: tf.nn.ctc_greedy_decoder(tf.zeros([2, 3, 4]), [1, 1])))
out.append(build(lambda: tf.nn.ctc_greedy_decoder(tf.zeros([2, 3, 4], tf.int32), [1, 1, 1])))
out.append(build(lambda: tf.nn.ctc_beam_search_decoder(tf.zeros([2, 3, 4]), [1, 1, 1],
                                                       beam_width=0)))
result = out
"""


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    """Lengths beyond the time (FailedPrecondition), a length vector of another size, an empty
    input, a blank index out of range, more paths than the beam holds or than its width; at
    graph time wrong ranks, unequal batch sizes, integer inputs, a zero beam width."""
    x = np.random.RandomState(1).randn(4, 2, 3).round(2).tolist()
    cases = [
        ("greedy", x, [5, 1], {}),
        ("greedy", x, [4, 1, 1], {}),
        ("greedy", np.zeros((0, 2, 3)).tolist(), [0, 0], {}),
        ("greedy", x, [4, 1], {"blank_index": 3}),
        ("greedy", x, [4, 1], {"blank_index": -4}),
        ("greedy", x, [4, 1], {"blank_index": -3}),
        ("beam", x, [4, 5], {}),
        ("beam", x, [4, 0], {"beam_width": 3, "top_paths": 2}),
        ("beam", x, [4, 2], {"beam_width": 2, "top_paths": 3}),
        ("beam", x, [-1, 2], {"beam_width": 2}),
    ]
    code = ORACLE_HELPERS + "CASES = %r\n" % cases + ERRORS
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, (here, there)
