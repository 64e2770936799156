"""Fed SparseTensors whose count of entries changes run in one program per bucket of counts
(lowering/entries.py): the unpadded runs' values bit for bit, TF's values and errors, and no
compile per batch."""

import re

import numpy as np
import pytest

import scopeflow.compat.v1 as tf
from scopeflow.lowering import cache, entries
from tests.oracle import outcome, run_here
from tests.unpadded import padded_like_tf, run_unpadded

# a sparse logistic regression: the count of entries differs in every batch
LOGREG = """
rs = np.random.RandomState(SEED)
D = 50
def batch():
    idx, val = [], []
    for r in range(8):
        cols = np.sort(rs.choice(D, rs.randint(1, 9), replace=False))
        idx += [[r, c] for c in cols]
        val += list(rs.randn(len(cols)))
    return (tf.SparseTensorValue(np.array(idx, np.int64), np.array(val, np.float32), [8, D]),
            rs.randint(0, 2, 8).astype(np.float32))
x = tf.sparse_placeholder(tf.float32)
y = tf.placeholder(tf.float32, [None])
w = tf.get_variable("w", [D, 3], initializer=tf.random_normal_initializer(seed=1))
h = tf.sparse_tensor_dense_matmul(x, w)
logit = tf.reduce_sum(h * tf.constant([1.0, -0.5, 0.25]), 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
losses = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i in range(STEPS):
        b, l = batch()
        losses.append(s.run([loss, train], {x: b, y: l})[0])
    result = [np.array(losses).view(np.uint32).tolist(), s.run(w).view(np.uint32).tolist()]
"""


def _logreg(seed, steps):
    return LOGREG.replace("SEED", str(seed)).replace("STEPS", str(steps))


@pytest.mark.parametrize("seed", [0, 5])
def test_training_on_fed_sparse_batches_gives_tfs_values(oracle, seed):
    code = _logreg(seed, 12)
    here, there = run_here(code)["ok"], oracle(code)["ok"]
    for a, b in zip(here, there):  # (bit for bit: the next test, against the unpadded runs)
        a, b = (np.array(v, np.uint32).view(np.float32) for v in (a, b))
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_batches_of_other_counts_share_a_program():
    before = cache.stats["compiles"]
    run_here(_logreg(1, 30))  # counts of 8-64 entries: buckets 16, 32 and 64
    assert cache.stats["compiles"] - before <= 6  # (init, the first count, <= 3 buckets + 1)


def test_padded_runs_equal_the_runs_compiled_per_count():
    code = _logreg(2, 10)
    padded = run_here(code)
    assert padded == run_unpadded(code)  # (each count compiled)


FETCH = """
sp = tf.sparse_placeholder(tf.float32, [3, 4])
twice = sp.values * 2.0 + 1.0
col = tf.cast(sp.indices[:, 1], tf.float32)
out = tf.sparse_tensor_dense_matmul(sp, tf.reshape(tf.range(8.0), [4, 2]))
result = []
with tf.Session() as s:
    for n in (2, 3, 5, 1):
        idx = [[i % 3, i % 4] for i in range(n)]
        v = tf.SparseTensorValue(idx, np.arange(1, n + 1, dtype=np.float32), [3, 4])
        result.append([a.tolist() for a in s.run([twice, col, out], {sp: v})])
"""


def test_fetched_entries_are_cut_to_the_real_count(oracle):
    here = run_here(FETCH)
    assert [len(r[0]) for r in here["ok"]] == [2, 3, 5, 1]
    assert outcome(here) == outcome(oracle(FETCH))


BAD = """
sp = tf.sparse_placeholder(tf.float32, [4, 3])
out = tf.sparse_tensor_dense_matmul(sp, tf.ones([3, 2]))
with tf.Session() as s:
    for n in (3, 4):
        s.run(out, {sp: tf.SparseTensorValue([[0, 0]] * n, [1.0] * n, [4, 3])})
    idx = [[0, 0], [1, 1], [2, 7], [3, 9], [1, 2]]
    result = s.run(out, {sp: tf.SparseTensorValue(idx, [1.0] * 5, [4, 3])})
"""


def test_an_index_out_of_range_fails_as_tf_in_a_padded_run(oracle):
    here, there = run_here(BAD), oracle(BAD)
    assert "raises" in there
    assert outcome(here) == outcome(there)


