"""Sampling ops: names against TF, and their distributions (values differ from TF's by design:
another generator, except the seeded log-uniform and uniform candidate samplers, which draw
TF's candidates), reproducibility under seeds, and fresh draws on every run."""

import numpy as np
import pytest
from math_oracle import check_outputs

import scopeflow.compat.v1 as tf
from oracle import fed_cases_match, run_here

GRAPHS = [
    "w = tf.placeholder(tf.float32, [10, 4]); b = tf.placeholder(tf.float32, [10]); l = "
    "tf.placeholder(tf.int64, [3, 1]); x = tf.placeholder(tf.float32, [3, 4]); r = "
    "[tf.nn.nce_loss(w, b, l, x, 5, 10), tf.nn.sampled_softmax_loss(w, b, l, x, 5, 10)]",
    "t = tf.placeholder(tf.int64, [4, 1]); r = [tf.nn.log_uniform_candidate_sampler(t, 1, 5, "
    "True, 100), tf.nn.uniform_candidate_sampler(t, 1, 5, False, 100, seed=3), "
    "tf.nn.learned_unigram_candidate_sampler(t, 1, 5, True, 100), "
    "tf.nn.fixed_unigram_candidate_sampler(t, 1, 5, True, 3, unigrams=[1., 2., 3.]), "
    "tf.nn.all_candidate_sampler(t, 1, 5, True)]",
    "l = tf.placeholder(tf.float32, [4, 3]); r = [tf.multinomial(l, 5), tf.multinomial(l, 5, "
    "output_dtype=tf.int32), tf.random_shuffle(l), tf.random_crop(l, [2, 2]), "
    "tf.random_gamma([2], 1.0), tf.random_gamma([2], [1.0, 2.0], beta=2.0), "
    "tf.random_poisson(2.0, [3]), tf.random_poisson([2.0, 3.0], [3]), tf.multinomial(l, "
    "tf.placeholder(tf.int32, [])), tf.random_crop(tf.placeholder(tf.float32, [None, 3]), [2, "
    "2])]",
    "l = tf.placeholder(tf.float32, [4, 3]); r = [tf.random.categorical(l, 5), "
    "tf.random.categorical(l, 2, dtype=tf.int32, name='c')]",
]


@pytest.mark.oracle
def test_graphs_match_tf(oracle):
    check_outputs(oracle, GRAPHS)


MULTINOMIAL_RANKS = [
    "tf.multinomial([[1., 2.]], [2])",
    "tf.multinomial([1., 2.], 2)",
    "tf.multinomial(tf.placeholder(tf.float32), tf.placeholder(tf.int32, [3]))",
    "tf.random.categorical(tf.placeholder(tf.float32, [None, 3, 1]), 4)",
    "tf.random.stateless_categorical([[1., 2.]], [2], [1, 2])",
    "tf.random.stateless_categorical([1., 2.], 2, [1, 2])",
    "tf.multinomial(tf.placeholder(tf.float32), tf.placeholder(tf.int32)).shape",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", MULTINOMIAL_RANKS)
def test_multinomial_ranks_checked_as_in_tf(oracle, code):
    """Logits must be a matrix and the sample count a scalar (TF's shape function)."""
    here, there = run_here("result = str(%s)" % code), oracle("result = str(%s)" % code)
    assert here == there or ("raises" in there and "raises" in here
                             and here["msg"] == there["msg"]), (here, there)


@pytest.fixture
def session():
    pytest.importorskip("scopeflow.session")
    tf.reset_default_graph()
    with tf.Session() as s:
        yield s


def test_multinomial_frequencies(session):
    logits = tf.constant(np.log([[1.0, 3.0], [1.0, 1.0]]), tf.float32)
    draws = session.run(tf.multinomial(logits, 4000, seed=3))
    assert draws.shape == (2, 4000) and draws.dtype == np.int64
    assert abs(draws[0].mean() - 0.75) < 0.03
    assert abs(draws[1].mean() - 0.5) < 0.03


def test_random_shuffle_permutes_rows_and_draws_fresh(session):
    x = tf.constant(np.arange(40).reshape(20, 2))
    y = tf.random_shuffle(x)
    a, b = session.run(y), session.run(y)
    assert sorted(a[:, 0].tolist()) == list(range(0, 40, 2))
    assert (a[:, 1] == a[:, 0] + 1).all()
    assert not np.array_equal(a, b)


def test_seeded_ops_repeat_across_sessions():
    pytest.importorskip("scopeflow.session")
    out = []
    for _ in range(2):
        tf.reset_default_graph()
        tf.set_random_seed(7)
        ops = [tf.random_shuffle(tf.range(10)), tf.multinomial(tf.zeros([1, 5]), 6),
               tf.random_gamma([3], 2.0), tf.random_poisson(3.0, [3])]
        with tf.Session() as s:
            out.append(s.run(ops))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)


def test_random_crop_is_a_block_of_the_input(session):
    x = np.arange(48).reshape(6, 8)
    crop = session.run(tf.random_crop(tf.constant(x), [3, 4]))
    i, j = np.argwhere(x == crop[0, 0])[0]
    np.testing.assert_array_equal(crop, x[i:i + 3, j:j + 4])


def test_gamma_and_poisson_means(session):
    g = tf.random_gamma([20000], [2.0, 5.0], beta=2.0)
    p = tf.random_poisson([1.5, 4.0], [20000])
    gv, pv = session.run([g, p])
    np.testing.assert_allclose(gv.mean(0), [1.0, 2.5], rtol=0.05)
    np.testing.assert_allclose(pv.mean(0), [1.5, 4.0], rtol=0.05)
    assert gv.shape == (20000, 2) and (gv > 0).all()


