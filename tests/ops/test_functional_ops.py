"""tf.map_fn, tf.scan, tf.foldl, tf.foldr: TF's while_loop-with-TensorArrays graphs and values."""

import pytest

from array_oracle import check_graph, check_values

GRAPHS = [
    "x = tf.constant([[1, 2], [3, 4], [5, 6]]); r = tf.map_fn(lambda r: tf.reduce_sum(r), x); "
    "result = [r.name, r.shape.as_list()]",
    "x = tf.constant([[1, 2], [3, 4], [5, 6]]); r = tf.map_fn(lambda r: tf.cast(r, tf.float32) "
    "* 0.5, x, dtype=tf.float32); result = [r.name, r.shape.as_list()]",
    "x = tf.placeholder(tf.float32, [None, 2]); r = tf.map_fn(lambda r: (r[0] * 2., r[1][0]), "
    "(x, x), dtype=(tf.float32, tf.float32)); result = [t.shape.as_list() for t in r]",
    "x = tf.constant([1., 2., 3.]); r = tf.scan(lambda a, x: a + x, x); result = r.name",
    "x = tf.constant([1., 2., 3.]); r = tf.scan(lambda a, x: a * x, x, initializer=1., "
    "reverse=True); result = r.name",
    "x = tf.constant([1., 2., 3.]); r = tf.foldl(lambda a, x: a + x, x); result = r.name",
    "x = tf.constant([1., 2., 3.]); r = tf.foldr(lambda a, x: a + x, x, initializer=0.); "
    "result = r.name",
    "x = tf.placeholder(tf.float32, [None]); r = tf.foldr(lambda a, x: a - x, x); "
    "result = r.name",
    "r = tf.map_fn(lambda r: r, tf.constant(1))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "x = tf.constant([[1, 2], [3, 4], [5, 6]]); fetch = [tf.map_fn(lambda r: tf.reduce_sum(r), "
    "x), tf.map_fn(lambda r: tf.cast(r, tf.float32) * 0.5, x, dtype=tf.float32)]",
    "x = tf.placeholder(tf.float32, [None, 2]); fetch = tf.map_fn(lambda r: (r[0] * 2., "
    "r[1][0]), (x, x), dtype=(tf.float32, tf.float32)); feed = {x: [[1., 2.], [3., 4.]]}",
    "x = tf.constant([1., 2., 3.]); fetch = [tf.scan(lambda a, x: a + x, x), "
    "tf.scan(lambda a, x: a * x, x, initializer=1., reverse=True), "
    "tf.foldl(lambda a, x: a - x, x), tf.foldr(lambda a, x: a - x, x, initializer=0.)]",
    "x = tf.placeholder(tf.float32, [None]); fetch = [tf.foldr(lambda a, x: a - x, x), "
    "tf.scan(lambda a, x: (a[0] + x, a[1] * x), x, initializer=(0., 1.))]; "
    "feed = {x: [1., 2., 3., 4.]}",
    # gradients through the loops
    "x = tf.placeholder(tf.float32, [3, 2]); w = tf.constant([[1., 2.], [3., 4.]]); "
    "y = tf.map_fn(lambda r: tf.tanh(tf.reduce_sum(r * w[0]) + r[1]), x); "
    "fetch = tf.gradients(tf.reduce_sum(y * y), x); feed = {x: [[1., 2.], [.5, .1], [0., 3.]]}",
    "x = tf.placeholder(tf.float32, [4]); y = tf.scan(lambda a, x: a * x + 1., x); "
    "fetch = tf.gradients(tf.reduce_sum(y), x) + tf.gradients(tf.foldl(lambda a, x: a * x, x), "
    "x); feed = {x: [1., 2., 3., 4.]}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)
