"""Shapes of fed SparseTensors' entries in padded runs (lowering/entry_shapes.py):
`embedding_lookup_sparse` with weights, segment reductions over the entries and reshapes to
their count run in one program per bucket of counts, with TF's values and errors."""

import pytest

import scopeflow.compat.v1 as tf
from scopeflow.lowering import cache, entries
from scopeflow.lowering.lower import Program
from tests.oracle import outcome, run_here
from tests.unpadded import padded_like_tf

# ids and weights fed as two SparseTensors with the same indices, as users feed them
WEIGHTED = """
rs = np.random.RandomState(SEED)
def batch():
    idx, ids, w = [], [], []
    for r in range(6):
        k = rs.randint(1, 6)
        idx += [[r, c] for c in range(k)]
        ids += list(rs.randint(0, 20, k))
        w += list(rs.rand(k) + 0.1)
    idx = np.array(idx, np.int64)
    return (tf.SparseTensorValue(idx, np.array(ids, np.int64), [6, 5]),
            tf.SparseTensorValue(idx, np.array(w, np.float32), [6, 5]), rs.randint(0, 2, 6))
ids = tf.sparse_placeholder(tf.int64)
wts = tf.sparse_placeholder(tf.float32)
y = tf.placeholder(tf.int64, [None])
emb = tf.get_variable("emb", [20, 4], initializer=tf.random_normal_initializer(seed=1))
h = tf.nn.embedding_lookup_sparse(emb, ids, wts, combiner="COMBINER")
logits = tf.matmul(h, tf.constant(np.linspace(-1, 1, 8).reshape(4, 2), tf.float32))
loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
train = OPT.minimize(loss)
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(10):
        a, b, l = batch()
        losses.append(sess.run([loss, train], {ids: a, wts: b, y: l})[0])
    result = [[float(v) for v in losses], sess.run(emb).ravel().tolist()]
"""


@pytest.mark.parametrize("combiner,opt", [
    ("sum", "tf.train.GradientDescentOptimizer(0.3)"),
    ("mean", "tf.train.AdamOptimizer(0.05)"),
    ("sqrtn", "tf.train.AdagradOptimizer(0.3)")])
def test_weighted_lookups_train_as_tf_in_a_program_per_bucket(oracle, combiner, opt):
    code = WEIGHTED.replace("SEED", "3").replace("COMBINER", combiner).replace("OPT", opt)
    padded_like_tf(code, oracle)  # (TF's values, the unpadded runs' bits, fewer compiles)


def test_weighted_lookup_compiles_per_bucket_not_per_count():
    code = WEIGHTED.replace("SEED", "4").replace("COMBINER", "mean").replace(
        "OPT", "tf.train.AdamOptimizer(0.05)")
    before = cache.stats["compiles"]
    run_here(code)  # 10 batches of 6-30 entries: the first count, then buckets 16 and 32
    assert cache.stats["compiles"] - before <= 5


OTHER_COUNTS = """
ids = tf.sparse_placeholder(tf.int64)
wts = tf.sparse_placeholder(tf.float32)
h = tf.nn.embedding_lookup_sparse(tf.ones([9, 2]), ids, wts, combiner="sum")
with tf.Session() as sess:
    for n in (2, 3):
        v = tf.SparseTensorValue([[0, i] for i in range(n)], list(range(n)), [1, 9])
        w = tf.SparseTensorValue([[0, i] for i in range(n)], [1.0] * n, [1, 9])
        sess.run(h, {ids: v, wts: w})
    w = tf.SparseTensorValue([[0, 0], [0, 1]], [1.0, 2.0], [1, 9])
    result = sess.run(h, {ids: tf.SparseTensorValue([[0, 0], [0, 1], [0, 2], [0, 3]],
                                                    [1, 2, 3, 4], [1, 9]), wts: w})
"""


def test_weights_of_another_count_fail_as_tf(oracle):
    here, there = run_here(OTHER_COUNTS), oracle(OTHER_COUNTS)
    assert "raises" in there
    assert outcome(here) == outcome(there)


SEGMENTS = """
sp = tf.sparse_placeholder(tf.float32)
rows_ = tf.cast(sp.indices[:, 0], tf.int32)
sums = tf.math.segment_sum(sp.values * 2.0, rows_)
tops = tf.math.segment_max(tf.reshape(sp.values, [tf.size(sp.values), 1]), rows_)
cols = tf.math.unsorted_segment_sum(sp.values, sp.indices[:, 1], 4)
result = []
with tf.Session() as sess:
    for n in (3, 5, 9, 2, 12, 7):
        idx = sorted([i % 3, (i * 7) % 4] for i in range(n))
        v = tf.SparseTensorValue(idx, np.arange(1, n + 1, dtype=np.float32), [3, 4])
        result.append([a.tolist() for a in sess.run([sums, tops, cols], {sp: v})])
"""


