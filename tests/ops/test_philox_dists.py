"""Seeded random ops reproduce TF's CPU kernels bit for bit (graph seed, op seed, both), run
after run; initializers built on them give TF's exact starting weights."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import run_here

BITS = """
def bits(x):
    x = np.asarray(x)
    if x.dtype.kind in "fV" or x.dtype.name == "bfloat16":
        x = x.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[x.dtype.itemsize])
    return [x.shape, x.reshape(-1).tolist()]

def runs(fetches, init=False, k=2):
    out = []
    with tf.Session() as s:
        if init:
            s.run(tf.global_variables_initializer())
        out += [s.run(fetches) for _ in range(k)]
    with tf.Session() as s:
        if init:
            s.run(tf.global_variables_initializer())
        out.append(s.run(fetches))
    return [[bits(x) for x in r] for r in out]
"""

OPS = """
ops = [tf.random_uniform([3, 5]{s}), tf.random_uniform([7]{s}, dtype=tf.float64),
       tf.random_uniform([9]{s}, dtype=tf.float16), tf.random_uniform([6]{s}, dtype=tf.bfloat16),
       tf.random_uniform([11], -5, 17{s}, dtype=tf.int32),
       tf.random_uniform([5], -2 ** 40, 2 ** 33{s}, dtype=tf.int64),
       tf.random_uniform([2, 3], -1.5, 2.0{s}), tf.random_normal([2, 7], 1.0, 3.0{s}),
       tf.random_normal([5]{s}, dtype=tf.float64), tf.random_normal([9]{s}, dtype=tf.float16),
       tf.random_normal([9]{s}, dtype=tf.bfloat16), tf.truncated_normal([13]{s}),
       tf.truncated_normal([7]{s}, dtype=tf.float64), tf.truncated_normal([6]{s}, dtype=tf.float16),
       tf.truncated_normal([4, 1], 2.0, 0.5{s}), tf.random_normal([0, 3]{s})]
result = runs(ops)
"""

SEED_MODES = {
    "graph_seed": ("tf.set_random_seed(42)", lambda i: ""),
    "op_seed": ("", lambda i: ", seed=%d" % (i + 1)),
    "both": ("tf.set_random_seed(7)", lambda i: ", seed=%d" % (3 * i + 2)),
}


def _ops_program(mode):
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
def test_ops_bit_exact(oracle, mode):
    _check(oracle, _ops_program(mode))


INITIALIZERS = """
{head}
inits = dict(
    glorot_uniform=tf.glorot_uniform_initializer({s}),
    glorot_normal=tf.glorot_normal_initializer({s}),
    he_like=tf.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"{c}),
    fan_avg_uniform=tf.variance_scaling_initializer(1.0, "fan_avg", "uniform"{c}),
    fan_out_normal=tf.variance_scaling_initializer(1.0, "fan_out", "untruncated_normal"{c}),
    rn=tf.random_normal_initializer(0.5, 2.0{c}), ru=tf.random_uniform_initializer(-1.0, 1.0{c}),
    tn=tf.truncated_normal_initializer(0.0, 0.3{c}),
    f64=tf.glorot_uniform_initializer({s}{d}dtype=tf.float64))
vs = [tf.get_variable(k, [5, 4], initializer=i, dtype=i.dtype) for k, i in sorted(inits.items())]
if tf.get_default_graph().seed is not None:  # get_variable's default: glorot_uniform
    vs.append(tf.get_variable("default", [3, 6]))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [bits(x) for x in s.run(vs)]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("mode", sorted(SEED_MODES))
def test_initializers_bit_exact(oracle, mode):
    head = SEED_MODES[mode][0]
    s = "" if mode == "graph_seed" else "seed=%d" % (11 if mode == "op_seed" else 5)
    code = BITS + INITIALIZERS.format(head=head, s=s, c=", " + s if s else "", d=", " if s else "")
    _check(oracle, code)


@pytest.mark.oracle
def test_orthogonal_initializer_is_tfs(oracle):
    # its normal samples and its QR are TF's (bit for bit: tests/ops/test_eigen_qr.py)
    code = """v = tf.get_variable("v", [6, 4], initializer=tf.orthogonal_initializer(seed=3))
with tf.Session() as s:
    s.run(v.initializer)
    result = s.run(v).tolist()
"""
    assert run_here(code) == oracle(code)


