"""tf.io.parse_example / parse_single_example against real TF: graph, values, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import ATTEMPT, ORACLE_HELPERS, run_here, snippet_matches

PRELUDE = ORACLE_HELPERS + r"""
def ex(**kw):
    f = {}
    for k, v in kw.items():
        if v and isinstance(v[0], float):
            f[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v))
        elif v and isinstance(v[0], bytes):
            f[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
        elif v:
            f[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v))
        else:
            f[k] = tf.train.Feature()
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()
FEATS = {"a": tf.FixedLenFeature([2], tf.float32, default_value=[1., 2.]),
         "b": tf.VarLenFeature(tf.int64), "c": tf.FixedLenFeature([], tf.string),
         "d-x": tf.FixedLenFeature([1, 2], tf.int64, default_value=[[5, 6]]),
         "q": tf.FixedLenSequenceFeature([2], tf.int64, allow_missing=True),
         "r": tf.FixedLenSequenceFeature([], tf.float32, allow_missing=True, default_value=7.),
         "s": tf.VarLenFeature(tf.string)}
"""

SNIPPETS = {
    "graph_batch": """
ser = tf.placeholder(tf.string, [None], name="ser")
out = tf.parse_example(ser, FEATS)
after = tf.SparseTensor([[0]], [1.], [2])
result = [graph(), sorted(out), out["b"].indices.name, out["b"].dense_shape.shape,
          after.indices.name, out["b"].shape, out["s"].get_shape(), out["b"].dtype]
""",
    "graph_single": """
ser = tf.placeholder(tf.string, [], name="ser")
out = tf.io.parse_single_example(ser, FEATS)
out2 = tf.parse_single_example(tf.constant(b""), {"v": tf.VarLenFeature(tf.float32)}, name="p")
result = [graph(), out["s"].values.name, out2["v"].dense_shape.shape, out2["v"].shape]
""",
    "values_batch": """
ser = tf.placeholder(tf.string, [None])
out = tf.parse_example(ser, FEATS)
recs = [ex(a=[3., 4.], b=[1, 2, 3], c=[b"x"], q=[1, 2, 3, 4], r=[.5], s=[b"u", b"v"]),
        ex(c=[b"y"], b=[9], **{"d-x": [7, 8]}), ex(c=[b"z"], q=[], r=[])]
with tf.Session() as sess:
    result = [sess.run(out, {ser: recs}), sess.run(out, {ser: recs[1:2]})]
""",
    "values_single": """
ser = tf.placeholder(tf.string, [])
out = tf.parse_single_example(ser, FEATS)
with tf.Session() as sess:
    const = tf.parse_single_example(ex(c=[b"k"], a=[1., 1.]), FEATS)
    result = [sess.run(out, {ser: ex(c=[b"x"], b=[4, 5], q=[1, 2], s=[b"w"])}),
              sess.run(out, {ser: ex(c=[b"y"], a=[0., 0.])}), sess.run(const)]
""",
    "run_errors": """
ser = tf.placeholder(tf.string, [None])
one = tf.placeholder(tf.string, [])
F = {"a": tf.FixedLenFeature([2], tf.float32)}
V = {"v": tf.VarLenFeature(tf.float32)}
Q = {"q": tf.FixedLenSequenceFeature([2], tf.int64, allow_missing=True)}
pb, ps = tf.parse_example(ser, F), tf.parse_single_example(one, F)
vb, vs = tf.parse_example(ser, V), tf.parse_single_example(one, V)
qb, qs = tf.parse_example(ser, Q), tf.parse_single_example(one, Q)
with tf.Session() as sess:
    result = [err(lambda: sess.run(pb, {ser: [ex(a=[1., 2.]), ex(b=[1])]})),
              err(lambda: sess.run(ps, {one: ex(b=[1])})),
              err(lambda: sess.run(pb, {ser: [ex(a=[1, 2])]})),
              err(lambda: sess.run(ps, {one: ex(a=[1, 2])})),
              err(lambda: sess.run(pb, {ser: [ex(a=[1., 2., 3.])]})),
              err(lambda: sess.run(pb, {ser: [ex(a=[1.])]})),
              err(lambda: sess.run(ps, {one: ex(a=[1., 2., 3.])})),
              err(lambda: sess.run(ps, {one: ex(a=[1.])})),
              err(lambda: sess.run(vb, {ser: [ex(v=[1])]})),
              err(lambda: sess.run(vs, {one: ex(v=[b"x"])})),
              err(lambda: sess.run(qb, {ser: [ex(q=[1, 2, 3])]})),
              err(lambda: sess.run(qs, {one: ex(q=[1, 2, 3])})),
              err(lambda: sess.run(pb, {ser: [ex(a=[])]})),
              err(lambda: sess.run(pb, {ser: [b"\\x0a\\x05abc"]}))[0],
              sess.run(pb, {ser: [ex(a=[5., 6.])]})]