def test_padded_entries_add_nothing():
    # 5 real entries padded to 16 with copies of the last, [1, 2]: row 1 gets only its two
    code = BAD.replace("[3, 9], [1, 2]", "[3, 2], [1, 2]").replace("[2, 7]", "[2, 1]")
    before = cache.stats["compiles"]
    assert run_here(code)["ok"] == [[1.0, 1.0], [2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]
    assert cache.stats["compiles"] - before == 2  # the count 3, then the bucket of 16


SUM = """
sp = tf.sparse_placeholder(tf.float32)
total = tf.reduce_sum(sp.values) + tf.reduce_sum(tf.sparse_tensor_dense_matmul(sp, tf.ones([4, 1])))
with tf.Session() as s:
    result = [s.run(total, {sp: tf.SparseTensorValue([[0, i] for i in range(n)],
                                                     np.ones(n, np.float32), [1, 4])})
              for n in (1, 2, 3, 4)]
"""


def test_a_sum_over_the_entries_is_compiled_per_count(oracle):
    before = cache.stats["compiles"]
    here = run_here(SUM)
    assert here == oracle(SUM)
    assert here["ok"] == [2.0, 4.0, 6.0, 8.0]
    assert cache.stats["compiles"] - before == 4  # (not padded: the sum would see copies)


def test_the_gradient_of_the_values_is_exact_only_for_single_products():
    from scopeflow.lowering.lower import Program
    with tf.Graph().as_default() as graph:
        x = tf.sparse_placeholder(tf.float32, [3, 5])
        w = tf.get_variable("w", [5, 2])
        g = tf.gradients(tf.reduce_sum(tf.sparse_tensor_dense_matmul(x, w)), [x.values, w])
        fed = [x.indices, x.values]
        assert entries._analyse(Program(graph, [g[1]], [], fed)) is not None
        # values' gradient: a [nnz, 1, 2] x [nnz, 2, 1] product per entry, in XLA's order
        assert entries._analyse(Program(graph, [g[0]], [], fed)) is None


def test_bucket_sizes():
    assert [entries._bucket(n) for n in (1, 16, 17, 300, 512, 513)] == [16, 16, 32, 512, 512,
                                                                         1024]



TEXT = """
words = ["w%d" % i for i in range(30)]
rs = np.random.RandomState(SEED)
def batch():
    return ([" ".join(rs.choice(words, rs.randint(1, 6))) for _ in range(6)],
            rs.randint(0, 2, 6))
s = tf.placeholder(tf.string, [None])
y = tf.placeholder(tf.int64, [None])
table = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
    tf.constant(words[:25]), tf.range(25, dtype=tf.int64)), 2)
sp = tf.string_split(s)
ids = tf.SparseTensor(sp.indices, table.lookup(sp.values), sp.dense_shape)
emb = tf.get_variable("emb", [27, 4], initializer=tf.random_normal_initializer(seed=2))
h = tf.nn.embedding_lookup_sparse(emb, ids, None, combiner="mean")
logits = tf.matmul(h, tf.constant(np.linspace(-1, 1, 8).reshape(4, 2), tf.float32))
loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
train = tf.train.AdamOptimizer(0.05).minimize(loss)
losses = []
with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
    for i in range(STEPS):
        b, l = batch()
        losses.append(sess.run([loss, train], {s: b, y: l})[0])
    result = [np.array(losses).view(np.uint32).tolist(), sess.run(emb).view(np.uint32).tolist()]
"""


def test_tokens_of_fed_sentences_train_as_tf_in_few_compiles(oracle):
    code = TEXT.replace("SEED", "0").replace("STEPS", "10")
    before = cache.stats["compiles"]
    here = run_here(code)
    assert cache.stats["compiles"] - before <= 5  # (not one per batch's count of tokens)
    for a, b in zip(here["ok"], oracle(code)["ok"]):
        a, b = (np.array(v, np.uint32).view(np.float32) for v in (a, b))
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)
    assert run_unpadded(code) == here  # the unpadded runs' bits


