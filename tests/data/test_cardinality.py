"""tf.data.experimental.cardinality and assert_cardinality against real TF: TF's count,
INFINITE_CARDINALITY or UNKNOWN_CARDINALITY for each kind of pipeline (TF1's map keeps no count,
map_and_batch does), and the asserted count's run-time errors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf

PIPELINES = DATA_PRELUDE + """
E = tf.data.experimental
r = tf.data.Dataset.range
Z = tf.data.Dataset.zip
p = tf.placeholder(tf.int64, [], name="p")
some = lambda x: x > 2
one = lambda x: tf.data.Dataset.from_tensors(x)
cases = [
    r(10), r(10, 3), r(3, 10, 4), r(10, 3, -3), r(10).batch(3), r(10).batch(3, True),
    r(10).repeat(), r(0).repeat(), r(10).repeat(3), r(10).repeat(0), r(10).take(3),
    r(10).take(30), r(10).repeat().take(5), r(10).take(-1), r(10).skip(3), r(10).skip(30),
    r(10).skip(-1), r(10).repeat().skip(4), r(10).shard(3, 0), r(10).shard(3, 2),
    r(10).filter(some), r(10).filter(some).repeat(), r(10).filter(some).repeat(2),
    r(10).filter(some).take(3), r(10).map(lambda x: x * 2),
    r(10).map(lambda x: x, num_parallel_calls=2), r(10).map(lambda x: x + 1).batch(2),
    r(10).map(lambda x: x + 1).take(3), r(10).flat_map(one), r(10).interleave(one, 2),
    Z((r(3), r(5))), Z((r(3), r(5).repeat())), Z((r(3).repeat(), r(5).repeat())),
    Z((r(3), r(5).filter(some))), r(3).concatenate(r(4)), r(3).concatenate(r(4).repeat()),
    r(3).repeat().concatenate(r(4).filter(some)), r(10).shuffle(4), r(10).shuffle(4).repeat(2),
    r(10).prefetch(2), r(10).cache(), r(10).padded_batch(4, []), r(10).batch(2).unbatch(),
    tf.data.Dataset.from_tensors([1, 2]), tf.data.Dataset.from_tensor_slices([1, 2, 3]),
    r(10).apply(E.ignore_errors()), r(10).apply(E.shuffle_and_repeat(3, 2)),
    r(10).apply(E.shuffle_and_repeat(3)), r(10).apply(E.map_and_batch(lambda x: x, 3)),
    r(10).apply(E.map_and_batch(lambda x: x, 3, drop_remainder=True)),
    r(10).apply(E.scan(tf.constant(0, tf.int64), lambda s, x: (s, x))),
    r(10).apply(E.take_while(lambda x: x < 3)), r(10).apply(E.unique()), E.Counter(),
    tf.data.Dataset.random(seed=1), E.sample_from_datasets([r(3), r(4)], seed=1),
    E.sample_from_datasets([r(3), r(4).repeat()], seed=1),
    E.choose_from_datasets([r(3), r(4)], r(2)), r(10).enumerate(), r(p), r(p).batch(4),
    r(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(2), 2),
    tf.data.Dataset.from_generator(lambda: iter([1]), tf.int64),
    tf.data.TextLineDataset(["/nonexistent"]),
]
c = [E.cardinality(d) for d in cases]
with tf.Session() as s:
    result = [s.run(c, {p: 9}), [x.name for x in c[:3]], r(3).cardinality().op.type,
              E.INFINITE_CARDINALITY, E.UNKNOWN_CARDINALITY]
"""


ASSERTED = DATA_PRELUDE + """
E = tf.data.experimental
r = tf.data.Dataset.range
a = r(3).apply(E.assert_cardinality(5))
b = r(3).filter(lambda x: True).apply(E.assert_cardinality(2))
c = r(3).apply(E.assert_cardinality(E.INFINITE_CARDINALITY))
d = r(2).apply(E.assert_cardinality(1))
e = r(0).apply(E.assert_cardinality(1))
f = r(3).apply(E.assert_cardinality(3))
with tf.Session() as s:
    cs = s.run([E.cardinality(x) for x in (a, b, c, f)])
result = [rows(x, 6) for x in (a, b, c, d, e, f)] + [cs, ops()[-12:]]
"""


@pytest.mark.oracle
def test_assert_cardinality_matches_tf(oracle):
    matches_tf(oracle, ASSERTED)


@pytest.mark.oracle
def test_cardinality_matches_tf(oracle):
    matches_tf(oracle, PIPELINES)


def test_cardinality_is_read_at_run_time(tf):
    n = tf.placeholder(tf.int64, [])
    c = tf.data.experimental.cardinality(tf.data.Dataset.range(n).shard(3, 1))
    with tf.Session() as sess:
        assert [int(sess.run(c, {n: k})) for k in (0, 4, 5, 9)] == [0, 1, 2, 3]
