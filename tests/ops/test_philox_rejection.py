"""Seeded random_gamma / random_poisson reproduce TF's CPU kernels bit for bit (TF's Philox
counters per output, Marsaglia-Tsang, Knuth and Hormann's rejection), run after run, with
TF's shapes and errors."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import ORACLE_HELPERS, run_here
from test_philox_dists import BITS, SEED_MODES

OPS = """
ops = [tf.random_gamma([3], [0.5, 1.0, 2.5]{s}),
       tf.random_gamma([2, 2], 3.0, beta=[1.0, 2.0], dtype=tf.float64{s}),
       tf.random_gamma([40], [1e-3, 0.7, 1.0, 1.3, 7.5, 100.0], dtype=tf.float64{s}),
       tf.random_gamma([30], [[0.3], [1.0], [4.0]], dtype=tf.float16{s}),
       tf.random.poisson([1.5, 12.0, 0.0, 9.99, 10.0, 250.0], [30]{s}),
       tf.random_poisson(tf.constant([2, 11], tf.int64), [3], dtype=tf.int32{s}),
       tf.random_poisson([[0.5, 30.0]], [7], dtype=tf.int64{s}),
       tf.random_poisson(tf.constant([4.0, 40.0], tf.float64), [9], dtype=tf.float16{s}),
       tf.random_poisson([1.0], [0, 3]{s})]
result = runs(ops)
"""


def _program(mode):
    head, seed = SEED_MODES[mode]
    parts = OPS.split("{s}")
    body = "".join(p + seed(i) for i, p in enumerate(parts[:-1])) + parts[-1]
    return BITS + head + "\n" + body


def _check(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, "program:\n%s" % code


@pytest.mark.oracle
@pytest.mark.parametrize("mode", sorted(SEED_MODES))
def test_gamma_poisson_bit_exact(oracle, mode):
    _check(oracle, _program(mode))


ERRORS = [
    "x = tf.random_gamma([2], [], seed=1)\nwith tf.Session() as s: result = [s.run(x).shape]",
    "x = tf.random_gamma([0], [1.0], seed=1)\nwith tf.Session() as s: result = [s.run(x).shape]",
    "tf.random_gamma([2], 1.0, dtype=tf.int32)",
    "tf.random_gamma(5, 1.0, seed=1)",
    "tf.random_poisson([1.0], [[2]])",
    "tf.random_poisson([1.0], [2], dtype=tf.string)",
    "tf.random.gamma([3], tf.constant([2.0], tf.bfloat16))",
    "p = tf.placeholder(tf.int32)\nx = tf.random_gamma(p, [1.0, 2.0], seed=1)\n"
    "with tf.Session() as s:\n"
    "    result = [err(lambda: s.run(x, {p: v})) for v in ([-1], [[2]], 3, [2])] + [x.shape]",
    "p = tf.placeholder(tf.int32)\nx = tf.random_poisson([1.0, 2.0], p, seed=1)\n"
    "with tf.Session() as s:\n"
    "    result = [err(lambda: s.run(x, {p: v})) for v in ([-1], [[2]], 3, [0])] + [x.shape]",
    "x = [tf.random_poisson([float('inf'), -1.0, 0.0, 2.0], [2], seed=3, dtype=d)\n"
    "     for d in (tf.int32, tf.int64, tf.float16, tf.float64)]\n"
    "with tf.Session() as s: result = s.run(x)",
    "x = tf.random_gamma([3], [-1.0, 0.0, float('inf'), float('nan'), 1e-30], seed=3)\n"
    "with tf.Session() as s: result = [s.run(x)]",
    "x = tf.random_gamma([3], [2.0], beta=[0.0, -1.0], seed=3)\n"
    "with tf.Session() as s: result = [s.run(x)]",
    "x = tf.random_gamma([2], [[1.0], [2.0]], beta=[1.0, 2.0, 3.0], seed=5)\n"
    "with tf.Session() as s:\n"
    "    result = [s.run(x), x.shape, [o.name for o in tf.get_default_graph().get_operations()]]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", ERRORS)
def test_errors_and_edge_values(oracle, code):
    code = ORACLE_HELPERS + code
    here, there = run_here(code), oracle(code)
    if "raises" in there:  # the node description's attribute list is not compared
        assert here.get("raises") == there["raises"], (here, there)
        assert here["msg"].split(" for '")[0] == there["msg"].split(" for '")[0]
    else:
        assert here == there, (here, there)


@pytest.mark.oracle
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["gamma", "poisson"]),
       shape=st.lists(st.integers(0, 6), max_size=2),
       params=st.lists(st.floats(0.0625, 60.0, width=32), min_size=1, max_size=4),
       dtype=st.sampled_from(["float32", "float64", "float16", "int32"]),
       graph_seed=st.one_of(st.none(), st.integers(0, 2 ** 31 - 1)),
       op_seed=st.one_of(st.none(), st.integers(0, 2 ** 31 - 1)))
def test_random_shapes_params_seeds(oracle, kind, shape, params, dtype, graph_seed, op_seed):
    if graph_seed is None and op_seed is None:
        op_seed = 1
    if kind == "gamma" and dtype == "int32":
        dtype = "float64"
    head = "" if graph_seed is None else "tf.set_random_seed(%d)\n" % graph_seed
    seed = "" if op_seed is None else ", seed=%d" % op_seed
    params = np.float32(params).tolist()
    op = ("tf.random_gamma(%r, %r, dtype=tf.%s%s)" if kind == "gamma" else
          "tf.random_poisson(%r, %r, dtype=tf.%s%s)")
    args = (shape, params) if kind == "gamma" else (params, shape)
    code = BITS + head + "result = runs([%s])" % (op % (args + (dtype, seed)))
    _check(oracle, code)


def test_unseeded_draws_are_fresh_and_plausible(tf):
    g = tf.random_gamma([4000], [0.5, 3.0])
    p = tf.random_poisson([2.0, 40.0], [4000])
    with tf.Session() as s:
        g1, g2, p1 = s.run(g), s.run(g), s.run(p)
    assert not np.array_equal(g1, g2)
    np.testing.assert_allclose(g1.mean(0), [0.5, 3.0], rtol=0.1)
    np.testing.assert_allclose(p1.mean(0), [2.0, 40.0], rtol=0.1)
