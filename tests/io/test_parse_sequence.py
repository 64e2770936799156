"""tf.io.parse_single_sequence_example against real TF: graph, values, errors."""

import pytest

from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
def seq_example(n=3):
    e = tf.train.SequenceExample()
    e.context.feature["len"].int64_list.value.append(n)
    e.context.feature["tags"].bytes_list.value.extend([b"a", b"b"])
    for i in range(n):
        e.feature_lists.feature_list["tok"].feature.add().int64_list.value.append(i * 10)
        e.feature_lists.feature_list["emb"].feature.add().float_list.value.extend([i, -i])
        e.feature_lists.feature_list["v"].feature.add().int64_list.value.extend(list(range(i)))
    return e
CTX = {"len": tf.FixedLenFeature([], tf.int64), "tags": tf.VarLenFeature(tf.string),
       "d": tf.FixedLenFeature([2], tf.float32, default_value=[1., 2.])}
SEQ = {"tok": tf.FixedLenSequenceFeature([], tf.int64),
       "emb": tf.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
       "v": tf.VarLenFeature(tf.int64)}
"""

SNIPPETS = {
    "graph_and_values": """
s = tf.placeholder(tf.string, [], name="s")
ctx, seq = tf.io.parse_single_sequence_example(s, context_features=CTX, sequence_features=SEQ)
c2, s2 = tf.parse_single_sequence_example(s, sequence_features={
    "z": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
with tf.Session() as sess:
    result = [graph(), sess.run([ctx, seq], {s: seq_example().SerializeToString()}),
              err(lambda: sess.run([ctx, seq], {s: seq_example(0).SerializeToString()})),
              c2, sess.run(s2, {s: b""})]
""",
    "errors": """
s = tf.placeholder(tf.string, [], name="s")
ctx, seq = tf.io.parse_single_sequence_example(s, context_features=CTX, sequence_features=SEQ)
e2 = tf.train.SequenceExample()
e2.context.feature["len"].int64_list.value.append(1)
e3 = seq_example()
del e3.context.feature["len"]
e4 = seq_example()
e4.feature_lists.feature_list["emb"].feature[1].float_list.value.append(5.)
e5 = seq_example()
e5.feature_lists.feature_list["tok"].feature[1].float_list.value.append(5.)
e6 = seq_example()
e6.context.feature["d"].float_list.value.extend([1., 2., 3.])
e7 = seq_example()
e7.context.feature["tags"].int64_list.value.append(1)
with tf.Session() as sess:
    result = [err(lambda: sess.run([ctx, seq], {s: e.SerializeToString()}))
              for e in (e2, e3, e4, e5, e6, e7)]
    result.append(err(lambda: sess.run([ctx, seq], {s: b"\\x0a\\x05abc"})))
    result.append(sess.run(ctx["len"], {s: seq_example(4).SerializeToString()}))
result += [err(lambda: tf.parse_single_sequence_example(s)),
           err(lambda: tf.parse_single_sequence_example(tf.placeholder(tf.string, [2]),
                                                        {"a": tf.VarLenFeature(tf.int64)})),
           err(lambda: tf.io.parse_single_sequence_example(s, sequence_features={
               "z": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True,
                                               default_value=3)})),
           err(lambda: tf.io.parse_single_sequence_example(s, context_features={
               "z": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)}))]
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_parse_sequence_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    assert run_here(code) == oracle(code)
