"""embedding_lookup_sparse of a fed sparse_placeholder: the segment reductions and their
gradients over padded entries (ops/segments_padded.py, lowering/entries.py) give TF's values
and errors, the unpadded runs' bits, and one compiled step per bucket of entries."""

import numpy as np
import pytest

from scopeflow.lowering import cache
from tests.oracle import outcome, run_here
from tests.unpadded import padded_like_tf, run_unpadded

TRAIN = """
rs = np.random.RandomState(SEED)
V = 300
def batch():
    idx, val = [], []
    for r in range(8):
        n = rs.randint(1, 7)
        idx += [[r, c] for c in range(n)]
        val += list(rs.randint(0, V, n))
    return (tf.SparseTensorValue(np.array(idx, np.int64), np.array(val, np.int64), [8, 7]),
            rs.randint(0, 2, 8).astype(np.float32))
x = tf.sparse_placeholder(tf.int64)
y = tf.placeholder(tf.float32, [None])
emb = tf.get_variable("emb", [V, 4], initializer=tf.random_normal_initializer(seed=3))
h = tf.nn.embedding_lookup_sparse(emb, x, None, combiner="COMBINER")
logit = tf.reduce_sum(h * tf.constant([0.5, -1.0, 0.25, 2.0]), 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
train = tf.train.OPTIMIZER.minimize(loss)
losses = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i in range(10):
        b, l = batch()
        losses.append(s.run([loss, train], {x: b, y: l})[0])
    result = [np.array(losses).view(np.uint32).tolist(), s.run(emb).view(np.uint32).tolist()]
"""


def _train(combiner, optimizer="AdamOptimizer(0.05)", seed=0):
    return (TRAIN.replace("COMBINER", combiner).replace("OPTIMIZER", optimizer)
            .replace("SEED", str(seed)))


def _floats(result):
    return [np.array(v, np.uint32).view(np.float32) for v in result["ok"]]


@pytest.mark.parametrize("combiner,optimizer", [
    ("mean", "AdamOptimizer(0.05)"), ("sum", "GradientDescentOptimizer(0.3)"),
    ("sqrtn", "AdagradOptimizer(0.3)")])
def test_training_gives_tfs_values(oracle, combiner, optimizer):
    code = _train(combiner, optimizer)
    for a, b in zip(_floats(run_here(code)), _floats(oracle(code))):
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)


def test_padded_runs_equal_the_unpadded_ones_and_compile_once_per_bucket():
    code = _train("mean", seed=4)
    before = cache.stats["compiles"]
    got = run_here(code)
    assert cache.stats["compiles"] - before <= 3  # (counts of 8-48 entries: buckets 16-64)
    assert got == run_unpadded(code)


LOOKUP = """
sp = tf.sparse_placeholder(tf.int64)
params = tf.constant(np.arange(40, dtype=np.float32).reshape(10, 4))
out = tf.nn.embedding_lookup_sparse(params, sp, None, combiner="mean")
result = []
with tf.Session() as s:
    for idx, ids in FEEDS:
        v = tf.SparseTensorValue(np.array(idx, np.int64), np.array(ids, np.int64), [5, 3])
        try:
            result.append(s.run(out, {sp: v}).tolist())
        except tf.errors.InvalidArgumentError as e:
            result.append(e.message.split("Node: ")[-1])  # (after the traceback)
"""

FEEDS = [
    ([[0, 0], [0, 1], [2, 0]], [1, 2, 3]),  # rows 3 (last row 2), not 5
    ([[0, 0], [1, 0], [1, 1], [4, 0]], [9, 9, 0, 5]),
    ([[1, 0], [0, 0], [2, 0]], [1, 2, 3]),  # not increasing
    ([[0, 0], [1, 0], [1, 2]], [1, 12, 3]),  # an id past the table
    ([[3, 0]], [7]),
]


def test_lookups_give_tfs_rows_and_errors(oracle):
    code = LOOKUP.replace("FEEDS", repr(FEEDS))
    here = run_here(code)
    assert [len(r) for r in here["ok"][:2]] == [3, 5]
    assert outcome(here) == outcome(oracle(code))


OTHER_PATHS = """
ids = tf.sparse_placeholder(tf.int64, [4, 5])
emb = tf.get_variable("emb", [30, 3], initializer=tf.random_normal_initializer(seed=1),
                      use_resource=True)
emb2 = tf.get_variable("emb2", [30, 3], initializer=tf.random_normal_initializer(seed=2))
out = tf.nn.embedding_lookup_sparse(emb, ids, None, combiner="sqrtn")  # Unique + gather
out2 = tf.nn.embedding_lookup_sparse(emb2, ids, None, combiner="mean", max_norm=1.0)
r = tf.sparse_reduce_sum(tf.SparseTensor(ids.indices, tf.cast(ids.values, tf.float32),
                                         ids.dense_shape), 1)
loss = tf.reduce_sum(out * out) + tf.reduce_sum(out2) + tf.reduce_sum(r) * 0.001
train = tf.train.AdamOptimizer(0.1).minimize(loss)
rs = np.random.RandomState(2)
result = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for k in (3, 9, 5, 14, 2, 20, 7, 11, 4):
        idx = sorted(set((int(rs.randint(4)), int(rs.randint(5))) for _ in range(k)))
        f = {ids: tf.SparseTensorValue(idx, rs.randint(0, 30, len(idx)), [4, 5])}
        result.append(float(s.run([loss, train], f)[0]))
    result += [s.run(emb).tolist(), s.run(emb2).tolist()]
"""


def test_unique_lookups_and_sparse_sums_train_as_tf_padded(oracle):
    padded_like_tf(OTHER_PATHS, oracle)  # (9 counts of entries, fewer buckets)
