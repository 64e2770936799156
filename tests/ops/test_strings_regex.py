"""regex_replace / regex_full_match, reduce_join and unsorted_segment_join vs TF
(ops/strings_regex.py)."""

import random

import pytest
from array_oracle import check_graph, check_values
from oracle import fed_cases_match, run_here

GRAPHS = [
    "s = tf.constant([['a', 'b'], ['c', 'd']]); a = tf.strings.reduce_join(s); "
    "b = tf.reduce_join(s, [0, -1], separator='.'); "
    "c = tf.strings.reduce_join(s, axis=1, name='myjoin'); "
    "d = tf.strings.reduce_join(s, axis=0, keepdims=True); "
    "e = tf.strings.regex_replace(s, 'a', 'b', name='rr'); "
    "f = tf.regex_replace(s, tf.constant('a'), tf.constant('b'), replace_global=False); "
    "g = tf.strings.regex_full_match(s, '[a-c]'); h = tf.strings.regex_full_match(s, "
    "tf.constant('a')); i = tf.strings.unsorted_segment_join(s, [1, 0], 3, separator=':')",
    "tf.strings.reduce_join(tf.constant([['a']]), axis=2)",
    "tf.strings.reduce_join(tf.constant([['a']]), axis=[0, 0])",
    "tf.strings.reduce_join(tf.constant('abc'))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "s = tf.constant([['Hello World', 'x1y22'], ['a.b', 'aaa']]); "
    "fetch = [tf.strings.regex_replace(s, '[0-9]+', '#'), "
    "tf.strings.regex_replace(s, 'l', 'L', replace_global=False), "
    "tf.strings.regex_replace(s, '(o)', r'<\\1\\0>'), tf.strings.regex_replace(s, 'a*', '-'), "
    "tf.strings.regex_replace(['Ab', ''], 'a*', '-'), "
    "tf.strings.regex_replace(s, r'\\.', r'\\\\'), "
    "tf.strings.regex_replace(['a\\u00e9 b'], r'\\w', 'W'), "
    "tf.strings.regex_replace(s, '(b)', r'\\2'), tf.strings.regex_replace(s, 'b', r'x\\y'), "
    "tf.strings.regex_replace(s, 'b', r'x\\y', replace_global=False), "
    "tf.strings.regex_replace(s, 'b', '$0'), tf.strings.regex_full_match(s, '(?i)[a-z. ]+'), "
    "tf.strings.regex_full_match(s, '.*2'), tf.strings.regex_replace(s, '^', '>'), "
    "tf.strings.regex_replace(s, '$', '<'), tf.strings.regex_replace(s, r'\\b', '|')]",
    "s = tf.constant([['a', 'b', 'c'], ['d', 'e', 'f']]); "
    "fetch = [tf.strings.reduce_join(s), tf.strings.reduce_join(s, axis=[1, 0], separator='.'), "
    "tf.strings.reduce_join(s, axis=[0, 1], separator='.'), "
    "tf.strings.reduce_join(s, axis=-1, keep_dims=True), tf.strings.reduce_join(s, axis=[]), "
    "tf.strings.reduce_join(tf.zeros([2, 0], tf.string), axis=1), "
    "tf.strings.reduce_join(tf.zeros([2, 0], tf.string), axis=0, keepdims=True), "
    "tf.strings.unsorted_segment_join(s, [1, 1], 3, separator='-'), "
    "tf.strings.unsorted_segment_join(['x', 'y', 'z'], [2, 0, 2], 4)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


ERRORS = """
out = []
for pattern in PATTERNS:
    try:
        with tf.Session() as sess:
            out.append(sess.run(tf.strings.regex_full_match(['a'], pattern)).tolist())
    except tf.errors.InvalidArgumentError as e:
        out.append(e.message.split('Node:')[-1].split('\\n')[1])
for make in [lambda: tf.strings.unsorted_segment_join(['a', 'b'], [0, 5], 2),
             lambda: tf.strings.unsorted_segment_join(['a', 'b'], [0, -1], 2),
             lambda: tf.strings.reduce_join([['a']], axis=tf.constant([0, 0]))]:
    try:
        with tf.Session() as sess:
            out.append(sess.run(make()).tolist())
    except tf.errors.InvalidArgumentError as e:
        out.append(e.message.split('Node:')[-1].split('\\n')[1])
result = out
"""


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    """Bad patterns in RE2's words (missing and unexpected parens, classes, repetitions,
    lookaround), bad segment ids and duplicate axes."""
    patterns = ["x(a", "a)", "x[ab", "*a", "a**", "ab\\\\", "a{2,1}", "(?P<n>a)", "a(?=b)",
                "a(?!b)", "[z-a]", "a|b"]
    code = "PATTERNS = %r\n" % patterns + ERRORS
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there


REPLACE = """
p = tf.placeholder(tf.string, [None])
outs = [tf.strings.regex_replace(p, pat, rw, replace_global=g) for pat, rw, g in RULES]
with tf.Session() as sess:
    result = [sess.run(o, {p: TEXTS}).tolist() for o in outs]
"""


@pytest.mark.oracle
def test_replacements_of_random_text_match_tf(oracle):
    """RE2's replacement rules (empty matches next to matches, anchors, groups) on 60 random
    texts over a small alphabet."""
    rnd = random.Random(11)
    texts = ["".join(rnd.choice("ab .1") for _ in range(rnd.randint(0, 9))) for _ in range(60)]
    rules = [("a*", "-", True), ("a*", "-", False), ("b+|", "<\\0>", True),
             ("(a)(b)?", "\\2\\1", True), ("\\s*", "_", True), ("^|$", "!", True),
             ("[0-9]", "", True), ("(.)\\.", "\\1", True)]
    code = "TEXTS = %r\nRULES = %r\n" % (texts, rules) + REPLACE
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", [
    ("p = tf.placeholder(tf.int32, None); out = tf.reduce_join([['a', 'b']], p)",
     [2, -3, [0, 0], [1, 0], -1]),
    ("p = tf.placeholder(tf.string, None); out = tf.reduce_join(p, 1)", [["a", "b"], [["a"]]]),
])
def test_reduce_join_fed_axes_fail_as_tf(oracle, code, values):
    # an axis out of range: TF's OutOfRangeError, not an InvalidArgumentError
    fed_cases_match(oracle, code, values)
