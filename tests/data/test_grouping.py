"""group_by_window / bucket_by_sequence_length against real TF: element order, values, dtypes,
shapes, the graph's ops and errors."""

import pytest
from data_oracle import DATA_PRELUDE
from oracle import explain, run_here, same

PRELUDE = DATA_PRELUDE + """
gbw = tf.data.experimental.group_by_window
bucket = tf.data.experimental.bucket_by_sequence_length
"""

SNIPPETS = {
    "pad_to_bucket_boundary": """
ds = tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x))
a = ds.apply(bucket(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2],
                        pad_to_bucket_boundary=True))
b = tf.data.Dataset.range(1, 6).map(lambda x: (tf.fill([x], x), tf.fill([2, x], 1.0))).apply(
    bucket(lambda x, y: tf.shape(x)[0], [3, 9], [2, 3, 4],
                                pad_to_bucket_boundary=True))
c = tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x)).padded_batch(
    2, [tf.constant(6, tf.int64)])
result = [rows(a), meta(a), rows(b), meta(b), rows(c), meta(c)]""",
    "group_by_window_order": """
ds = tf.data.Dataset.from_tensor_slices([5, -3, 2, 7, -1, 4, 0, 9, 11, -8, 3]).map(
    lambda x: tf.cast(x, tf.int64))
a = ds.apply(gbw(lambda x: x % 3 - 1, lambda k, w: w.batch(5).map(lambda b: (k, b)),
                 window_size_func=lambda k: k + 3))
b = ds.apply(gbw(lambda x: tf.cast(x > 2, tf.int64), lambda k, w: w.batch(2), 4))
result = [drain(a), meta(a), drain(b, initializable=True), meta(b), ops()]""",
    "group_by_window_structure_and_capture": """
c = tf.constant(10, tf.int64, name="cap")
ds = tf.data.Dataset.range(7).map(lambda x: {"v": x, "f": tf.cast(x, tf.float32)})
a = ds.apply(gbw(lambda d: d["v"] % 2, lambda k, w: w.map(lambda d: (d["f"], d["v"] + c + k)),
                 window_size=3))
result = [drain(a), meta(a), ops()]""",
    "bucket_by_sequence_length": """
ds = tf.data.Dataset.range(1, 14).map(lambda x: tf.fill([x % 5], x))
a = ds.apply(bucket(lambda x: tf.shape(x)[0], [2, 4], [2, 3, 2]))
b = ds.apply(bucket(lambda x: tf.shape(x)[0], [3], [3, 2], padded_shapes=[6],
                   padding_values=tf.constant(-1, tf.int64), drop_remainder=True))
p = tf.data.Dataset.range(1, 8).map(lambda x: (tf.fill([x % 4], x), tf.cast(x, tf.float32)))
c = p.apply(bucket(lambda s, f: tf.size(s), [1, 3], [1, 2, 3], no_padding=False))
d = tf.data.Dataset.range(6).map(lambda x: tf.fill([2], x)).apply(
    bucket(lambda x: tf.shape(x)[0], [3], [2, 2], no_padding=True))
result = [drain(a), meta(a), drain(b), meta(b), drain(c), meta(c), drain(d), meta(d), ops()]""",
    "window_size_not_positive": """
ds = tf.data.Dataset.range(3).apply(gbw(lambda x: x, lambda k, w: w, window_size_func=lambda k: k))
result = drain(ds)""",
    "key_func_not_int64": """
tf.data.Dataset.range(3).apply(gbw(lambda x: tf.cast(x, tf.int32), lambda k, w: w, 2))""",
    "key_func_not_scalar": """
tf.data.Dataset.range(3).apply(gbw(lambda x: tf.stack([x, x]), lambda k, w: w, 2))""",
    "reduce_func_not_dataset": """
tf.data.Dataset.range(3).apply(gbw(lambda x: x, lambda k, w: k, 2))""",
    "both_window_arguments": """
tf.data.Dataset.range(2).apply(gbw(lambda x: x, lambda k, w: w, 2, lambda k: k))""",
    "bucket_sizes_mismatch": """
tf.data.Dataset.range(2).apply(bucket(lambda x: 1, [2, 4], [2, 3]))""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
