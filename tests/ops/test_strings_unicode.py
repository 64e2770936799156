"""tf.strings.unicode_transcode against real TF: UTF-8 / UTF-16-BE / UTF-32-BE in and out,
each errors policy on ill-formed input (maximal subparts replaced, dropped, or TF's error),
replacement characters, control characters, other input encodings, attr and type errors.
tf.strings.unicode_script: the script code of every code point, dense and ragged, names,
shapes and type errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
x = tf.placeholder(tf.string, [None], name="x")
data = [b"abc", "h\u00e9llo \u20ac\U0001F600".encode(), b"bad\xff\xfeok", b"\x00\x01ctl\x7f",
        b"", b"\xc3", b"\xed\xa0\x80z", b"\xf0\x9f\x98", b"\t\n\x1f \x80"]
u16 = [s.encode("utf-16-be") for s in ["hi\u00e9", "\U0001F600x"]] + [b"\xd8\x00a", b"\xdc\x00"]
u32 = [b"\x00\x11\x00\x00", b"\x00\x00\xd8\x00", b"\x00\x00\x00a\x00"]
def run(t, feed):
    with tf.Session() as s:
        return err(lambda: [v.hex() for v in s.run(t, feed)])
"""

SNIPPETS = {
    "values": """
result = []
for enc in ("UTF-8", "UTF-16-BE", "UTF-32-BE"):
    for errors in ("replace", "ignore", "strict"):
        result.append(run(tf.strings.unicode_transcode(x, "UTF-8", enc, errors=errors),
                          {x: data}))
result += [run(tf.strings.unicode_transcode(x, "UTF-8", "UTF-8",
                                            replace_control_characters=True), {x: data}),
           run(tf.strings.unicode_transcode(x, "UTF-8", "UTF-16-BE", replacement_char=63),
               {x: data}),
           run(tf.strings.unicode_transcode(x, "UTF-8", "UTF-8", replacement_char=0), {x: data}),
           run(tf.strings.unicode_transcode(x, "UTF-8", "UTF-8", replacement_char=0xD800),
               {x: data}),
           run(tf.strings.unicode_transcode(x, "UTF-16-BE", "UTF-8"), {x: u16}),
           run(tf.strings.unicode_transcode(x, "UTF-16-BE", "UTF-8", errors="strict"), {x: u16}),
           run(tf.strings.unicode_transcode(x, "UTF-32-BE", "UTF-8"), {x: u32}),
           run(tf.strings.unicode_transcode(x, "ISO-8859-1", "UTF-8"), {x: [b"ab\\xe9"]})]
""",
    "errors": """
t = tf.strings.unicode_transcode(tf.zeros([2, 3], tf.string), "UTF-8", "UTF-8", name="tc")
result = [t.name, t.shape.as_list(), [t.op.type, sorted(t.op.node_def.attr)],
          run(tf.strings.unicode_transcode(x, "bogus", "UTF-8"), {x: [b"a"]}),
          run(tf.strings.unicode_transcode(x, "UTF-8", "UTF-8", replacement_char=0x110000),
              {x: [b"a"]}),
          err(lambda: tf.strings.unicode_transcode(x, "UTF-8", "latin1")),
          err(lambda: tf.strings.unicode_transcode(x, "UTF-8", "UTF-8", errors="foo")),
          err(lambda: tf.strings.unicode_transcode(tf.constant(1), "UTF-8", "UTF-8"))]
""",
    # every code point's script: the ranges of equal codes (start, code), as TF's ICU gives
    "script": """
p = tf.placeholder(tf.int32, [None])
every = np.arange(-3, 0x110003, dtype=np.int32)
with tf.Session() as s:
    v = s.run(tf.strings.unicode_script(p), {p: every})
starts = [0] + (np.nonzero(np.diff(v))[0] + 1).tolist()
r = tf.ragged.constant([[65, 0x3042], [0x0410]])
a, b = tf.strings.unicode_script(r), tf.strings.unicode_script(r, name="us")
c = tf.strings.unicode_script([[65, 1575, -3], [0x110000, 0x1F600, 0xE0001]], name="x")
d = tf.strings.unicode_script(tf.strings.unicode_decode(["h\u00e9llo", "\u041f\u0440"], "UTF-8"))
with tf.Session() as s:
    values = [s.run(a).to_list(), s.run(c).tolist(), s.run(d).to_list()]
result = [[[int(every[i]), int(v[i])] for i in starts], values,
          [a.flat_values.name, b.flat_values.name, c.name, c.shape.as_list(), d.flat_values.name,
           tf.strings.unicode_script(7).shape.as_list()],
          err(lambda: tf.strings.unicode_script(tf.constant([1.0]))),
          err(lambda: tf.strings.unicode_script(tf.constant([1], tf.int64)))]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_unicode_transcode_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)
