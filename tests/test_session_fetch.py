"""Session.run fetches and feeds of composite values (session_fetch.py) against TF."""

import pytest
from oracle import ATTEMPT, explain, run_here, same, snippet_matches

_INDEXED_SLICES = """
import numpy as np
p = tf.Variable([[1., 2.], [3., 4.], [5., 6.]])
g = tf.gradients(tf.reduce_sum(tf.gather(p, [0, 2, 2]) * 3.0), p)[0]
v = tf.placeholder(tf.float32, [None, 2]); i = tf.placeholder(tf.int64, [None])
s2 = tf.IndexedSlices(v, i)
ds = tf.placeholder_with_default(tf.constant([4, 2], tf.int64), [2])
s3 = tf.IndexedSlices(v, i, ds)
def desc(r):
    return [type(r).__name__, list(r._fields),
            [None if x is None else [np.asarray(x).tolist(), str(np.asarray(x).dtype)] for x in r]]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run({'g': g, 'both': [g, g.indices]})
    fed2 = sess.run(s2, {s2: (np.ones((1, 2)), [3])})
    fed3 = sess.run([s3, tf.convert_to_tensor(s3)], {s3: (np.ones((2, 2)), [1, 3], [5, 2])})
    dense = sess.run(tf.convert_to_tensor(s3), {v: [[1., 2.]], i: [1]})
result = [desc(out['g']), desc(out['both'][0]), out['both'][1].tolist(), desc(fed2),
          desc(fed3[0]), fed3[1].tolist(), dense.tolist()]
"""


@pytest.mark.oracle
def test_indexed_slices_fetch_and_feed_as_tf(oracle):
    # A gradient of tf.gather is an IndexedSlices: Session.run returns an IndexedSlicesValue
    # (it raised TypeError); an IndexedSlices key is fed its (values, indices[, dense_shape]).
    here, there = run_here(_INDEXED_SLICES), oracle(_INDEXED_SLICES)
    assert same(here, there), explain(_INDEXED_SLICES, here, there)
    assert here["ok"][0][0] == "IndexedSlicesValue"


_STATE_TUPLE_FEED = """
import numpy as np
x = tf.placeholder(tf.float32, [1, 3, 2])
cell = tf.nn.rnn_cell.LSTMCell(4, initializer=tf.constant_initializer(0.1))
init = cell.zero_state(1, tf.float32)
out, final = tf.nn.dynamic_rnn(cell, x, initial_state=init)
xs = np.linspace(-1, 1, 6, dtype=np.float32).reshape(1, 3, 2)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    s1 = sess.run(final, {x: xs})
    o2, s2 = sess.run([out, final], {x: xs, init: s1})
    pair = sess.run(final.h, {(init.c, init.h): (s1.c, s1.h), x: xs})
result = [type(s1).__name__, s2.c.tolist(), o2.tolist(), pair.tolist()]
"""


@pytest.mark.oracle
def test_state_tuple_feed_key_as_tf(oracle):
    # MorvanZhou's 403_RNN_regression feeds {initial_state: final_state_value}: a namedtuple
    # key is flattened with its value like a plain tuple (it raised "Cannot interpret
    # feed_dict key as Tensor: Can not convert a LSTMStateTuple into a Tensor.")
    here, there = run_here(_STATE_TUPLE_FEED), oracle(_STATE_TUPLE_FEED)
    assert same(here, there), explain(_STATE_TUPLE_FEED, here, there)
    assert here["ok"][0] == "LSTMStateTuple"


