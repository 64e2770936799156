"""Session.run fetches and feeds of composite values (session_fetch.py) against TF."""

import pytest
from oracle import explain, run_here, same

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
