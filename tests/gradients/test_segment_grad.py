"""Graph gradients of the segment reductions (gradients/segment_grad.py, and SegmentSum's):
op names, types and inputs under gradients/ and values against TF in float32 and float64, with
shapes known and known only when run (placeholder_with_default), ties in max / min, one and
several zeros in a product's segment, negative ids, empty segments, and ids of rank 2."""

import pytest
from approx import check_grad_graph

PROGRAM = """
def build(dt):
    x0 = tf.constant([[1., -2., 3.], [0., 5., 3.], [3., 5., -1.], [0., 0., 2.], [4., 0., 1.]], dt)
    x = tf.placeholder_with_default(x0, [None, 3])
    ids = tf.placeholder_with_default(tf.constant([0, 0, 1, 3, 3], tf.int64), [None])
    u = tf.placeholder_with_default(tf.constant([2, -1, 2, 0, 2]), [None])
    v = tf.constant(np.arange(24.).reshape(2, 3, 4) % 5 - 2., dt)
    w = tf.constant([[1, -1, 0], [0, 1, 1]])
    ys = [tf.math.segment_sum(x, ids), tf.math.segment_mean(x, ids), tf.math.segment_max(x, ids),
          tf.math.segment_min(x, ids), tf.math.segment_prod(x, ids),
          tf.math.unsorted_segment_sum(x, u, 4), tf.math.unsorted_segment_max(x, u, 4),
          tf.math.unsorted_segment_min(x, u, 4), tf.math.unsorted_segment_prod(x, u, 4),
          tf.math.unsorted_segment_max(v, w, 3), tf.math.unsorted_segment_prod(v, w, 2),
          tf.math.unsorted_segment_sum(v, w, 3), tf.math.unsorted_segment_min(v, w, 2),
          tf.math.segment_mean(x0[:, 0], [0, 1, 1, 1, 2]),
          tf.math.segment_max(x0, [0, 0, 1, 1, 1]), tf.math.segment_min(x0, [0, 0, 0, 1, 1]),
          tf.math.segment_prod(x0[:, 1], [0, 1, 1, 1, 1]), tf.math.segment_prod(x0, [0, 0, 1, 1, 2])]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [x0, v]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_segment_reduction_gradients_match_tf(oracle):
    check_grad_graph(oracle, PROGRAM)