COLUMNS = """
rs = np.random.RandomState(0)
def batch():
    idx, val = [], []
    for r in range(8):
        n = rs.randint(0, 5)  # (empty rows too: SparseFillEmptyRows adds entries)
        idx += [[r, c] for c in range(n)]
        val += list(rs.randint(-1, 40, n))  # (-1: an invalid id that tf.sparse.retain drops)
    return (tf.SparseTensorValue(np.array(idx, np.int64).reshape(-1, 2),
                                 np.array(val, np.int64), [8, 5]),
            rs.randint(0, 2, 8).astype(np.float32))
x = tf.sparse_placeholder(tf.int64)
y = tf.placeholder(tf.float32, [None])
col = tf.feature_column.categorical_column_with_identity("x", 40)
h = tf.feature_column.input_layer({"x": x}, [tf.feature_column.embedding_column(
    col, 3, initializer=tf.random_normal_initializer(seed=4))])
lin = tf.feature_column.linear_model({"x": x}, [col])
logit = tf.reshape(tf.matmul(h, tf.constant([[0.5], [-1.0], [2.0]])) + lin, [-1])
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
train = tf.train.AdamOptimizer(0.05).minimize(loss)
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(8):
        b, l = batch()
        losses.append(sess.run([loss, train], {x: b, y: l})[0])
    result = [np.array(losses).tolist()] + [v.tolist() for v in sess.run(
        tf.global_variables())]
"""


def test_feature_columns_of_a_fed_sparse_tensor_pad_their_retained_and_filled_entries(oracle):
    # the ids kept by tf.sparse.retain (tf.where) and the entries fill_empty_rows gives are
    # counts of their own, made by host steps: each padded in the steps after them
    padded_like_tf(COLUMNS, oracle)


GATHERED = """
sp = tf.sparse_placeholder(tf.float32, [3, 6])
got = tf.sparse_tensor_dense_matmul(sp, tf.ones([6, 1]))
picked = tf.gather(sp.values, tf.cast(sp.indices[:, 1], tf.int32))  # positions from data
result = []
with tf.Session() as s:
    for n in (5, 3, 4):
        idx = [[i % 3, 4] for i in range(n)]
        v = tf.SparseTensorValue(idx, np.arange(n, dtype=np.float32), [3, 6])
        try:
            result.append([a.tolist() for a in s.run([got, picked], {sp: v})])
        except tf.errors.InvalidArgumentError as e:
            result.append(e.message.split("Node: ")[-1])
"""


def test_a_gather_of_entries_at_other_positions_is_not_padded(oracle):
    # position 4 of 5 entries is real; of 4 entries it is past them (TF fails), though a
    # padded run of 4 would still find a (padded) entry there
    assert outcome(run_here(GATHERED)) == outcome(oracle(GATHERED))


# tkipf/gcn's sparse dropout: tf.sparse_retain of the fed features by a random mask of a fed
# shape (statically of unknown rank), scaled by 1 / keep_prob, into a sparse matmul; the count
# kept changes at every step
DROPOUT = """
tf.set_random_seed(1)
rng = np.random.RandomState(0)
flat = np.sort(rng.choice(40 * 30, 100, replace=False))
feat = tf.SparseTensorValue(np.stack([flat // 30, flat % 30], 1).astype(np.int64),
                            rng.rand(100).astype(np.float32), [40, 30])
x = tf.sparse_placeholder(tf.float32, shape=tf.constant([40, 30], dtype=tf.int64))
nz = tf.placeholder(tf.int32)
drop = tf.placeholder_with_default(0., shape=())
mask = tf.cast(tf.floor(1 - drop + tf.random_uniform(nz)), dtype=tf.bool)
xd = tf.sparse_retain(x, mask) * (1. / (1 - drop))
w = tf.Variable(tf.random_uniform([30, 3], -0.3, 0.3))
logits = tf.sparse_tensor_dense_matmul(xd, w)
y = tf.constant(np.eye(3)[rng.randint(0, 3, 40)].astype(np.float32))
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
opt = tf.train.AdamOptimizer(0.01).minimize(loss)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = [s.run([opt, loss], {x: feat, nz: [100], drop: 0.5})[1] for i in range(10)]
    result = [losses, [s.run(loss, {x: feat, nz: [100]})], s.run(w).ravel().tolist()]
"""


def test_gcn_sparse_dropout_trains_as_tf_in_a_program_per_bucket(oracle):
    padded_like_tf(DROPOUT, oracle)
    before = cache.stats["compiles"]
    run_here(DROPOUT)
    assert cache.stats["compiles"] - before <= 6  # (init, mask, 2 counts/buckets, eval)