# Session.run's feeds and fetches of bad kinds: TF's errors (and values where fine)
RUN_SETUP = ATTEMPT
RUN_CASES = [
    'p = tf.placeholder(tf.float32, [2])\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: [1.0, 2.0, 3.0]}))',
    'p = tf.placeholder(tf.float32, [None, 2])\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: [1.0, 2.0]}))',
    'p = tf.placeholder(tf.float32)\n'
     "with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 'abc'}))",
    'p = tf.placeholder(tf.int32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 1.7}))',
    'p = tf.placeholder(tf.int32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 2**40}))',
    'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: [[1.0], [1.0, 2.0]]}))',
    'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: None}))',
    'p = tf.placeholder(tf.float32)\n'
     'c = tf.constant(1.0)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: c}))',
    'g = tf.Graph()\n'
     'with g.as_default(): q = tf.placeholder(tf.float32)\n'
     'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 1.0, q: 2.0}))',
    'g = tf.Graph()\n'
     'with g.as_default(): q = tf.constant(1.0)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(q))',
    'with tf.Session() as s: result = attempt(lambda: s.run(None))',
    'with tf.Session() as s: result = attempt(lambda: s.run(3))',
    "with tf.Session() as s: result = attempt(lambda: s.run('nope:0'))",
    "c = tf.constant(1.0, name='c')\n"
     "with tf.Session() as s: result = attempt(lambda: s.run('c'))",
    "c = tf.constant(1.0, name='c')\n"
     "with tf.Session() as s: result = attempt(lambda: s.run('c:1'))",
    'c = tf.constant(1.0)\n'
     's = tf.Session(); s.close()\n'
     'result = attempt(lambda: s.run(c))',
    "p = tf.placeholder(tf.float32, name='pp')\n"
     'with tf.Session() as s: result = attempt(lambda: s.run(p + 1))',
    'c = tf.constant(1.0)\n'
     'd = c * 2\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(d, {c: 5.0}))',
    'c = tf.constant(1.0)\n'
     'd = c * 2\n'
     'tf.get_default_graph().prevent_feeding(c)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(d, {c: 5.0}))',
    'p = tf.placeholder(tf.float32)\n'
     "with tf.Session() as s: result = attempt(lambda: s.run(p, {'nope:0': 1.0}))",
    "p = tf.placeholder(tf.float32, name='pp')\n"
     "with tf.Session() as s: result = attempt(lambda: s.run(p, {'pp:0': 1.0}))",
    "v = tf.Variable(1.0, name='vv')\n"
     'with tf.Session() as s: result = attempt(lambda: s.run(v))',
    'c = tf.constant(1.0)\n'
     "with tf.Session() as s: result = attempt(lambda: s.run({'a': c, 'b': [c, c]}))",
    'c = tf.constant(1.0)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run((c, [c, (c,)])))',
    'p = tf.sparse_placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: [1.0]}))',
    'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: True}))',
    'p = tf.placeholder(tf.uint8)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: -1}))',
    'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: np.array([1,'
     " 'a'], dtype=object)}))",
    'p = tf.placeholder(tf.string)\n'
     "with tf.Session() as s: result = attempt(lambda: s.run(p, {p: ['a', b'b']}))",
    'p = tf.placeholder(tf.string)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 5}))',
    'c = tf.constant(1.0)\n'
     'op = tf.no_op()\n'
     'with tf.Session() as s: result = attempt(lambda: s.run([op, c]))',
    'c = tf.constant(1.0)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run([c, c]))',
    'p = tf.placeholder_with_default([1.0, 2.0], [2])\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: [1.0]}))',
    'p = tf.placeholder(tf.float32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p: 1e40}))',
    'p = tf.placeholder(tf.int32)\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(p, {p:'
     ' np.array([2**40], np.int64)}))',
    'p = tf.placeholder(tf.int32)\n'
     "with tf.Session() as s: result = attempt(lambda: s.run(p, {p: float('nan')}))",
    'g = tf.Graph()\n'
     'with g.as_default(): op = tf.no_op()\n'
     'with tf.Session() as s: result = attempt(lambda: s.run(op))',
]


@pytest.mark.parametrize("code", RUN_CASES)
def test_feeds_and_fetches_of_bad_kinds_fail_as_tf(oracle, code):
    snippet_matches(oracle, RUN_SETUP + code)
