"""GatherV2's gradient along any axis and with batch_dims (gradients/array_grad.py), as TF's
_GatherV2Grad builds it (transposes, batch offsets, UnsortedSegmentSum): the whole graph op for
op and the gradient values against TF, outside and inside a while loop (where an unsupported
gather once sent the whole tf.gradients call to the SymbolicGradient fallback)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ops"))
from array_oracle import check_graph  # noqa: E402

CASES = {
    "axis_1": """
p = tf.placeholder(tf.float32, [3, 5, 2])
y = tf.gather(p, [4, 0, 4], axis=1)
""",
    "axis_last_2d_indices": """
p = tf.placeholder(tf.float32, [2, 3, 4])
y = tf.gather(p, [[1, 3], [0, 0]], axis=-1)
""",
    "axis_fed": """
p = tf.placeholder(tf.float32, [3, 4])
a = tf.placeholder_with_default(1, [])
y = tf.gather(p, [2, 1], axis=a)
""",
    "batch_dims_1": """
p = tf.placeholder(tf.float32, [2, 5, 3])
y = tf.gather(p, [[4, 1], [0, 0]], axis=1, batch_dims=1)
""",
    "batch_dims_1_axis_2": """
p = tf.placeholder(tf.float32, [2, 3, 4])
y = tf.gather(p, [[3, 1], [0, 2]], axis=2, batch_dims=1)
""",
    "batch_dims_2": """
p = tf.placeholder(tf.float32, [2, 3, 4, 2])
y = tf.gather(p, [[[1], [0], [3]], [[2], [2], [0]]], axis=2, batch_dims=2)
""",
    "batch_dims_negative": """
p = tf.placeholder(tf.float32, [2, 5])
y = tf.gather(p, [[4, 1, 1], [0, 3, 2]], axis=1, batch_dims=-1)
""",
}

TAIL = """
import numpy as np
g = tf.gradients(tf.reduce_sum(tf.square(y) * 1.5), p)[0]
val = np.cos(np.arange(np.prod(p.shape.as_list()))).reshape(p.shape.as_list())
with tf.Session() as sess:
    result = np.round(sess.run(g, {p: val}), 5).tolist()
"""

IN_LOOPS = """
import numpy as np
x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
fns = [lambda v: tf.image.resize_bilinear(v, [9, 9]),
       lambda v: tf.gather(tf.reshape(v, [1, 6, 12]), [[4, 1]], axis=1, batch_dims=1)]
ss = []
for f in fns:
    ss.append(tf.while_loop(lambda i, s: i < tf.shape(x)[0],
                            lambda i, s: (i + 1, s + tf.reduce_sum(tf.square(f(x[i:i + 1])))),
                            (0, 0.))[1])
g = tf.gradients(ss[0] + ss[1], x)[0]
with tf.Session() as sess:
    result = np.round(sess.run(g, {x: np.cos(np.arange(144.)).reshape(2, 6, 6, 2)}), 4).tolist()
"""


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_gather_gradient_graph_and_values_as_tf(oracle, name):
    check_graph(oracle, CASES[name] + TAIL)


@pytest.mark.oracle
def test_gather_with_batch_dims_in_a_loop_beside_another_loop(oracle):
    # the gradient of both loops in one tf.gradients call: with the gather's gradient missing,
    # the call went to the SymbolicGradient fallback, which gave other values than TF's here
    check_graph(oracle, IN_LOOPS)
