"""Random ops and TF's seed rules (graph seed, op seed, the per-graph counter)."""

import numpy as np
import pytest
from oracle import fed_cases_match
from scope_programs import check_tf

PROGRAMS = [
    """a = tf.random_uniform([2])
b = tf.random_uniform([2], maxval=3)
c = tf.random_uniform([2], minval=1.0)
s = tf.placeholder(tf.int32, [2])
d = tf.random_normal(s)
e = tf.random_normal(tf.TensorShape([2, 3]), dtype=tf.float64)
f = tf.random_normal([2], mean=tf.constant([1.0, 2.0]))
g = tf.truncated_normal([2], mean=1.0, stddev=2.0, name="tn")
h = tf.random_uniform([2, 3], maxval=10, dtype=tf.int32)
i = tf.random.normal([]), tf.random.uniform([1]), tf.random.truncated_normal([1])
result = [[x.name, x.shape, x.dtype.name] for x in [a, b, c, d, e, f, g, h]] + [
    [(o.name, o.type) for o in tf.get_default_graph().get_operations()]]""",
    "tf.random_uniform([2], dtype=tf.int32)",
    "tf.random_uniform([2], dtype=tf.uint8, maxval=3)",
    """r0 = tf.get_seed(None), tf.random.get_seed(5)
tf.set_random_seed(1)
r1 = [tf.get_seed(None), tf.get_seed(None), tf.get_seed(7), tf.get_seed(0),
      tf.get_default_graph().seed]
tf.set_random_seed(0)
r2 = [tf.get_seed(0), tf.get_seed(None)]
tf.random.set_random_seed(2 ** 40)
r3 = tf.get_seed(None)
result = [r0, r1, r2, r3]""",
    """tf.set_random_seed(3)
a = tf.random_normal([2])
b = tf.random_normal([2], seed=9)
result = [[o.name, o.get_attr("seed"), o.get_attr("seed2")]
          for o in tf.get_default_graph().get_operations() if o.type.startswith("Random")]""",
    """p = tf.placeholder(tf.int32)
x = [tf.random_uniform(p, seed=1), tf.random_normal(p, seed=2), tf.truncated_normal(p)]
result = []
with tf.Session() as s:
    for v in ([-1], [[2]], 3):
        for y in x:
            try:
                s.run(y, {p: v})
            except tf.errors.InvalidArgumentError as e:
                result.append(e.message.split("\n")[0])""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_seed_rules(tf):
    assert tf.get_seed(None) == (None, None)
    assert tf.get_seed(5) == (87654321, 5)
    tf.set_random_seed(1)
    assert [tf.get_seed(None), tf.get_seed(None), tf.get_seed(0)] == [(1, 0), (1, 1), (1, 0)]
    tf.set_random_seed(0)
    assert tf.get_seed(0) == (0, 2 ** 31 - 1)


def test_names(tf):
    assert tf.random_normal([2, 3]).name == "random_normal:0"
    assert tf.random_uniform([2]).name == "random_uniform/RandomUniform:0"
    assert tf.random_uniform([2], 1.0, 2.0).name == "random_uniform_1:0"
    assert tf.random_uniform([2], maxval=5, dtype=tf.int64).op.type == "RandomUniformInt"


def test_values_are_fresh_per_run_and_reproducible_per_seed(tf):
    pytest.importorskip("scopeflow.session")

    def draws():
        with tf.Graph().as_default():
            tf.set_random_seed(7)
            x = tf.random_uniform([1000], -1.0, 1.0)
            n = tf.random_normal([4000], mean=2.0, stddev=3.0)
            t = tf.truncated_normal([1000])
            i = tf.random_uniform([1000], maxval=5, dtype=tf.int32)
            with tf.Session() as sess:
                return sess.run([x, n, t, i]), sess.run(x)

    (x, n, t, i), x2 = draws()
    assert -1.0 <= x.min() and x.max() < 1.0 and not np.array_equal(x, x2)
    assert abs(n.mean() - 2.0) < 0.3 and abs(n.std() - 3.0) < 0.3
    assert np.abs(t).max() <= 2.0
    assert set(np.unique(i)) <= set(range(5))
    (x_again, _, _, _), _ = draws()
    np.testing.assert_array_equal(x, x_again)


# Several seeded truncated normals in one run are computed together (one batched transform per
# dtype); each must still be its own op's TF stream, on the first and on later runs.
BATCHED = """tf.set_random_seed(11)
ts = [tf.truncated_normal([7, 5]), tf.truncated_normal([3], seed=4),
      tf.truncated_normal([2, 3], dtype=tf.float64), tf.truncated_normal([5], dtype=tf.float64),
      tf.truncated_normal([1025]), tf.truncated_normal([4], dtype=tf.float16)]
with tf.Session() as sess:
    runs = [sess.run(ts) for _ in range(2)] + [sess.run(ts[1])]
result = [[np.asarray(v).tolist() for v in r] if isinstance(r, list) else r.tolist()
          for r in runs]"""


@pytest.mark.oracle
def test_truncated_normals_of_one_run_are_each_tfs(oracle):
    from oracle import run_here
    here, there = run_here(BATCHED), oracle(BATCHED)
    assert "ok" in there, there
    assert here == there


@pytest.mark.oracle
def test_negative_constant_shapes_match_tf(oracle):
    """A -1 in a constant shape is an unknown dim; below -1 TF's shape error."""
    from oracle import ORACLE_HELPERS, run_here
    code = ORACLE_HELPERS + (
        "a = tf.random_uniform([2, -1]); b = tf.random_normal(tf.constant([-1]))\n"
        "result = [a.shape.as_list(), b.shape.as_list(), err(lambda: tf.random_uniform([2, -3])),"
        " err(lambda: tf.truncated_normal([-2]))]\n")
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "p = tf.placeholder(tf.int32, []); out = tf.random_uniform(p)",
    "p = tf.placeholder(tf.int32, [2, 1]); out = tf.random_normal(p)",
    "p = tf.placeholder(tf.int32, [2, 1]); out = tf.random_uniform(p, maxval=3, dtype=tf.int32)",
    "p = tf.placeholder(tf.int32, []); out = tf.truncated_normal(3) + tf.cast(p, tf.float32)",
    "p = tf.placeholder(tf.int32, [2, 1]); out = tf.random.stateless_uniform(p, [1, 2])",
])
def test_shape_of_rank_other_than_1_fails_as_tf(oracle, code):
    # TF's shape function refuses it (a scalar too), where scopeflow drew a sample
    fed_cases_match(oracle, code, [3])