def test_segment_reductions_over_entries_are_tfs_in_few_compiles(oracle):
    before = cache.stats["compiles"]
    here = run_here(SEGMENTS)
    assert cache.stats["compiles"] - before <= 4  # (6 counts: the first, then buckets)
    assert outcome(here) == outcome(oracle(SEGMENTS))


BAD_SEGMENTS = """
sp = tf.sparse_placeholder(tf.float32)
sums = tf.math.segment_sum(sp.values, tf.cast(sp.indices[:, 0], tf.int32))
cols = tf.math.unsorted_segment_sum(sp.values, sp.indices[:, 1], 3)
with tf.Session() as sess:
    for n in (2, 3):
        sess.run([sums, cols], {sp: tf.SparseTensorValue([[0, 0]] * n, [1.0] * n, [2, 3])})
    result = sess.run(SUMS, {sp: tf.SparseTensorValue(IDX, [1.0] * 4, [2, 3])})
"""


@pytest.mark.parametrize("fetch,idx", [
    ("sums", [[1, 0], [0, 1], [1, 1], [1, 2]]),  # rows not sorted
    ("cols", [[0, 0], [0, 1], [1, 3], [1, 1]]),  # a column past num_segments
])
def test_bad_ids_fail_as_tf_in_padded_runs(oracle, fetch, idx):
    code = BAD_SEGMENTS.replace("SUMS", fetch).replace("IDX", str(idx))
    here, there = run_here(code), oracle(code)
    assert there["raises"] == "InvalidArgumentError"
    assert outcome(here) == outcome(there)


def _analysed(build):
    with tf.Graph().as_default() as graph:
        sp = tf.sparse_placeholder(tf.float32, [3, 5])
        out = build(sp)
        return entries._analyse(Program(graph, [out], [], [sp.indices, sp.values]))


def test_values_read_from_the_count_keep_the_run_compiled_per_count():
    def reshaped(sp):  # (a reshape of the entries to their own count: padded)
        flat = tf.reshape(sp.values, tf.concat([tf.shape(sp.values), [1]], 0))
        return tf.math.segment_sum(flat, sp.indices[:, 0])

    assert _analysed(reshaped) is not None
    assert _analysed(lambda sp: tf.shape(sp.values)) is None  # (the bucket would show)
    assert _analysed(lambda sp: tf.math.segment_sum(  # (a one per entry: the sink drops the
        tf.fill(tf.shape(sp.values), 1.0), sp.indices[:, 0])) is not None  # padded ones)
    assert _analysed(lambda sp: tf.math.segment_sum(  # (a sum of the count)
        sp.values * tf.cast(tf.size(sp.values), tf.float32), sp.indices[:, 0])) is None


FILLED = """
sp = tf.sparse_placeholder(tf.float32)
ones = tf.math.segment_sum(tf.fill(tf.shape(sp.values), 1.0), sp.indices[:, 0])
with tf.Session() as sess:
    result = [sess.run(ones, {sp: tf.SparseTensorValue([[0, i] for i in range(n)], [1.0] * n,
                                                       [1, 9])}).tolist() for n in (1, 2, 3)]
"""


def test_ones_of_the_count_are_counted_as_tf(oracle):
    here = run_here(FILLED)
    assert here["ok"] == [[1.0], [2.0], [3.0]]
    assert here == oracle(FILLED)


FILLED_COLUMNS = """
sp = tf.sparse_placeholder(tf.float32, [3, 5])
out = tf.math.segment_sum(tf.fill(tf.shape(sp.values), 1.0), sp.indices[:, 0])
per_column = tf.sparse_reduce_sum(
    tf.SparseTensor(sp.indices, tf.ones_like(sp.values), sp.dense_shape), axis=0)
result = []
with tf.Session() as s:
    for n in (2, 3, 5, 7, 4, 9):
        idx = sorted([[i % 3, i % 5] for i in range(n)])
        v = tf.SparseTensorValue(idx, [1.0] * n, [3, 5])
        result.append([a.tolist() for a in s.run([out, per_column], {sp: v})])
"""


def test_ones_per_entry_count_the_real_entries_in_padded_runs(oracle):
    before = cache.stats["compiles"]
    assert run_here(FILLED_COLUMNS) == oracle(FILLED_COLUMNS)
    assert cache.stats["compiles"] - before <= 3  # (the first count, then buckets of 16)