SAMPLING = """
tf.set_random_seed({g})
logits = tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25], [1.0, 0.0, 0.0]])
ops = [tf.random_shuffle(tf.range(10), seed=9), tf.random_shuffle(tf.reshape(tf.range(8), [4, 2])),
       tf.random_shuffle(tf.constant([[1.0]])), tf.multinomial(logits, 6, seed=3),
       tf.multinomial(logits, 5, output_dtype=tf.int32),
       tf.random.categorical([[1.0, 2.0, -1.0, float("-inf")]], 9, seed=7),
       tf.nn.dropout(tf.ones([4, 5]), rate=0.4, seed=2),
       tf.nn.dropout(tf.ones([3, 4], tf.float64), keep_prob=0.7, noise_shape=[3, 1])]
result = runs(ops)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("graph_seed", [1, 2 ** 40 + 3])
def test_shuffle_multinomial_dropout_bit_exact(oracle, graph_seed):
    _check(oracle, BITS + SAMPLING.format(g=graph_seed))


# rows of many classes: TF's CPU kernel runs them in Eigen's blocks on its thread pool (one
# per CPU), each block from its own skip of the generator (row_blocks' doctests: 8 rows a block
# for 64 rows of 5000 classes on 2 CPUs); sampled as a tutorial's generator samples its tokens
BLOCKS = """
tf.set_random_seed(88)
rng = np.random.RandomState(0)
logits = tf.constant(rng.randn(64, 5000).astype(np.float32) * 3)
few = tf.constant(rng.randn(7, 3000).astype(np.float32))
ops = [tf.multinomial(logits, 1), tf.multinomial(logits, 3, seed=5),
       tf.multinomial(few, 6, output_dtype=tf.int32), tf.random.categorical(few[:2], 2),
       tf.random.stateless_categorical(logits, 2, seed=[4, 9]),
       tf.random.stateless_categorical(few, 5, seed=[1, 2])]
result = runs(ops)
"""


@pytest.mark.oracle
def test_multinomial_rows_in_tfs_thread_blocks(oracle):
    _check(oracle, BITS + BLOCKS)


@pytest.mark.parametrize("n,cost,threads,size", [
    (64, 250614, 2, 8), (64, 250614, 1, 64), (3, 666, 2, 3), (1, 10 ** 9, 8, 1),
    (7, 10 ** 6, 2, 2), (10, 10 ** 6, 4, 1), (6, 10 ** 6, 4, 2), (100, 100, 2, 100),
    (1000, 500, 2, 125), (5, 39999, 2, 5), (5, 60000, 2, 1)])
def test_row_blocks_follow_eigens_cost_model(n, cost, threads, size):
    from scopeflow.ops.philox_dists import row_blocks
    assert row_blocks(n, cost, threads) == size


@pytest.mark.oracle
def test_uniform_int_bounds_are_checked(oracle):
    code = """lo = tf.placeholder(tf.int32, None)
r = tf.random_uniform([3], lo, 5, dtype=tf.int32, seed=1)
result = []
with tf.Session() as s:
    for v in (5, 7, [1, 2]):
        try:
            s.run(r, {lo: v})
        except tf.errors.InvalidArgumentError as e:
            result.append(e.message.split("\\n")[-2])
"""
    _check(oracle, code)


def test_unseeded_ops_draw_fresh_values(tf):
    r = tf.random_normal([64])
    with tf.Session() as s:
        a, b = s.run(r), s.run(r)
    assert not np.array_equal(a, b)
    assert abs(float(np.mean(np.concatenate([a, b])))) < 0.5


KINDS = ["tf.random_uniform({shape}{seed})", "tf.random_normal({shape}{seed})",
         "tf.truncated_normal({shape}{seed})",
         "tf.random_uniform({shape}, -3, 1000{seed}, dtype=tf.int64)"]


@pytest.mark.oracle
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), shape=st.lists(st.integers(0, 9), max_size=3),
       graph_seed=st.one_of(st.none(), st.integers(0, 2 ** 31 - 1)),
       op_seed=st.one_of(st.none(), st.integers(0, 2 ** 31 - 1)))
def test_random_shapes_and_seeds(oracle, kind, shape, graph_seed, op_seed):
    if graph_seed is None and op_seed is None:
        op_seed = 1
    head = "" if graph_seed is None else "tf.set_random_seed(%d)\n" % graph_seed
    seed = "" if op_seed is None else ", seed=%d" % op_seed
    code = BITS + head + "result = runs([%s])" % kind.format(shape=shape, seed=seed)
    _check(oracle, code)
