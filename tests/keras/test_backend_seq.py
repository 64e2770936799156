"""tf.keras.backend's cumsum, cumprod, reverse, repeat, in_top_k, temporal / spatial
padding, truncated_normal (seeded), map_fn, foldl, foldr and print_tensor against TF: output
names, shapes, dtypes and values."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
K = tf.keras.backend
x = tf.placeholder(tf.float32, [None, 3], name='x'); s = tf.placeholder(tf.float32, [None, 2, 3], name='s')
im = tf.placeholder(tf.float32, [None, 2, 3, 2], name='im'); vol = tf.placeholder(tf.float32, [None, 1, 2, 2, 2], name='vol')
t = tf.placeholder(tf.int32, [None], name='t')
outs = [K.cumsum(x, 1), K.cumprod(x, 1), K.cumsum(x), K.reverse(x, 1), K.reverse(s, [1, 2]), K.repeat(x, 4),
        K.in_top_k(x, t, 2), K.temporal_padding(s), K.temporal_padding(s, (0, 2)),
        K.spatial_2d_padding(im), K.spatial_2d_padding(im, ((0, 1), (2, 0)), 'channels_first'),
        K.spatial_3d_padding(vol), K.truncated_normal([2, 3], seed=3, stddev=2.0),
        K.map_fn(lambda r: r * 2.0, x), K.foldl(lambda a, r: a + r, x), K.foldr(lambda a, r: a * 0.5 + r, x),
        K.print_tensor(x, 'x=')]
rng = np.random.RandomState(0)
feed = {x: rng.rand(2, 3), s: rng.rand(2, 2, 3), im: rng.rand(1, 2, 3, 2), vol: rng.rand(1, 1, 2, 2, 2), t: [0, 2]}
with tf.Session() as sess:
    values = sess.run(outs, feed)
result = [[o.name for o in outs], [o.shape.as_list() for o in outs], [o.dtype.name for o in outs], values]
"""


@pytest.mark.oracle
def test_backend_functions_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
