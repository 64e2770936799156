"""as_string, strings.join / string_join, strings.length vs TF."""

import pytest

from array_oracle import check_graph, check_values

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