""",
    "sparse_feature": """
ser = tf.placeholder(tf.string, [None], name="ser")
F = {"s": tf.io.SparseFeature(index_key="ix", value_key="v", dtype=tf.float32, size=10),
     "t": tf.SparseFeature(["i", "j"], "w", tf.int64, [3, 4], already_sorted=True)}
out = tf.parse_example(ser, F)
one = tf.placeholder(tf.string, [], name="one")
out1 = tf.parse_single_example(one, {"s": F["s"]})
with tf.Session() as sess:
    result = [graph(), sess.run(out, {ser: [ex(ix=[3, 1], v=[1., 2.], i=[0], j=[2], w=[7]),
                                            ex(ix=[0], v=[9.], i=[2, 1], j=[0, 3], w=[5, 6])]}),
              sess.run(out1, {one: ex(ix=[5, 2], v=[1., 2.])}),
              err(lambda: sess.run(out, {ser: [ex(ix=[3, 1], v=[1.], i=[0], j=[1], w=[1])]})),
              sess.run(out["s"], {ser: [ex(ix=[3], v=[1.])]})]
""",
    "build_errors": """
ser = tf.placeholder(tf.string, [None])
result = [err(lambda: tf.parse_example(ser, {"q": tf.FixedLenSequenceFeature([2], tf.int64)})),
          err(lambda: tf.parse_single_example(ser, {"a": tf.VarLenFeature(tf.int64)})),
          err(lambda: tf.parse_example(ser, {})),
          err(lambda: tf.parse_example(ser, {"a": 3})),
          err(lambda: tf.parse_example(ser, {"a": tf.FixedLenFeature(None, tf.float32)})),
          err(lambda: tf.parse_example(ser, {"a": tf.FixedLenFeature([2], tf.float32,
                                                                     default_value=[1.])}))[0],
          [tf.FixedLenFeature([2], tf.float32), tf.VarLenFeature(tf.int64)],
          repr(tf.io.FixedLenSequenceFeature([], tf.string, allow_missing=True)),
          repr(tf.io.SparseFeature("i", "v", tf.float32, 3))]
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_parse_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    assert run_here(code) == oracle(code)


def test_example_protos_round_trip_tf_bytes(oracle):
    code = PRELUDE + """
e = tf.train.SequenceExample()
e.context.feature["x"].int64_list.value.append(3)
e.feature_lists.feature_list["s"].feature.add().float_list.value.extend([1., 2.])
result = [list(e.SerializeToString()), tf.train.Example.DESCRIPTOR.full_name,
          list(ex(a=[1.5]))]
"""
    assert run_here(code) == oracle(code)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.integers(-2**40, 2**40), max_size=4), min_size=1, max_size=4))
def test_var_len_values_round_trip(rows):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    ser = tf.placeholder(tf.string, [None])
    out = tf.parse_example(ser, {"v": tf.VarLenFeature(tf.int64)})["v"]
    recs = [tf.train.Example(features=tf.train.Features(feature={"v": tf.train.Feature(
        int64_list=tf.train.Int64List(value=r))})).SerializeToString() for r in rows]
    with tf.Session() as sess:
        got = sess.run(out, {ser: recs})
    assert got.values.tolist() == [v for r in rows for v in r]
    assert got.indices.tolist() == [[b, j] for b, r in enumerate(rows) for j in range(len(r))]
    assert got.dense_shape.tolist() == [len(rows), max(len(r) for r in rows)]
    assert got.values.dtype == np.int64


_INT_SHAPES = r'''
ex = tf.train.Example(features=tf.train.Features(feature={
    "f": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2, 3])),
    "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[4]))})).SerializeToString()
one = tf.parse_single_example(ex, {"f": tf.FixedLenFeature((3), tf.int64),
                                   "y": tf.FixedLenFeature((1), tf.int64),
                                   "d": tf.FixedLenFeature(2, tf.float32, default_value=[.5, 1.])})
many = tf.parse_example([ex, ex], {"f": tf.FixedLenFeature(3, tf.int64)})
ctx, seq = tf.parse_single_sequence_example(ex, context_features={
    "y": tf.FixedLenFeature(1, tf.int64)})
with tf.Session() as s:
    result = [[(k, v.shape.as_list()) for k, v in sorted(one.items())],
              {k: v.tolist() for k, v in s.run(one).items()}, s.run(many)["f"].tolist(),
              s.run(ctx)["y"].tolist()]
'''


@pytest.mark.oracle
def test_an_int_feature_shape_is_one_dimension_as_in_tf(oracle):
    # wangruichens/examples' avazu reader: FixedLenFeature((23), tf.int64), (23) an int
    assert run_here(_INT_SHAPES) == oracle(_INT_SHAPES)