def test_dropout_keeps_and_scales(session):
    x = tf.ones([200, 50])
    y, rows = session.run([tf.nn.dropout(x, rate=0.25),
                           tf.nn.dropout(x, keep_prob=0.5, noise_shape=[200, 1])])
    assert abs((y == 0).mean() - 0.25) < 0.02
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75], rtol=1e-6)
    assert set(np.unique(rows.std(1))) == {0.0}  # whole rows kept or dropped


def test_log_uniform_sampler(session):
    true = tf.constant([[1], [50]], tf.int64)
    uniq = tf.nn.log_uniform_candidate_sampler(true, 1, 20, True, 100, seed=1)
    rep = tf.nn.log_uniform_candidate_sampler(true, 1, 20, False, 100, seed=1)
    (c, te, se), (c2, te2, se2) = session.run([uniq, rep])
    assert len(set(c.tolist())) == 20 and c.min() >= 0 and c.max() < 100
    p = lambda k: (np.log(k + 2.0) - np.log(k + 1.0)) / np.log(101.0)  # noqa: E731
    np.testing.assert_allclose(te2[:, 0], 20 * p(np.array([1, 50])), rtol=1e-5)
    np.testing.assert_allclose(se2, 20 * p(c2), rtol=1e-5)
    assert ((se > 0) & (se <= 1)).all() and (te > 0).all()


def test_sampled_losses_run_and_train(session):
    rs = np.random.RandomState(0)
    w = tf.constant(rs.randn(30, 4).astype(np.float32))
    b = tf.zeros([30])
    x = tf.constant(rs.randn(5, 4).astype(np.float32))
    labels = tf.constant([[1], [2], [3], [4], [5]], tf.int64)
    nce = tf.nn.nce_loss(w, b, labels, x, 10, 30)
    ssm = tf.nn.sampled_softmax_loss(w, b, labels, x, 10, 30)
    grads = tf.gradients(tf.reduce_sum(nce) + tf.reduce_sum(ssm), [w, x])
    n, s, gw, gx = session.run([nce, ssm] + [tf.convert_to_tensor(g) for g in grads])
    assert n.shape == (5,) and s.shape == (5,)
    assert np.isfinite([n, s]).all() and np.isfinite(gw).all() and np.isfinite(gx).all()


# Seeded candidate samplers draw TF's candidates, tries and expected counts, run after run;
# nce_loss and sampled_softmax_loss under a graph seed are TF's losses (nlintz's and golbin's
# word2vec tutorials print TF's losses under `scopeflow run`).
SEEDED_SAMPLERS = """
import numpy as np
tf.set_random_seed(1234)
true = tf.constant([[1, 7], [2, 9], [3, 0]], tf.int64)
s = [tf.nn.log_uniform_candidate_sampler(true, 2, 6, True, 50),
     tf.nn.log_uniform_candidate_sampler(true, 2, 6, False, 50, seed=5),
     tf.nn.uniform_candidate_sampler(true, 2, 8, True, 10),
     tf.nn.uniform_candidate_sampler(true, 2, 4, False, 1000)]
rs = np.random.RandomState(0)
w = tf.constant(rs.randn(30, 4).astype(np.float32))
x = tf.constant(rs.randn(3, 4).astype(np.float32))
loss = [tf.nn.nce_loss(w, tf.zeros([30]), true[:, :1], x, 5, 30),
        tf.nn.sampled_softmax_loss(w, tf.zeros([30]), true[:, :1], x, 5, 30)]
with tf.Session() as sess:
    runs = [sess.run([s, loss]) for _ in range(2)]
result = {"names": [type(r).__name__ for r in s],
          "runs": [[[np.asarray(a).tolist() for a in r] for r in run[0]] +
                   [np.asarray(l).tolist() for l in run[1]] for run in runs]}
"""


@pytest.mark.oracle
def test_seeded_candidate_samplers_draw_tfs_candidates(oracle):
    here, there = run_here(SEEDED_SAMPLERS)["ok"], oracle(SEEDED_SAMPLERS)["ok"]
    assert here["names"] == there["names"]
    for run_here_, run_tf in zip(here["runs"], there["runs"]):
        for (c, te, se), (c_tf, te_tf, se_tf) in zip(run_here_[:4], run_tf[:4]):
            assert c == c_tf
            np.testing.assert_allclose(te, te_tf, rtol=1e-6)
            np.testing.assert_allclose(se, se_tf, rtol=1e-6)
        np.testing.assert_allclose(run_here_[4:], run_tf[4:], rtol=1e-5)


BAD_TRUE_CLASS = """
true = tf.constant([[1], [40]], tf.int64)
with tf.Session() as sess:
    result = [err(lambda: sess.run(f(true, 1, 2, True, 10))) for f in [
        tf.nn.log_uniform_candidate_sampler, tf.nn.uniform_candidate_sampler,
        tf.nn.learned_unigram_candidate_sampler]]
"""


@pytest.mark.oracle
def test_true_class_out_of_range_is_tfs_error(oracle):
    assert run_here(BAD_TRUE_CLASS) == oracle(BAD_TRUE_CLASS)


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.float32, [1, None]); out = tf.multinomial(p, 2, seed=1)',
     [[]]),
    ('p = tf.placeholder(tf.int32, []); out = tf.multinomial([[1.0, 2.0]], p, seed=1)',
     -1),
    ('p = tf.placeholder(tf.int32, []); out = tf.multinomial([[1.0, 2.0]], p, seed=1)',
     3),
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])
