"""Sharing that did not happen: planted variable / layer / RNN-cell duplicates are found at their
line; stacked layers, heads on one input, reused scopes and one cell per scope are silent."""

import textwrap

import pytest

from scopeflow import insight


def _lint(tf, source, kind=None):
    """Findings (kind, line) of `source` built in a fresh graph (its file is 'planted.py')."""
    g = tf.Graph()
    with g.as_default():
        exec(compile(textwrap.dedent(source), "planted.py", "exec"), {"tf": tf})
    found = insight.lint(g)
    return [(f.kind, int(f.where.rsplit(":", 1)[1])) for f in found
            if kind is None or f.kind == kind]


SIAMESE_VARIABLE = """
def tower(x):
    w = tf.Variable(tf.ones([3, 2]), name="w")
    return tf.matmul(x, w)
left = tower(tf.placeholder(tf.float32, [None, 3]))
right = tower(tf.placeholder(tf.float32, [None, 3]))
"""


def test_variable_recreated_by_one_line(tf):
    assert _lint(tf, SIAMESE_VARIABLE) == [("variable-recreated", 3)]
    g = tf.Graph()
    with g.as_default():
        exec(SIAMESE_VARIABLE, {"tf": tf})
    (f,) = insight.lint(g)
    assert "'w', 'w_1'" in f.message and "reuse=tf.AUTO_REUSE" in f.fix


@pytest.mark.parametrize("source", [
    # a stack: each copy feeds the next
    """
    def layer(x):
        return tf.matmul(x, tf.Variable(tf.ones([3, 3])))
    h = tf.placeholder(tf.float32, [None, 3])
    for _ in range(3):
        h = layer(h)
    """,
    # heads on one input
    """
    x = tf.placeholder(tf.float32, [None, 3])
    heads = [tf.matmul(x, tf.Variable(tf.ones([3, 2]))) for _ in range(4)]
    """,
    # the Deep MNIST tutorial's helper: one line, different shapes
    """
    def weight_variable(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1))
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.matmul(tf.matmul(x, weight_variable([4, 8])), weight_variable([8, 2]))
    """,
    # copies computing on constants only (benchmarks/build.py's blocks)
    """
    for i in range(3):
        with tf.name_scope("block"):
            v = tf.Variable(tf.ones([2, 2]), name="v")
            h = tf.matmul(tf.ones([2, 2]) * float(i), v)
    """,
])
def test_variables_made_apart_on_purpose_are_silent(tf, source):
    assert _lint(tf, source) == []


SIAMESE_LAYERS = """
def tower(x):
    h = tf.layers.dense(x, 4)
    return tf.layers.dense(h, 2)
left = tower(tf.placeholder(tf.float32, [None, 3]))
right = tower(tf.placeholder(tf.float32, [None, 3]))
"""
SUBSCOPE_TWICE = """
def block(x):
    with tf.variable_scope(None, default_name="block"):
        w = tf.get_variable("w", [3, 3])
        return tf.matmul(x, w)
a = block(tf.placeholder(tf.float32, [None, 3]))
b = block(tf.placeholder(tf.float32, [None, 3]))
"""


def test_layers_duplicated_by_one_line(tf):
    assert _lint(tf, SIAMESE_LAYERS) == [("layer-duplicated", 3), ("layer-duplicated", 4)]
    assert _lint(tf, SUBSCOPE_TWICE) == [("layer-duplicated", 4)]
    g = tf.Graph()
    with g.as_default():
        exec(SIAMESE_LAYERS, {"tf": tf})
    first = insight.lint(g)[0]
    assert "'dense', 'dense_2'" in first.message and "reuse=tf.AUTO_REUSE" in first.fix


@pytest.mark.parametrize("source", [
    SIAMESE_LAYERS.replace("left =", "tower = tf.make_template('tower', tower)\nleft ="),
    """
    def tower(x):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(tf.layers.dense(x, 4), 2, name="out")
    left = tower(tf.placeholder(tf.float32, [None, 3]))
    right = tower(tf.placeholder(tf.float32, [None, 3]))
    """,
    """
    h = tf.placeholder(tf.float32, [None, 3])
    for _ in range(3):
        h = tf.layers.dense(h, 3)
    """,
    """
    x = tf.placeholder(tf.float32, [None, 3])
    heads = [tf.layers.dense(x, 2) for _ in range(3)]
    """,
    # towers the user numbered: separate weights chosen by name
    """
    outs = []
    for i in range(3):
        with tf.variable_scope("tower_%d" % i):
            outs.append(tf.layers.dense(tf.placeholder(tf.float32, [None, 3]), 2))
    """,
])
def test_layers_shared_or_stacked_are_silent(tf, source):
    assert _lint(tf, source) == []


BIDIRECTIONAL_ONE_CELL = """
cell = tf.nn.rnn_cell.LSTMCell(4)
x = tf.placeholder(tf.float32, [2, 3, 5])
out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)
"""
TWO_SCOPES = """
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
x = tf.placeholder(tf.float32, [2, 3, 5])
with tf.variable_scope("encoder"):
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
with tf.variable_scope("decoder"):
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
"""


def test_rnn_cell_used_under_two_scopes(tf):
    assert _lint(tf, BIDIRECTIONAL_ONE_CELL) == [("rnn-cell-two-scopes", 4)]
    assert _lint(tf, TWO_SCOPES) == [("rnn-cell-two-scopes", 7)]
    g = tf.Graph()
    with g.as_default():
        exec(TWO_SCOPES, {"tf": tf})
    (f,) = insight.lint(g)
    assert "'encoder/rnn'" in f.message and "'decoder/rnn'" in f.message
    assert "one cell object per" in f.fix


def test_one_cell_per_scope_is_silent(tf):
    assert _lint(tf, """
    fw, bw = tf.nn.rnn_cell.LSTMCell(4), tf.nn.rnn_cell.LSTMCell(4)
    x = tf.placeholder(tf.float32, [2, 3, 5])
    tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)
    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3) for _ in range(2)])
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.DropoutWrapper(stack), x, dtype=tf.float32, scope="deep")
    cell = tf.nn.rnn_cell.BasicRNNCell(3)
    tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)  # again, scope 'rnn' 
    """) == []
