"""scan, take_while, unique, enumerate_dataset and Counter against real TF: elements, dtypes,
shapes, the graph's ops and errors."""

import pytest
from data_oracle import DATA_PRELUDE
from oracle import explain, run_here, same

PRELUDE = DATA_PRELUDE + """
E = tf.data.experimental
"""

SNIPPETS = {
    "scan_relaxes_state_shapes": """
a = tf.data.Dataset.range(5).apply(E.scan(
    (tf.constant(0, tf.int64), tf.constant([1.0])),
    lambda s, x: ((s[0] + x, tf.concat([s[1], [2.0]], 0)), (s[0], tf.size(s[1]), s[1]))))
c = tf.constant(3, tf.int64, name="cap")
b = tf.data.Dataset.range(4).map(lambda x: {"v": x}).apply(
    E.scan(0, lambda s, d: (s + 1, d["v"] * c + tf.cast(s, tf.int64))))
result = [drain(a), meta(a), drain(b, initializable=True), meta(b), ops()]""",
    "counter": """
a = E.Counter(3, -2, tf.int32).take(4)
b = E.Counter().take(3)
result = [drain(a), meta(a), drain(b), meta(b), ops()]""",
    "take_while": """
c = tf.constant(4, tf.int64, name="limit")
a = tf.data.Dataset.range(10).apply(E.take_while(lambda x: x < c))
b = tf.data.Dataset.range(3).apply(E.take_while(lambda x: tf.constant(False)))
result = [drain(a), meta(a), drain(b), ops()]""",
    "unique": """
a = tf.data.Dataset.from_tensor_slices([3, 1, 3, 2, 1, 5]).apply(E.unique())
b = tf.data.Dataset.from_tensor_slices(["a", "b", "a"]).apply(E.unique())
c = tf.data.Dataset.from_tensor_slices([[1, 2], [1, 2], [2, 1]]).apply(E.unique())
result = [drain(a), drain(b), drain(c), meta(c), ops()]""",
    "enumerate_dataset": """
a = tf.data.Dataset.range(3, 6).apply(E.enumerate_dataset(4))
result = [drain(a), meta(a)]""",
    "choose_from_datasets": """
ds = [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12), tf.data.Dataset.range(20, 25)]
ch = tf.data.Dataset.from_tensor_slices(tf.constant([0, 1, 1, 1, 2, 0, 0, 0, 2, 2], tf.int64))
a = E.choose_from_datasets(ds, ch)
b = E.choose_from_datasets(ds, ch, stop_on_empty_dataset=True)
v = [tf.data.Dataset.from_tensors([1, 2]), tf.data.Dataset.from_tensors([3, 4, 5])]
c = E.choose_from_datasets(v, tf.data.Dataset.range(2))
result = [drain(a), meta(a), drain(b), drain(c), meta(c), ops()]""",
    "choose_selector_out_of_range": """
ds = [tf.data.Dataset.range(3)]
result = drain(E.choose_from_datasets(ds, tf.data.Dataset.from_tensor_slices(
    tf.constant([0, 5], tf.int64))))""",
    "choose_int32_choices": """
E.choose_from_datasets([tf.data.Dataset.range(3)], tf.data.Dataset.range(3).map(
    lambda x: tf.cast(x, tf.int32)))""",
    "choose_incompatible": """
E.choose_from_datasets([tf.data.Dataset.range(3), tf.data.Dataset.from_tensors("a")],
                       tf.data.Dataset.range(2))""",
    "dataset_methods": """
ds = tf.data.Dataset.range(1, 9)
a = ds.scan(tf.constant(0, tf.int64), lambda s, x: (s + x, s)).take_while(lambda x: x < 20)
b = ds.map(lambda x: x % 3).unique()
c = ds.group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
d = ds.map(lambda x: tf.fill([x % 3], x)).bucket_by_sequence_length(
    lambda x: tf.shape(x)[0], [2], [2, 3])
e = tf.data.Dataset.choose_from_datasets([ds, ds.skip(5)], tf.data.Dataset.from_tensor_slices(
    tf.constant([1, 1, 1, 1, 0], tf.int64)))
f = tf.data.Dataset.counter(2, 3).take(3)
result = [drain(x) for x in (a, b, c, d, e, f)] + [ops()]""",
    "unique_two_components": """
result = drain(tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                    tf.data.Dataset.range(3))).apply(E.unique()))""",
    "unique_float": """
tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32)).apply(E.unique())""",
    "take_while_not_bool": """
tf.data.Dataset.range(3).apply(E.take_while(lambda x: x))""",
    "scan_not_a_pair": """
tf.data.Dataset.range(3).apply(E.scan(tf.constant(0), lambda s, x: s))""",
    "scan_state_type_changes": """
tf.data.Dataset.range(3).apply(E.scan(tf.constant(0), lambda s, x: (x, x)))""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
