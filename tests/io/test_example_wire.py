"""The wire-format reader of ParseExampleV2 gives the protobuf path's values, and steps aside
for records laid out otherwise (the protobuf path then parses or raises)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.io import example_wire, parse_example

FEATS = None


def _feats(tf):
    return {"f": tf.FixedLenFeature([3], tf.float32, default_value=[1., 2., 3.]),
            "i": tf.FixedLenFeature([], tf.int64, default_value=-1),
            "s": tf.FixedLenFeature([2], tf.string, default_value=[b"a", b"b"]),
            "vi": tf.VarLenFeature(tf.int64), "vf": tf.VarLenFeature(tf.float32),
            "vs": tf.VarLenFeature(tf.string)}


_INT = st.integers(-2**63, 2**63 - 1)
_FLOAT = st.floats(width=32, allow_nan=False)
_BYTES = st.binary(max_size=5)
_RECORD = st.fixed_dictionaries({}, optional={
    "f": st.lists(_FLOAT, min_size=3, max_size=3), "i": st.lists(_INT, min_size=1, max_size=1),
    "s": st.lists(_BYTES, min_size=2, max_size=2), "vi": st.lists(_INT, max_size=12),
    "vf": st.lists(_FLOAT, max_size=4), "vs": st.lists(_BYTES, max_size=3),
    "other": st.lists(_INT, max_size=2)})


def _serialize(tf, d):
    kinds = {"f": "float_list", "vf": "float_list", "s": "bytes_list", "vs": "bytes_list"}
    feats = {}
    for k, v in d.items():
        kind = kinds.get(k, "int64_list")
        cls = {"float_list": tf.train.FloatList, "bytes_list": tf.train.BytesList,
               "int64_list": tf.train.Int64List}[kind]
        feats[k] = tf.train.Feature(**{kind: cls(value=v)})
    return tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString()


def _dense_feats(tf):
    return {"f": tf.FixedLenFeature([3], tf.float32, default_value=[1., 2., 3.]),
            "i": tf.FixedLenFeature([], tf.int64, default_value=-1),
            "j": tf.FixedLenFeature([2], tf.int64, default_value=[7, 8])}


def _run_both(tf, records, single, feats=_feats):
    ser = tf.placeholder(tf.string, [] if single else [None])
    parse = tf.parse_single_example if single else tf.parse_example
    out = parse(ser, feats(tf))
    with tf.Session() as sess:
        fast = sess.run(out, {ser: records})
        keep = parse_example._fast
        parse_example._fast = lambda *a: None
        try:
            slow = sess.run(out, {ser: records})
        finally:
            parse_example._fast = keep
    return fast, slow


def _same(a, b):
    assert sorted(a) == sorted(b)
    for k in a:
        x, y = a[k], b[k]
        parts = [(x.indices, y.indices), (x.values, y.values), (x.dense_shape, y.dense_shape)] \
            if hasattr(x, "indices") else [(x, y)]
        for p, q in parts:
            p, q = np.asarray(p), np.asarray(q)
            assert p.dtype == q.dtype and p.shape == q.shape, k
            assert p.tolist() == q.tolist(), k


@settings(max_examples=30, deadline=None)
@given(st.lists(_RECORD, min_size=1, max_size=5))
def test_batch_values_match_protobuf_path(rows):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    records = [_serialize(tf, d) for d in rows]
    fast, slow = _run_both(tf, records, single=False)
    _same(fast, slow)


_SMALL = st.integers(-3, 300)
_DENSE = st.fixed_dictionaries({}, optional={
    "f": st.lists(_FLOAT, min_size=3, max_size=3), "i": st.lists(_SMALL, min_size=1, max_size=1),
    "vi": st.lists(_SMALL, min_size=2, max_size=2), "other": st.lists(_SMALL, max_size=2)})


@settings(max_examples=30, deadline=None)
@given(st.lists(_DENSE, min_size=3, max_size=12))
def test_dense_batches_by_template_match_protobuf_path(rows):
    """Records of one layout read as byte columns; the rest (other lengths, multi-byte
    varints, other features) one by one: the values are the protobuf path's."""
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    records = [_serialize(tf, {("j" if k == "vi" else k): v for k, v in d.items()})
               for d in rows]
    fast, slow = _run_both(tf, records, single=False, feats=_dense_feats)
    _same(fast, slow)


@settings(max_examples=20, deadline=None)
@given(_RECORD)
def test_single_values_match_protobuf_path(row):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    fast, slow = _run_both(tf, _serialize(tf, row), single=True)
    _same(fast, slow)


def test_unusual_layouts_are_left_to_protobuf():
    # "a": a FloatList written unpacked (field 1, wire type 5, twice)
    floats = b"\x0d\x00\x00\x80\x3f\x0d\x00\x00\x00\x40"
    feature = b"\x12\x0a" + floats
    entry = b"\x0a\x01a\x12\x0c" + feature
    unpacked = b"\x0a\x13\x0a\x11" + entry
    from scopeflow.io.example_protos import Example
    assert list(Example.FromString(unpacked).features.feature["a"].float_list.value) == [1, 2]
    assert example_wire.features_of(unpacked, {b"a": 0}) is not None
    kind, start, end = example_wire.features_of(unpacked, {b"a": 0})[0]
    assert example_wire.packed(unpacked, start, end, kind) is None
    assert example_wire.features_of(b"\x12\x00", {b"a": 0}) is None  # unknown field
    assert example_wire.features_of(b"\x0a\x05\x0a\x03\x0a\x01a", {b"a": 0}) is None  # truncated


def test_varints_decode_negative_and_large():
    vals = [0, 1, 127, 128, 300, 2**62, -1, -2**63, 2**63 - 1]
    raw = bytearray()
    for v in vals:
        u = v & (2**64 - 1)
        while True:
            b = u & 0x7F
            u >>= 7
            raw.append(b | (0x80 if u else 0))
            if not u:
                break
    got = example_wire.varints(np.frombuffer(bytes(raw), np.uint8))
    assert got.tolist() == vals


@pytest.mark.parametrize("bad", [b"junk", b"\x0a\x02\x0a\x00"])
def test_bad_records_raise_protobuf_path_errors(tf, bad):
    ser = tf.placeholder(tf.string, [None])
    out = tf.parse_example(ser, {"i": tf.FixedLenFeature([], tf.int64)})
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(out, {ser: [bad]})
