"""tf.strings.unicode_decode / _with_offsets / unicode_split / _with_offsets / unicode_encode
vs TF (ragged/ragged_strings.py): graphs (TF folds constant inputs through the decode, so
static shapes follow the values), shapes, values for UTF-8 / UTF-16-BE / ISO-8859-1, ill-formed
input under errors='replace' / 'ignore' / 'strict', control characters, and errors."""

import pytest
from ragged_oracle import same_as_tf

UNICODE = r"""
s_ = tf.constant(["h\u00e9llo", "", "\u20ac\U0001F600x"])
bad = tf.constant([b"a\xffb", b"\xe2\x82", b"ok\x01", b"\xf0\x9f\x98"])
m = tf.constant([["ab", "c"], ["", "\u00e9"]])
rt_in = tf.ragged.constant([["ab"], [], ["c", "d\u00e9"]])
outs = [tf.strings.unicode_decode(s_, "UTF-8"), tf.strings.unicode_decode(bad, "UTF-8"),
        tf.strings.unicode_decode(bad, "UTF-8", errors="ignore"),
        tf.strings.unicode_decode(bad, "UTF-8", replacement_char=63,
                                  replace_control_characters=True),
        tf.strings.unicode_decode(m, "UTF-8"), tf.strings.unicode_decode(rt_in, "UTF-8"),
        tf.strings.unicode_decode("x\u00e9", "UTF-8"),
        tf.strings.unicode_decode_with_offsets(s_, "UTF-8"),
        tf.strings.unicode_decode_with_offsets(bad, "UTF-8"),
        tf.strings.unicode_split(s_, "UTF-8"), tf.strings.unicode_split(m, "UTF-8"),
        tf.strings.unicode_split_with_offsets(s_, "UTF-8"),
        tf.strings.unicode_decode(tf.strings.unicode_transcode(s_, "UTF-8", "UTF-16-BE"),
                                  "UTF-16-BE"),
        tf.strings.unicode_decode(tf.constant([b"\xe9t\xe9"]), "ISO-8859-1"),
        tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [], [8364, 128512]]), "UTF-8"),
        tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [-1, 0x110000, 55296]]),
                                  "UTF-16-BE"),
        tf.strings.unicode_encode(tf.ragged.constant([[104, -5]]), "UTF-8", errors="ignore"),
        tf.strings.unicode_encode(tf.ragged.constant([[104, -5]]), "UTF-32-BE",
                                  replacement_char=63),
        tf.strings.unicode_encode([[104, 105], [106, 107]], "UTF-8"),
        tf.strings.unicode_encode([104, 105], "UTF-8"),
        tf.strings.unicode_encode(tf.ragged.constant([[[104], [105, 106]], [[107]]]), "UTF-8")]
def shp(o):
    if isinstance(o, tuple): return [shp(x) for x in o]
    return [str(o.shape), o.dtype.name]
info = [shp(o) for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
    errs = [attempt(lambda: s.run(tf.strings.unicode_decode(bad, "UTF-8", errors="strict"))),
            attempt(lambda: s.run(tf.strings.unicode_decode(s_, "NOPE"))),
            attempt(lambda: s.run(tf.strings.unicode_encode(tf.ragged.constant([[-1]]), "UTF-8",
                                                            errors="strict"))),
            attempt(lambda: tf.strings.unicode_encode(tf.ragged.constant([[1]]), "UTF-7")),
            attempt(lambda: tf.strings.unicode_decode(s_, "UTF-8", errors="bad")),
            attempt(lambda: tf.strings.unicode_encode(5, "UTF-8")),
            attempt(lambda: s.run(tf.strings.unicode_decode(s_, "UTF-8", replacement_char=-3)))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_unicode_ops_match_tf(oracle):
    same_as_tf(oracle, UNICODE)
