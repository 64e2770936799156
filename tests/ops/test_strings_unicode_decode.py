"""UnicodeDecode / UnicodeDecodeWithOffsets / UnicodeEncode kernels on fed strings vs TF
(ops/strings_unicode_decode.py): host ops between compiled steps, values and run errors."""

import pytest
from oracle import ATTEMPT, run_here

FED = ATTEMPT + """
def shown(v):
    return v.to_list() if hasattr(v, "to_list") else v.tolist()
p = tf.placeholder(tf.string, [None])
cp, off = tf.strings.unicode_decode_with_offsets(p, "UTF-8")
chars = tf.strings.unicode_split(p, "UTF-8")
back = tf.strings.unicode_encode(cp, "UTF-8")
n = tf.reduce_sum(cp.row_lengths())
strict = tf.strings.unicode_decode(p, "UTF-8", errors="strict")
feed = {p: ["h\\u00e9".encode(), b"", b"a" + bytes([255]) + b"b"]}
with tf.Session() as s:
    vals = [shown(v) for v in s.run([cp, off, chars, back, n], feed)]
    vals.append(shown(s.run(cp, {p: ["xyz"]})))
    errs = [attempt(lambda: s.run(strict, feed))]
result = [[str(t.shape) for t in (cp, off, chars, back)], vals, errs,
          sorted([op.name, op.type] for op in tf.get_default_graph().get_operations())]
"""


@pytest.mark.oracle
def test_fed_unicode_ops_match_tf(oracle):
    here, there = run_here(FED), oracle(FED)
    assert "ok" in there and here == there
