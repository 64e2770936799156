"""group_by_reducer against real TF: groups by ascending key, state structures and relaxed
shapes, captures, the graph's ops and errors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

PRELUDE = DATA_PRELUDE + ORACLE_HELPERS + """
R = tf.data.experimental.Reducer
gbr = tf.data.experimental.group_by_reducer
"""

SNIPPETS = {
    "sums_by_ascending_key": """
ds = tf.data.Dataset.from_tensor_slices([5, 3, 2, 7, 1, 4, 0, 9, 11, 8, -6]).map(
    lambda x: tf.cast(x, tf.int64))
r = R(init_func=lambda k: (k, tf.constant(0, tf.int64)),
      reduce_func=lambda s, x: (s[0], s[1] + x), finalize_func=lambda a, b: {"k": a, "sum": b})
a = ds.apply(gbr(lambda x: 2 - x % 3, r))
c = tf.constant(100, tf.int64, name="cap")
b = ds.apply(gbr(lambda x: tf.cast(x < 4, tf.int64) - 5, R(
    lambda k: (tf.zeros([0], tf.int64), tf.constant(0.0)),
    lambda s, x: (tf.concat([s[0], [x + c]], 0), s[1] + tf.cast(x, tf.float32)),
    lambda v, t: (v, t / tf.cast(tf.size(v), tf.float32)))))
result = [drain(a), meta(a), drain(b, initializable=True), meta(b), ops()]""",
    "structured_elements": """
ds = tf.data.Dataset.range(7).map(lambda x: {"v": x, "f": tf.cast(x, tf.float32)})
a = ds.apply(gbr(lambda d: d["v"] % 2, R(lambda k: tf.constant(1.0),
                                         lambda s, d: s * (d["f"] + 1.0),
                                         lambda s: tf.stack([s, s]))))
result = [drain(a), meta(a)]""",
    "relaxed_state": """
a = tf.data.Dataset.range(5).apply(gbr(lambda x: x % 2, R(
    lambda k: (tf.fill([1], k), tf.zeros([2, 0])),
    lambda s, x: (tf.concat([s[0], [x]], 0), tf.concat([s[1], tf.ones([2, 1])], 1)),
    lambda a, b: (a, tf.reduce_sum(b), tf.shape(b)))))
result = [drain(a), meta(a)]""",
    "empty_input": """
a = tf.data.Dataset.range(0).apply(gbr(lambda x: x, R(lambda k: k, lambda s, x: s + x,
                                                      lambda s: s)))
result = drain(a)""",
    "errors": """
ds = tf.data.Dataset.range(10)
result = [
    err(lambda: ds.apply(gbr(lambda x: tf.cast(x, tf.int32), R(lambda k: 0, lambda s, x: s,
                                                              lambda s: s)))),
    err(lambda: ds.apply(gbr(lambda x: (x, x), R(lambda k: 0, lambda s, x: s, lambda s: s)))),
    err(lambda: ds.apply(gbr(lambda x: x, R(lambda k: (k, 0), lambda s, x: (s[0], x),
                                            lambda s: s)))),
    err(lambda: ds.apply(gbr(lambda x: x, R(lambda k: {"a": 1.0}, lambda s, x: {"a": x},
                                            lambda s: s))))]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
