"""Ops run on the host because their inputs change from run to run (lowering/host_eval.py):
fed strings through feature columns and sparse segment sums no longer compile a step per
batch of values, and the values and errors stay TF's."""

import numpy as np
from oracle import run_here

# a wide & deep style model over fed strings: vocabulary, hash bucket and crossed columns in a
# linear model, an embedding and an indicator in a dense layer; no random initial values
MODEL = r"""
import numpy as np
words = tf.placeholder(tf.string, [None, 1], name="words")
place = tf.placeholder(tf.string, [None, 1], name="place")
y = tf.placeholder(tf.float32, [None, 1], name="y")
fc = tf.feature_column
w = fc.categorical_column_with_vocabulary_list("w", ["a", "b", "c", "d"])
p = fc.categorical_column_with_hash_bucket("p", 7)
feats = {"w": words, "p": place}
lin = fc.linear_model(feats, [w, p, fc.crossed_column([w, "p"], 11)])
deep = fc.input_layer(feats, [fc.embedding_column(p, 2, initializer=tf.constant_initializer(0.2)),
                              fc.indicator_column(w)])
kernel = tf.get_variable("kernel", [6, 1], initializer=tf.constant_initializer(0.3))
logit = lin + tf.matmul(deep, kernel)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
train = tf.train.AdagradOptimizer(0.5).minimize(loss)
rng = np.random.RandomState(5)
# every batch holds the same (word, place) rows in another order: the same shapes (counts of
# distinct ids) each time, other strings at each position
WORDS, PLACES = np.array(list("abcdzb")), np.array(["US", "MX", "IN", "DE", "FR", "US"])
def batch():
    k = rng.permutation(6)
    return {words: WORDS[k][:, None], place: PLACES[k][:, None],
            y: rng.randint(0, 2, (6, 1)).astype(np.float32)}
batches = [batch() for _ in range(6)]
stats = None
if tf.__name__.startswith("scopeflow"):
    from scopeflow.lowering.cache import stats
losses, compiles = [], []
with tf.Session() as s:
    s.run([tf.global_variables_initializer(), tf.tables_initializer()])
    for fd in batches:
        losses.append(float(s.run([loss, train], fd)[0]))
        compiles.append(stats and stats["compiles"])
    result = {"losses": losses, "logits": s.run(lin, batches[0]).ravel().tolist(),
              "compiles": compiles}
"""


def test_fed_strings_compile_once_per_shape(oracle):
    # before, the strings of each batch were compiled into the step: one compile per batch
    here, there = run_here(MODEL), oracle(MODEL)
    assert "ok" in here, here
    compiles = here["ok"].pop("compiles")
    assert compiles[-1] == compiles[1], compiles  # nothing compiled after the second batch
    there["ok"].pop("compiles")
    np.testing.assert_allclose(here["ok"]["losses"], there["ok"]["losses"], rtol=1e-6)
    np.testing.assert_allclose(here["ok"]["logits"], there["ok"]["logits"], rtol=1e-6)


ERRORS = r"""
s = tf.placeholder(tf.string, [None])
n = tf.strings.to_number(s) * 2.0
out = []
with tf.Session() as sess:
    out.append(sess.run(n, {s: ["1.5", "-2"]}).tolist())
    try:
        sess.run(n, {s: ["1", "x7"]})
    except tf.errors.OpError as e:
        out.append([type(e).__name__, e.message.splitlines()[0]])
result = out
"""


def test_a_string_op_run_on_the_host_fails_as_tf(oracle):
    assert run_here(ERRORS) == oracle(ERRORS)


SEGMENTS = r"""
data = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
idx = tf.placeholder(tf.int32, [None])
seg = tf.placeholder(tf.int32, [None])
total = tf.sparse.segment_sum(data, idx, seg)
mean = tf.sparse.segment_mean(data, idx, seg)
grad = tf.gradients(tf.reduce_sum(total * total), data)[0]
stats = None
if tf.__name__.startswith("scopeflow"):
    from scopeflow.lowering.cache import stats
out, compiles = [], []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i, g in [([0, 1, 2], [0, 0, 2]), ([2, 2, 0], [0, 1, 2]), ([1, 0, 0], [0, 2, 2]),
                 ([0, 1], [0, 3])]:
        out.append([a.tolist() for a in s.run([total, mean, grad], {idx: i, seg: g})])
        compiles.append(stats and stats["compiles"])
result = {"values": out, "compiles": compiles}
"""


def test_sparse_segment_sizes_do_not_compile_the_ids_in(oracle):
    # the output's rows are the last segment id + 1: the ids were compiled into the step
    here, there = run_here(SEGMENTS), oracle(SEGMENTS)
    compiles = here["ok"].pop("compiles")
    there["ok"].pop("compiles")
    assert here == there
    assert compiles[2] == compiles[1], compiles  # same shapes, other ids: no compile