def test_a_dropout_mask_longer_than_the_entries_fails_as_tf(oracle):
    # positions past the 100 real entries: TF's gather fails; a padded run must not read the
    # padded copies there (either gather of the two, indices' or values', may report it)
    code = DROPOUT.replace("nz: [100], drop: 0.5})[1] for i in range(10)]",
                           "nz: [100 + 20 * (i > 4)], drop: 0.5})[1] for i in range(10)]")
    here, there = outcome(run_here(code)), outcome(oracle(code))
    assert here[0] == there[0] == "InvalidArgumentError"
    assert re.findall(r"indices\[\d+\] = \d+ is not in \[0, 100\)", here[1]) == re.findall(
        r"indices\[\d+\] = \d+ is not in \[0, 100\)", there[1]) != []


# geffy/tffm's sparse input: tf.SparseTensor of three plain placeholders, a factorization
# machine of order 2 (x and x ** 2 by the weights) and its regularizer reweighted by the count
# of entries per column (a sparse_reduce_sum of tf.ones_like(values): a Fill of their count)
FED_PARTS = """
rs = np.random.RandomState(0)
ind = tf.placeholder(tf.int64, shape=[None, 2])
val = tf.placeholder(tf.float32, shape=[None])
shp = tf.placeholder(tf.int64, shape=[2])
x = tf.SparseTensor(ind, val, shp)
w1 = tf.Variable(tf.random_uniform([30, 1], -0.1, 0.1, seed=1))
w2 = tf.Variable(tf.random_uniform([30, 4], -0.1, 0.1, seed=2))
y = tf.placeholder(tf.float32, shape=[None])
x2 = tf.SparseTensor(x.indices, tf.pow(x.values, 2), x.dense_shape)
out = tf.sparse_tensor_dense_matmul(x, w1) + 0.5 * tf.reduce_sum(
    tf.pow(tf.sparse_tensor_dense_matmul(x, w2), 2)
    - tf.sparse_tensor_dense_matmul(x2, tf.pow(w2, 2)), [1], keepdims=True)
counts = tf.sparse_reduce_sum(tf.SparseTensor(x.indices, tf.ones_like(x.values), x.dense_shape),
                              axis=0, keep_dims=True)
reweights = tf.transpose(tf.sqrt(counts)) / tf.reduce_sum(tf.sqrt(counts))
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
    labels=y, logits=tf.reshape(out, [-1]))) + 0.01 * tf.reduce_mean(tf.pow(w1 * reweights, 2))
opt = tf.train.AdamOptimizer(0.05).minimize(loss)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = []
    for i in range(10):
        d = (rs.rand(16, 30) < 0.1 + 0.02 * (i % 4)) * rs.randn(16, 30)
        r, c = np.nonzero(d)
        fd = {ind: np.stack([r, c], 1), val: d[r, c].astype(np.float32), shp: [16, 30],
              y: (rs.rand(16) > 0.5).astype(np.float32)}
        losses.append(s.run([opt, loss], fd)[1])
    result = [losses, s.run(w1).ravel().tolist(), s.run(w2).ravel().tolist()]
"""


def test_a_sparse_tensor_of_fed_placeholders_pads_its_entries(oracle):
    padded_like_tf(FED_PARTS, oracle)
    before = cache.stats["compiles"]
    run_here(FED_PARTS)
    assert cache.stats["compiles"] - before <= 5  # (init, the first count, buckets 64, 128)


COND = """
x = tf.placeholder(tf.float32, [None])
p = tf.placeholder(tf.bool, [])
y = tf.cond(p, lambda: tf.reduce_sum(tf.gather(x, tf.where(x > 0)[:, 0]) ** 2),
            lambda: tf.reduce_sum(x * 3.))
g = tf.gradients(y, [x])
with tf.Session() as s:
    result = [s.run(g, {p: True, x: [1., -1., 2.]}), s.run(g, {p: False, x: [1., 2.]}),
              s.run(g, {p: True, x: [-1., 5.]})]
"""


def test_positions_inside_a_cond_are_not_padded(oracle):
    # the cond's branch ops run inside its construct, where no rule follows the entries: a
    # padded run summed the padding's copies into the gather's gradient (160 for TF's 10)
    here = run_here(COND)
    assert here == oracle(COND)
    assert here["ok"][2] == [[0.0, 10.0]]
