"""IndexedSlices and SparseTensors through a TF1 cond (ops/cf_composite.py) against TF: the
whole graph (one Switch / Merge per component, dense inputs as IndexedSlices of all rows),
fetched values for both predicate values, errors, and sparse optimizer updates through it."""

import pytest
from array_oracle import check_graph

FETCH = """
def _fetch(sess, x, feed):
    v = sess.run(x, feed)
    if hasattr(v, "indices"):
        parts = [v.values, v.indices] + ([v.dense_shape] if len(v) > 2 and v[2] is not None
                                         else [])
        return [type(x).__name__] + [p.tolist() for p in parts]
    return [type(x).__name__, v.tolist()]
"""

CASES = {
    "cond_returns_indexed_slices": """
p = tf.placeholder(tf.bool, [])
s = tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2]), tf.constant([5, 3]))
y = tf.cond(p, lambda: s, lambda: tf.IndexedSlices(tf.zeros([1, 3]), tf.constant([0]),
                                                   tf.constant([5, 3])))
with tf.Session() as sess:
    result = [_fetch(sess, y, {p: b}) for b in (True, False)]
""",
    "cond_returns_indexed_slices_without_dense_shape": """
p = tf.placeholder(tf.bool, [])
y = tf.cond(p, lambda: tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2])),
            lambda: tf.IndexedSlices(tf.zeros([1, 3]), tf.constant([4])))
with tf.Session() as sess:
    result = [_fetch(sess, y, {p: b}) for b in (True, False)]
""",
    "cond_returns_sparse_tensor": """
p = tf.placeholder(tf.bool, [])
a = tf.SparseTensor([[0, 1]], [2.0], [3, 3])
y = tf.cond(p, lambda: a, lambda: tf.SparseTensor([[1, 1], [2, 0]], [4.0, 5.0], [3, 3]))
with tf.Session() as sess:
    result = [sess.run(y, {p: b}).values.tolist() for b in (True, False)]
""",
    "cond_indexed_slices_against_tensor": """
p = tf.placeholder(tf.bool, [])
s = tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2]), tf.constant([5, 3]))
y = tf.cond(p, lambda: s, lambda: tf.ones([5, 3]))
""",
    "cond_indexed_slices_with_and_without_dense_shape": """
p = tf.placeholder(tf.bool, [])
s = tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2]), tf.constant([5, 3]))
y = tf.cond(p, lambda: s, lambda: tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2])))
""",
    "switch_gradient_of_a_lookup_in_a_branch": """
emb = tf.get_variable("emb", [5, 3], initializer=tf.ones_initializer())
p = tf.placeholder(tf.bool, [])
y = tf.cond(p, lambda: tf.nn.embedding_lookup(emb, [1, 2]), lambda: tf.zeros([2, 3]))
g = tf.gradients(tf.reduce_sum(y * 2.0), emb)[0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [_fetch(sess, g, {p: b}) for b in (True, False)]
""",
    "merge_gradient_of_a_lookup_after_the_cond": """
e1 = tf.get_variable("e1", [5, 3], initializer=tf.ones_initializer())
e2 = tf.get_variable("e2", [5, 3], initializer=tf.zeros_initializer())
p = tf.placeholder(tf.bool, [])
w = tf.cond(p, lambda: e1 * 1.0, lambda: e2 * 2.0, name="wc")
g = tf.gradients(tf.reduce_sum(tf.gather(w, [0, 4]) * 3.0), [e1, e2])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [[_fetch(sess, x, {p: b}) for x in g] for b in (True, False)]
""",
    "momentum_updates_only_the_looked_up_rows": """
emb = tf.get_variable("emb", [4, 2], initializer=tf.constant_initializer(
    [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]))
p = tf.placeholder(tf.bool, [])
ids = tf.placeholder(tf.int32, [None])
y = tf.cond(p, lambda: tf.nn.embedding_lookup(emb, ids), lambda: tf.zeros([2, 2]))
train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(y * y))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = []
    for b, i in [(True, [0, 1]), (False, [0, 1]), (True, [2, 2]), (False, [3, 0]),
                 (True, [3, 1])]:
        sess.run(train, {p: b, ids: i})
        result.append(sess.run(tf.global_variables()[0]).tolist())
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_cond_composites_as_tf(oracle, name):
    check_graph(oracle, FETCH + CASES[name])
