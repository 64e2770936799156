"""Shape-like inputs given negative or bad constants (shapes, sizes, counts, axes, splits,
permutations): TF's error class and message at build time, or its static shape and kernel
error at run time. One table over the ops that read such values (audit of issue 8)."""

import pytest
from oracle import run_here

CASES = [
    'tf.reshape(f, [-2, 3])',
    'tf.reshape(f, [-3])',
    'tf.reshape(f, [4, -1])',
    'tf.broadcast_to(f, [-1, 3])',
    'tf.broadcast_to(f, [2, -3])',
    'tf.fill([-2, 3], 1.)',
    'tf.zeros([2, -5])',
    'tf.ones([-1])',
    'tf.one_hot([1, 2], -1)',
    'tf.one_hot([1, 2], -5)',
    'tf.scatter_nd([[0]], [1.], [-3])',
    'tf.sparse_to_dense([[0]], [-1], [1.])',
    'tf.sparse_to_dense([[0]], [-4], [1.])',
    'tf.unsorted_segment_sum(tf.ones([3]), [0, 1, 0], -1)',
    'tf.unsorted_segment_sum(tf.ones([3]), [0, 1, 0], -3)',
    'tf.unsorted_segment_max(tf.ones([3]), [0, 1, 0], -2)',
    'tf.linspace(0., 1., -1)',
    'tf.linspace(0., 1., 0)',
    'tf.image.resize_bilinear(img, [-2, 3])',
    'tf.image.resize_nearest_neighbor(img, [2, -5])',
    'tf.image.resize_bicubic(img, [-1, -1])',
    'tf.image.resize_area(img, [0, 2])',
    'tf.image.crop_and_resize(img, [[0., 0., 1., 1.]], [0], [-1, 2])',
    'tf.image.crop_and_resize(img, [[0., 0., 1., 1.]], [0], [0, 2])',
    'tf.multinomial(tf.ones([2, 3]), -1)',
    'tf.random.categorical(tf.ones([2, 3]), -2)',
    'tf.matrix_diag([1., 2.], num_rows=-2)',
    'tf.matrix_diag([1., 2.], num_cols=-5)',
    'tf.sequence_mask([1, 2], -1)',
    'tf.sequence_mask([1, 2], -3)',
    'tf.split(f, [-1, -1], axis=1)',
    'tf.split(f, [4, -1], axis=1)',
    'tf.split(f, [-2, 5], axis=1)',
    'tf.split(f, -1, axis=1)',
    'tf.random_uniform([-2, 3])',
    'tf.truncated_normal([2, -3])',
    'tf.tile(f, [-1, 2])',
    'tf.pad(f, [[-1, 0], [0, 0]])',
    'tf.slice(f, [0, 0], [-2, 1])',
    'tf.slice(f, [-1, 0], [1, 1])',
    'tf.range(-3)',
    'tf.eye(-1)',
    'tf.eye(2, -3)',
    'tf.image.extract_glimpse(img, [-1, 2], [[0., 0.]])',
    'tf.expand_dims(f, -4)',
    'tf.expand_dims(f, 3)',
    'tf.squeeze(tf.ones([1, 2]), [-3])',
    'tf.reduce_sum(f, -3)',
    'tf.transpose(f, [0, -1])',
    'tf.transpose(f, [1, 1])',
    'tf.zeros(tf.constant([-1, 2]))',
    'tf.math.bincount([1, 2], minlength=-1)',
    'tf.random.shuffle(f)',
    'tf.space_to_batch_nd(img, [-1, 2], [[0, 0], [0, 0]])',
    'tf.strided_slice(f, [0], [1], [0])',
    'tf.concat([f, f], -3)',
    'tf.gather(f, [0], axis=-3)',
    'tf.image.pad_to_bounding_box(img, -1, 0, 5, 5)',
    'tf.reverse(f, [-3])',
    'tf.nn.top_k(f, -1)',
    'tf.broadcast_to(1., [-1])',
    'tf.random_poisson(1., [-2])',
    'tf.random_gamma([-2], 1.)',
    'tf.stack([f, f], axis=-4)',
    'tf.unstack(f, axis=-3)',
    'tf.cumsum(f, axis=-3)',
    'tf.argmax(f, -3)',
    'tf.diag_part(tf.ones([2, 3, 4, 5]))',
    'tf.batch_to_space_nd(img, [-1, 1], [[0, 0], [0, 0]])',
    'tf.image.resize(img, [-2, 3])',
    'tf.image.resize_image_with_crop_or_pad(img, -1, 2)',
]

PROGRAM = r"""
import re
import numpy as np
CASES = __CASES__
result = []
for i, c in enumerate(CASES):
    with tf.Graph().as_default():
        f = tf.ones([2, 3]); img = tf.ones([1, 4, 4, 1])
        try:
            t = eval(c)
            t0 = t[0] if isinstance(t, (list, tuple)) else t
            t0 = getattr(t0, 'values', t0) if not hasattr(t0, 'shape') else t0
            out = "BUILT %s" % (t0.shape,)
            try:
                with tf.Session() as s:
                    v = s.run(t0); out += " RAN %s" % (np.shape(v),)
            except Exception as e:
                m = str(e)
                mm = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", m, re.S)
                out += " RUNERR %s %s" % (type(e).__name__, (mm.group(1) if mm else m)[:200].replace('\n', '|'))
        except Exception as e:
            out = "ERR %s %s" % (type(e).__name__, str(e).split(" for '{{node")[0][:200].replace('\n', '|'))
        result.append([c, out])
"""


@pytest.mark.oracle
def test_bad_shape_values_match_tf(oracle):
    code = PROGRAM.replace("__CASES__", repr(CASES))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    bad = [(a, b) for a, b in zip(here["ok"], there["ok"]) if a != b]
    assert not bad and len(here["ok"]) == len(CASES), bad