# records that are not plain Examples, as TF's fast parser reads them: other fields skipped,
# map entries of exactly a key and a value (either order), a wanted Feature's first list only,
# TF's errors otherwise (a message with a NUL byte ends there, node tag and all)
NOT_EXAMPLES = ATTEMPT + r'''
p = tf.placeholder(tf.string, [None])
out = tf.io.parse_example(p, {"a": tf.io.FixedLenFeature([], tf.int64, default_value=7),
                              "b": tf.io.VarLenFeature(tf.float32)})
ex = tf.train.Example(features=tf.train.Features(feature={"a": tf.train.Feature(
    int64_list=tf.train.Int64List(value=[3]))})).SerializeToString()
def shown(r):
    return [r["a"].tolist(), r["b"].values.tolist(), r["b"].indices.tolist()]
result = []
with tf.Session() as s:
    for v in RECORDS:
        result.append(attempt(lambda: s.run(out, {p: [v, ex]})))
'''
RECORDS = [
    b"", b"garbage", b"\x0a\x00", b"\x12\x03abc", b"\x08\x01", b"\x1b\x1c", b"\x09\x01\x02\x03",
    b"\x12\x09ab", b"\x0d\x01\x02\x03\x04\x0a\x07\x0a\x05\x0a\x01a\x12\x00",
    b"\x0a\x05\x0a\x03\x0a\x01a", b"\x0a\x05\x0a\x03\x0a\x01z",
    b"\x0a\x07\x0a\x05\x0a\x01a\x12\x00",
    b"\x0a\x07\x0a\x05\x0a\x01z\x12\x00", b"\x0a\x07\x0a\x05\x0a\x01a\x1a\x00",
    b"\x0a\x09\x0a\x07\x0a\x01a\x12\x02\x1a\x00", b"\x0a\x0a\x0a\x08\x12\x03\x1a\x01\x05\x0a\x01a",
    b"\x0a\x0a\x0a\x08\x12\x03\x1a\x01\x05\x0a\x01z", b"\x0a\x08\x0a\x06\x0a\x01a\x12\x01\x22",
    b"\x0a\x08\x0a\x06\x0a\x01z\x12\x01\x22", b"\x0a\x03\x12\x01\x00",
    b"\x0a\x0b\x0a\x09\x0a\x01a\x12\x04\x1a\x02\x08\x05",
    b"\x0a\x0d\x0a\x0b\x0a\x01a\x12\x06\x1a\x02\x08\x05\x12\x00",
    b"\x0a\x0b\x0a\x09\x0a\x01a\x0a\x01b\x12\x02\x1a\x00",
]


@pytest.mark.oracle
def test_records_that_are_not_plain_examples_parse_as_tf(oracle):
    snippet_matches(oracle, "RECORDS = %r\n" % RECORDS + NOT_EXAMPLES)


# a packed FloatList whose byte length is no multiple of 4: TF's fast parser keeps the whole
# floats in it (VarLen, FixedLen and sequence features, one record or a batch), and a dense
# feature of the wrong count then fails as any other would
CUT_FLOATS = ATTEMPT + r'''
import struct
def rec(body, key=b"a"):
    fl = b"\x0a" + bytes([len(body)]) + body
    feature = b"\x12" + bytes([len(fl)]) + fl
    entry = b"\x0a\x01" + key + b"\x12" + bytes([len(feature)]) + feature
    feats = b"\x0a" + bytes([len(entry)]) + entry
    return b"\x0a" + bytes([len(feats)]) + feats
f = struct.pack("<3f", 1.5, -2., 3.25)
def shown(r):
    v = r["a"]
    return v.values.tolist() if hasattr(v, "values") else v.tolist()
result = []
for body in [f[:10], f[:3], f[:11], f + b"\x01", b"\x00"]:
    for feat in [tf.io.VarLenFeature(tf.float32), tf.io.FixedLenFeature([2], tf.float32),
                 tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True),
                 tf.io.FixedLenFeature([], tf.float32), tf.io.FixedLenFeature([0], tf.float32)]:
        tf.reset_default_graph()
        one = tf.io.parse_single_example(tf.constant(rec(body)), {"a": feat})
        batch = tf.io.parse_example(tf.constant([rec(body), rec(f)]), {"a": feat})
        with tf.Session() as s:
            result.append([attempt(lambda: shown(s.run(one))),
                           attempt(lambda: shown(s.run(batch)))])
tf.reset_default_graph()  # the cut list in a feature not asked for
two = tf.io.parse_single_example(tf.constant(rec(f[:6], b"z")),
                                 {"a": tf.io.FixedLenFeature([], tf.float32, default_value=9.)})
with tf.Session() as s:
    result.append(attempt(lambda: s.run(two)["a"].tolist()))
'''


@pytest.mark.oracle
def test_a_cut_float_list_keeps_its_whole_floats_as_in_tf(oracle):
    snippet_matches(oracle, CUT_FLOATS)
