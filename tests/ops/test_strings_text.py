"""strings lower/upper/strip/to_number, hash buckets and base64 vs TF (ops/strings_text.py)."""

import random

import pytest
from array_oracle import check_graph, check_values
from oracle import run_here

GRAPHS = [
    "s = tf.constant([['Hello', ' a '], ['x1', 'b']]); "
    "a = tf.strings.lower(s); b = tf.strings.upper(s, encoding='utf-8', name='up'); "
    "c = tf.strings.strip(s); d = tf.string_strip(s); "
    "e = tf.strings.to_number(tf.constant(['1.5'])); "
    "f = tf.string_to_number(tf.constant(['1']), out_type=tf.int64); "
    "g = tf.strings.to_hash_bucket(s, 10); h = tf.string_to_hash_bucket_strong(s, 7, [3, 4]); "
    "i = tf.io.encode_base64(s, pad=True); j = tf.decode_base64(i); k = tf.encode_base64(s)",
    "tf.strings.to_number(tf.constant([1.0]))",
    "tf.strings.to_number(tf.constant(['1']), out_type=tf.int8)",
    "tf.strings.to_hash_bucket(tf.constant(['a']), 0)",
    "tf.strings.to_hash_bucket_fast(tf.constant(['a']), 0)",
    "tf.strings.to_hash_bucket_strong(tf.constant(['a']), -2, [1, 2])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "s = tf.constant([['Hello World', '  \\u00c4bC  '], ['x1y22', '\\t\\n a b \\r\\x0b\\x0c']]); "
    "fetch = [tf.strings.lower(s), tf.strings.upper(s), tf.strings.lower(s, encoding='utf-8'), "
    "tf.strings.upper(tf.constant(['stra\\u00dfe \\u01c6']), encoding='utf-8'), "
    "tf.strings.strip(s), tf.strings.to_hash_bucket(s, 10), "
    "tf.strings.to_hash_bucket_strong(s, 10, [1, 2]), "
    "tf.strings.to_hash_bucket_strong(['x'], 2 ** 62, [-1, 2 ** 63 - 1]), "
    "tf.io.encode_base64(s), tf.io.encode_base64(s, pad=True), "
    "tf.io.decode_base64(tf.io.encode_base64(s)), "
    "tf.io.decode_base64(['YQ==', 'YQ', 'YWJj', '']), "
    "tf.io.encode_base64(tf.io.decode_base64(['_-8', 'AB'])), "
    "tf.strings.length(tf.io.decode_base64(['_-8', 'AB']))]",
    "p = tf.placeholder(tf.string, [None]); feed = {p: ['12', ' -7 ', '+3']}; "
    "fetch = [tf.strings.to_number(p), tf.strings.to_number(p, tf.int32), "
    "tf.strings.to_number(p, tf.int64), tf.strings.to_number(p, tf.float64)]",
    "p = tf.placeholder(tf.string, [None]); feed = {p: ['4294967295', '+5', ' 7 ']}; "
    "fetch = [tf.strings.to_number(p, tf.uint32), tf.strings.to_number(p, tf.uint64)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code, rtol=0, atol=0)


def _numbers(seed, n=300):
    """Strings near and far from TF's number syntax: signs, spaces, exponents, hex,
    inf/nan spellings, junk, overflow (of every output type)."""
    rnd = random.Random(seed)
    parts = ["", "+", "-", " ", "\t", "0", "1", "9", "12", "2147483648", "99999999999999999999",
             ".", "e", "E", "+", "-", "x", "0x", "p", "f", "_", "inf", "Infinity", "nan", "NaN",
             "(1)", "1e39", "1e400", "1e-50", "3.4028236e38", ",", "a", "1",
             "4294967296", "18446744073709551615", "9223372036854775808"]
    return ["".join(rnd.choice(parts) for _ in range(rnd.randint(1, 4))) for _ in range(n)]


TO_NUMBER = """
out = []
p = tf.placeholder(tf.string, [1])
types = (tf.float32, tf.float64, tf.int32, tf.int64, tf.uint32, tf.uint64)
parsed = [tf.strings.to_number(p, out_type=ty) for ty in types]
with tf.Session() as sess:
    for s in STRINGS:
        row = []
        for ty, t in zip(types, parsed):
            try:
                v = sess.run(t, {p: [s]})[0]
                row.append(repr(float(v)) if ty.is_floating else int(v))
            except tf.errors.InvalidArgumentError as e:
                row.append(str(e).split("Node:")[-1].split("\\n")[1])
        out.append(row)
result = out
"""


@pytest.mark.oracle
def test_to_number_syntax_matches_tf(oracle):
    """Every value (float bits as repr) and every refusal (TF's message) of 150 strings made
    from the pieces of TF's number syntax, for the four output types."""
    code = "STRINGS = %r\n" % _numbers(3, 150) + TO_NUMBER
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there


HASHES = """
p = tf.placeholder(tf.string, [None])
with tf.Session() as sess:
    result = [sess.run(x, {p: STRINGS}).tolist() for x in (
        tf.strings.to_hash_bucket(p, 2 ** 63 - 1), tf.strings.to_hash_bucket_fast(p, 1000003),
        tf.strings.to_hash_bucket_strong(p, 2 ** 63 - 1, [7, 2 ** 40 + 3]),
        tf.io.encode_base64(p), tf.io.encode_base64(p, pad=True))]
"""


@pytest.mark.oracle
def test_hashes_of_random_strings_match_tf(oracle):
    """Hash64, Fingerprint64 and SipHash buckets and base64 of 200 random strings of 0-80
    characters (every tail length of the 8-byte loops)."""
    rnd = random.Random(5)
    strings = ["".join(chr(rnd.randint(32, 126)) for _ in range(rnd.randint(0, 80)))
               for _ in range(200)]
    code = "STRINGS = %r\n" % strings + HASHES
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there


ERRORS = """
out = []
for make in [lambda: tf.strings.to_number(tf.constant(['abc'])),
             lambda: tf.strings.to_number(tf.constant(['99999999999']), tf.int32),
             lambda: tf.io.decode_base64(tf.constant(['a'])),
             lambda: tf.io.decode_base64(tf.constant(['YQ='])),
             lambda: tf.io.decode_base64(tf.constant(['YQ===abc'])),
             lambda: tf.strings.to_hash_bucket_strong(tf.constant(['a']), 3, [1]),
             lambda: tf.strings.lower(tf.constant(['A']), encoding='latin1')]:
    t = make()
    try:
        with tf.Session() as sess:
            sess.run(t)
        out.append('ok')
    except tf.errors.OpError as e:
        out.append([type(e).__name__, e.message.split('Node:')[-1]])
result = out
"""


@pytest.mark.oracle
def test_run_time_errors_match_tf(oracle):
    here, there = run_here(ERRORS), oracle(ERRORS)
    assert "ok" in there and here == there


def test_session_stays_usable_after_a_bad_string():
    code = ("p = tf.placeholder(tf.string, [None]); n = tf.strings.to_number(p)\n"
            "with tf.Session() as s:\n"
            "    try:\n        s.run(n, {p: ['x']})\n    except tf.errors.InvalidArgumentError:\n"
            "        pass\n"
            "    result = s.run(n, {p: ['2.5']}).tolist()\n")
    assert run_here(code) == {"ok": [2.5]}


def test_map_over_dataset_of_lines():
    """A text pipeline: lines split, cleaned and parsed inside Dataset.map."""
    code = ("ds = tf.data.Dataset.from_tensor_slices(['1, 2.5', ' 3,4 '])\n"
            "ds = ds.map(lambda l: tf.strings.to_number(tf.string_split([tf.strings.strip(l)],"
            " ',').values))\n"
            "it = ds.make_one_shot_iterator().get_next()\n"
            "with tf.Session() as s:\n    result = [s.run(it).tolist(), s.run(it).tolist()]\n")
    assert run_here(code) == {"ok": [[1.0, 2.5], [3.0, 4.0]]}
