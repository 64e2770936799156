"""decode_raw, decode_csv, serialize_tensor / parse_tensor against real TF."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
"""

SNIPPETS = {
    "raw": """
s = tf.placeholder(tf.string, [None])
r = tf.decode_raw(s, tf.int16)
r2 = tf.io.decode_raw(s, tf.float32, little_endian=False, name="dr")
r3 = tf.decode_raw(bytes=s, out_type=tf.uint8)
r4 = tf.decode_raw(tf.constant(b"\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00"), tf.int32)
with tf.Session() as sess:
    result = [graph(), sess.run(r, {s: [b"\\x01\\x00\\x02\\x00", b"\\x03\\x00\\xff\\xff"]}),
              sess.run(r2, {s: [b"\\x3f\\x80\\x00\\x00", b"\\xc0\\x00\\x00\\x00"]}),
              sess.run(r3, {s: [b"ab"]}), sess.run(r4), sess.run(r, {s: []}).shape,
              err(lambda: sess.run(r, {s: [b"\\x01\\x00", b"\\x03\\x00\\x04\\x00"]})),
              err(lambda: sess.run(r, {s: [b"\\x01"]})),
              err(lambda: tf.decode_raw(s, tf.string)), sess.run(r3, {s: [b"z"]})]
""",
    "csv": """
s = tf.placeholder(tf.string, [None])
outs = tf.decode_csv(s, record_defaults=[[0], [1.5], ["x"], tf.constant([], tf.int64)])
one = tf.decode_csv(s, [[0.5]], name="one")
o2 = tf.decode_csv(s, [[0], ["d"]], field_delim="|", use_quote_delim=False, na_value="NA")
o3 = tf.io.decode_csv(s, [[0.], [0]], select_cols=[1, 3])
o4 = tf.decode_csv(tf.constant([["1,2", "3,4"]]), [[0], [tf.constant(0., tf.float64)]])
o5 = tf.decode_csv(tf.constant("5, 6"), [[0], [0]])
o6 = tf.decode_csv(tf.constant(["1.5e3,-2", "inf,+3"]), [[0.], [tf.constant(0, tf.int64)]])
with tf.Session() as sess:
    result = [graph(), sess.run(outs, {s: ["1,2.5,a,7", ",,,8", '3,4,"q,r",9', '1,2,"a""b",3']}),
              err(lambda: sess.run(one, {s: ["", "2"]})), sess.run(one, {s: ["1e2", "2"]}),
              sess.run(o2, {s: ['1|"x"', "NA|NA"]}), sess.run(o3, {s: ["1,2.5,x,4"]}),
              sess.run(o4), sess.run(o5), sess.run(o6)]
    for bad in ["1,2,a,", "1,2", "1,2,a,3,4", "x,2,a,3", "1,zz,a,3", '1,2,"a,3', '1,2,a"b,3',
                "2.5,1,a,3", "99999999999,1,a,3"]:
        result.append(err(lambda: sess.run(outs, {s: [bad]})))
    result.append(err(lambda: sess.run(o3, {s: ["1,2.5"]})))
    result.append(sess.run(outs, {s: ["1,2,b,3"]}))
result += [err(lambda: tf.decode_csv(s, [[0]], select_cols=[1, 0])),
           err(lambda: tf.decode_csv(s, [[0], [1]], select_cols=[1])),
           err(lambda: tf.decode_csv(s, [[True]]))]
""",
    "tensor_protos": """
x = tf.constant([[1, 2], [3, 4]], tf.int32)
s = tf.io.serialize_tensor(x)
p = tf.io.parse_tensor(s, tf.int32)
ph = tf.placeholder(tf.string, [])
p2 = tf.parse_tensor(ph, tf.float32)
with tf.Session() as sess:
    ser = sess.run(s)
    result = [graph(), list(ser), sess.run(p), err(lambda: sess.run(p2, {ph: ser})),
              err(lambda: sess.run(p2, {ph: b"\\xff\\xff"}))]
    for v in [tf.constant(["a", "bc"]), tf.constant(1.5), tf.constant([True, False]),
              tf.constant([1.5], tf.float16), tf.constant([[1.]], tf.float64)]:
        result.append(list(sess.run(tf.io.serialize_tensor(v))))
    result.append(sess.run(tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant([["a"], ["bc"]])),
                                              tf.string)))
    result.append(sess.run(p, {ph: ser}).tolist())
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_decode_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    assert run_here(code) == oracle(code)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(-2**31, 2**31 - 1), st.text(
    alphabet=st.characters(blacklist_characters="\r\n", codec="utf-8"), max_size=6)),
    min_size=1, max_size=5))
def test_csv_quoted_strings_round_trip(rows):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    lines = ['%d,"%s"' % (i, t.replace('"', '""')) for i, t in rows]
    a, b = tf.decode_csv(tf.constant(lines), [[0], [""]])
    with tf.Session() as sess:
        got_a, got_b = sess.run([a, b])
    assert got_a.tolist() == [i for i, _ in rows]
    assert [v.decode() for v in got_b] == [t for _, t in rows]


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["int32", "float64", "uint8", "int64", "bool"]),
       st.lists(st.integers(0, 3), max_size=3))
def test_serialize_parse_round_trip(dtype, shape):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    value = (np.arange(int(np.prod(shape))) % 2).astype(dtype).reshape(shape)
    back = tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant(value)), getattr(tf, dtype))
    with tf.Session() as sess:
        got = sess.run(back)
    assert got.dtype == value.dtype and got.shape == value.shape and (got == value).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"", b"1", b" x ", b'"q"', b"\r", b'""']), max_size=6),
       st.sampled_from([None, {0}, {1, 3}]), st.booleans())
def test_csv_split_fast_path_agrees_with_the_scan(parts, select, quotes):
    from scopeflow.io.decode_ops import _CsvError, _fields

    def scan(line):  # the general scan, with the fast path defeated by a trailing newline
        return _fields(line + b"\n", b",", quotes, select)
    line = b",".join(parts)
    try:
        want = scan(line)
    except _CsvError:
        return
    if line.endswith(b","):  # the scan's final-delimiter rule sees the newline after it
        return
    assert _fields(line, b",", quotes, select) == want
