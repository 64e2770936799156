"""as_string, strings.join / string_join, strings.length vs TF."""

import pytest

from array_oracle import check_graph, check_values
from oracle import fed_cases_match

GRAPHS = [
    "a = tf.as_string(tf.constant([1.5, 2.])); "
    "b = tf.strings.join([tf.constant('a'), 'b'], separator='-'); "
    "c = tf.string_join(['x', tf.constant(['y', 'z'])]); d = tf.strings.length(tf.constant(["
    "'ab', 'c'])); e = tf.as_string(tf.constant([1, 2]), width=3, fill='0'); "
    "f = tf.as_string(tf.constant(3.14159), precision=2)",
    "tf.as_string(tf.constant('a'))",
    "tf.string_join([tf.constant(['a', 'b']), tf.constant(['a', 'b', 'c'])])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "x = tf.constant(['ab', 'c']); fetch = [tf.as_string(tf.constant([1.5, 2.])), "
    "tf.strings.join([x, 'b'], separator='-'), tf.strings.length(x), "
    "tf.as_string(tf.constant([1, 2]), width=3, fill='0'), "
    "tf.as_string(tf.constant(3.14159), precision=2), tf.as_string(tf.constant([True])), "
    "tf.as_string(tf.constant(1e10)), tf.as_string(tf.constant(1.5), scientific=True), "
    "tf.as_string(tf.constant(0.25), shortest=True), "
    "tf.strings.length(tf.constant('h\\u00e9llo'), unit='UTF8_CHAR'), "
    "tf.strings.length(tf.constant('h\\u00e9llo'))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


FED = [  # bad fed values: TF's errors, where a value came back
    ("p = tf.placeholder(tf.int32, []); out = tf.substr(['hello', 'ab'], p, 1)",
     [6, -6, 3, -2, 2, -3, 0]),
    ("p = tf.placeholder(tf.int32, []); out = tf.substr(['hello', 'ab'], 1, p)", [-1, 9, 0]),
    ("p = tf.placeholder(tf.int32, [2]); out = tf.substr(['hello', 'ab'], p, [1, 1])",
     [[1, 3], [1, -3], [-1, 0]]),
    ("p = tf.placeholder(tf.int32, [None]); out = tf.substr(['hello', 'ab'], p, [1, 1])", [[1]]),
    ("p = tf.placeholder(tf.int32, [None, None]); out = tf.substr([['hello', 'ab']], p, 1)",
     [[[1]]]),
    ("p = tf.placeholder(tf.int32, [2, 1]); out = tf.substr([['hello', 'ab']], p, [[1], [1]])",
     [[[1], [3]], [[0], [1]]]),
    ("p = tf.placeholder(tf.int32, []); "
     "out = tf.strings.substr(['h\\xe9llo'], p, 2, unit='UTF8_CHAR')", [-2, 5, 6, -6, 1]),
    ("p = tf.placeholder(tf.int32, []); "
     "out = tf.strings.substr(['h\\xe9llo'], 1, p, unit='UTF8_CHAR')", [-1, 3]),
    ("p = tf.placeholder(tf.float32, []); out = tf.stack([tf.as_string(p, fill='ab'), "
     "tf.as_string(p, scientific=True, shortest=True), tf.as_string(p, fill='x'), "
     "tf.as_string(p, width=4, fill='-')])", [1.5]),
    ("p = tf.placeholder(tf.int32, []); out = tf.stack([tf.as_string(p, precision=2)])", [1]),
    ("p = tf.placeholder(tf.int64, []); out = tf.as_string(p, shortest=True)", [1]),
    ("p = tf.placeholder(tf.bool, []); out = tf.as_string(p, scientific=True)", [True]),
    ("p = tf.placeholder(tf.string, [None]); out = tf.string_join([['a', 'b'], p, 'x'])",
     [["c", "d"], ["a", "b", "c"], ["c"]]),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", FED)
def test_fed_values_match_tf(oracle, code, values):
    fed_cases_match(oracle, code, values)
