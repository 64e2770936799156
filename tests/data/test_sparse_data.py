"""dense_to_sparse_batch and Dataset.from_sparse_tensor_slices against real TF: the sparse
batches' indices, values and dense shapes, element specs, the graph's ops and errors (a
failing element drops its batch; the iterator goes on)."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

PRELUDE = DATA_PRELUDE + ORACLE_HELPERS + """
E = tf.data.experimental
def sparse_rows(ds, n=8):
    out = []
    for r in rows(ds, n):
        out.append([r.indices, r.values, r.dense_shape] if hasattr(r, "indices") else r)
    return out
def spec(ds):
    return [str(ds.element_spec), ds.output_classes.__name__] + meta(ds)
"""

SNIPPETS = {
    "dense_to_sparse_batch": """
ds = tf.data.Dataset.range(1, 6).map(
    lambda x: tf.fill([x], x) * tf.cast(tf.range(x) % 2, tf.int64))
a = ds.apply(E.dense_to_sparse_batch(2, [5]))
b = ds.apply(E.dense_to_sparse_batch(3, [None]))
m = tf.data.Dataset.range(3).map(lambda x: tf.reshape(tf.range(x * 4), [x, 4])).apply(
    E.dense_to_sparse_batch(2, tf.TensorShape([None, 4])))
s = tf.data.Dataset.range(3).apply(E.dense_to_sparse_batch(tf.constant(2, tf.int64), []))
t = tf.data.Dataset.range(1, 3).map(lambda x: tf.fill([x], tf.as_string(x))).apply(
    E.dense_to_sparse_batch(2, [3]))
v2 = tf.data.Dataset.range(1, 3).map(lambda x: tf.fill([x], x)).sparse_batch(2, [3])
result = [[sparse_rows(d), spec(d)] for d in (a, b, m, s, t)] + [ops()] + [
    sparse_rows(v2), str(v2.element_spec), hasattr(v2, "output_classes")]""",
    "dense_to_sparse_batch_errors": """
ds = tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x))
two = tf.data.Dataset.range(3).map(lambda x: tf.fill([2], x))
result = [sparse_rows(ds.apply(E.dense_to_sparse_batch(2, [3]))),
          sparse_rows(two.apply(E.dense_to_sparse_batch(2, [2, 1]))),
          sparse_rows(two.apply(E.dense_to_sparse_batch(2, [None, 4]))),
          sparse_rows(two.apply(E.dense_to_sparse_batch(0, [2]))),
          err(lambda: tf.data.Dataset.range(3).map(lambda x: (x, x)).apply(
              E.dense_to_sparse_batch(2, [1]))),
          err(lambda: tf.data.Dataset.range(3).map(lambda x: {"a": x}).apply(
              E.dense_to_sparse_batch(2, [1])))]""",
    "from_sparse_tensor_slices": """
a = tf.data.Dataset.from_sparse_tensor_slices(
    tf.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [4, 5]))
p = tf.sparse_placeholder(tf.int32, shape=[None, None, 2], name="sp")
b = tf.data.Dataset.from_sparse_tensor_slices(p)
c = tf.data.Dataset.from_sparse_tensor_slices(tf.SparseTensor([[0], [3]], ["a", "b"], [5]))
d = tf.data.Dataset.from_sparse_tensor_slices(
    tf.SparseTensor([[0, 1], [1, 0], [2, 3], [3, 3]], [1, 2, 3, 4], [4, 5])).batch(2)
fed = lambda i, v, s: {p: tf.SparseTensorValue(i, v, s)}
result = [rows(a), rows(b, feed=fed([[1, 0, 1], [1, 2, 0]], [7, 8], [3, 4, 2])), rows(c),
          rows(b, feed=fed([[1, 0, 1], [3, 2, 0]], [7, 8], [2, 4, 2])),
          rows(b, feed=fed([[1, 0, 1], [0, 2, 0]], [7, 8], [3, 4, 2])), rows(d),
          [str(x.element_spec) for x in (a, b, c)], meta(b), ops()]""",
    # (TF's message names its own class path: the wording is checked below)
    "from_sparse_tensor_slices_needs_a_sparse_tensor": """
tf.data.Dataset.from_sparse_tensor_slices(tf.constant([1]))""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name], wording="needs_a" not in name)


def test_from_sparse_tensor_slices_names_what_it_got(tf):
    with pytest.raises(TypeError, match=r"^Invalid `sparse_tensor`. `sparse_tensor` must be a "
                       r"`tf.sparse.SparseTensor`. Got <class '.*SymbolicTensor'>.$"):
        tf.data.Dataset.from_sparse_tensor_slices(tf.constant([1]))
