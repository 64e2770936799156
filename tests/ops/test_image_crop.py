"""tf.image.crop_and_resize against TF: CropAndResize values bit for bit (bilinear and nearest,
boxes inside, across and outside the image, flipped, crop sizes of 1), its gradients
(CropAndResizeGradImage, CropAndResizeGradBoxes), the graph op by op, shape and run-time
errors."""

import numpy as np
import pytest
from math_oracle import check_all_ops, check_outputs
from oracle import run_here

SETUP = """
import numpy as np
rs = np.random.RandomState(0)
a = (rs.rand(3, 5, 7, 2) * 255).astype(np.float32)
bx = np.concatenate([rs.rand(6, 4), [[0.1, 0.2, 0.9, 0.8], [0.9, 0.8, 0.1, 0.3],
                                     [-0.5, -0.2, 1.3, 1.1], [0.5, 0.5, 0.5, 0.5],
                                     [1.2, 0.3, 1.5, 0.9], [0, 0, 1, 1]]]).astype(np.float32)
bi = np.array([0, 1, 2, 2, 1, 0, 0, 1, 2, 0, 1, 2], np.int32)
x = tf.placeholder(tf.float32, [3, 5, 7, 2]); b = tf.placeholder(tf.float32, [None, 4])
i = tf.placeholder(tf.int32, [None])
feed = {x: a, b: bx, i: bi}
"""

EXACT = SETUP + """
fs = []
for size in ([3, 4], [1, 1], [1, 5], [6, 1], [9, 11]):
    for method in ('bilinear', 'nearest'):
        for img in (x, tf.cast(x, tf.uint8), tf.cast(x, tf.float64)):
            fs.append(tf.image.crop_and_resize(img, b, i, size, method=method,
                                               extrapolation_value=-1.5))
with tf.Session() as s:
    vals = s.run(fs, feed)
result = [[str(v.dtype), list(v.shape), v.astype(np.float64).view(np.int64).tolist()]
          for v in vals]
"""

GRADS = SETUP + """
gs = []
for size in ([3, 4], [1, 1], [1, 5], [6, 1], [9, 11]):
    for method in ('bilinear', 'nearest'):
        y = tf.image.crop_and_resize(x, b, i, size, method=method)
        w = tf.constant(np.cos(np.arange(np.prod(y.shape.as_list()[1:]))).reshape(
            y.shape.as_list()[1:]).astype(np.float32))
        gs += tf.gradients(tf.reduce_sum(y * w), [x, b])
with tf.Session() as s:
    vals = s.run(gs, feed)
result = [[g.name, g.op.type, v.astype(np.float64).tolist()] for g, v in zip(gs, vals)]
"""

GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, 5, 7, 3]); b = tf.placeholder(tf.float32, [None, 4])\n"
    "i = tf.placeholder(tf.int32, [None])\n"
    "y = tf.image.crop_and_resize(x, b, i, [3, 4])\n"
    "r = [y] + tf.gradients(y, [x, b])",
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); b = tf.placeholder(tf.float32)\n"
    "y = tf.image.crop_and_resize(x, b, [0, 1], [3, 4], method='nearest',"
    " extrapolation_value=1.5, name='cr')\n"
    "r = [y] + tf.gradients(y, [x, b])",
    "x = tf.placeholder(tf.uint8, [2, 5, 7, 3]); b = tf.zeros([4, 4])\n"
    "y = tf.image.crop_and_resize(x, b, box_indices=tf.zeros([4], tf.int32), crop_size=[2, 2])\n"
    "r = [y] + tf.gradients(y, [x, b])",
    "x = tf.placeholder(tf.float64, [2, 5, 7, 3])\n"
    "r = tf.image.crop_and_resize(x, [[0, 0, 1, 1]], [1], tf.placeholder(tf.int32, [None]))\n"
    "r = [r] + tf.gradients(r, x)",
]

ERRORS = [
    "r = tf.image.crop_and_resize(tf.zeros([5, 7, 3]), tf.zeros([3, 4]), [0, 0, 0], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([3, 5]), [0, 0, 0], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([3, 4]), [0, 0], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([3]), [0, 0, 0], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [[0]], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], [3, 4, 5])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], [-3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], [0, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], 3)",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], [3, 4],"
    " method='bicubic')",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3], tf.bool), tf.zeros([1, 4]), [0], [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4], tf.float64), [0],"
    " [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]),"
    " tf.zeros([1], tf.int64), [3, 4])",
    "r = tf.image.crop_and_resize(tf.zeros([2, 5, 7, 3]), tf.zeros([1, 4]), [0], [3, 4],"
    " extrapolation_value='a')",
]

RUN_ERRORS = """
import numpy as np
x = tf.placeholder(tf.float32); b = tf.placeholder(tf.float32); i = tf.placeholder(tf.int32)
c = tf.placeholder(tf.int32)
y = tf.image.crop_and_resize(x, b, i, c)
ok = dict(x=np.zeros([2, 5, 7, 3]), b=np.zeros([3, 4]), i=[0, 1, 1], c=[3, 4])
cases = [dict(i=[0, 2, 1]), dict(i=[0, -1, 1]), dict(x=np.zeros([2, 0, 7, 3])), dict(c=[0, 4]),
         dict(c=[3, 4, 5]), dict(c=[[3, 4]]), dict(b=np.zeros([3, 5])), dict(b=np.zeros([2, 4])),
         dict(x=np.zeros([5, 7, 3])), dict(b=np.zeros([3])), dict(i=[[0, 1, 1]]),
         dict(x=np.zeros([0, 5, 7, 3])), dict(b=np.zeros([0, 4]), i=np.zeros([0], np.int32))]
out = []
with tf.Session() as s:
    for case in cases:
        d = dict(ok, **case)
        try:
            out.append(s.run(y, {x: d['x'], b: d['b'], i: d['i'], c: d['c']}).shape)
        except tf.errors.OpError as e:
            out.append([type(e).__name__, e.message.split('Node: ')[-1].split('\\n')[1]])
result = out
"""


def _same(code, oracle):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, (str(here)[:2000], str(there)[:2000])


@pytest.mark.oracle
def test_crop_and_resize_values_are_tf_bits(oracle):
    _same(EXACT, oracle)


@pytest.mark.oracle
def test_crop_and_resize_gradients_match_tf(oracle):
    # box gradients sum in TF's order; image gradients scatter-add in XLA's (rtol 1e-5)
    here, there = run_here(GRADS), oracle(GRADS)
    assert "ok" in there, there
    for a, b in zip(here["ok"], there["ok"]):
        assert a[:2] == b[:2]
        np.testing.assert_allclose(np.asarray(a[2]), np.asarray(b[2]), rtol=1e-5, atol=1e-4)


@pytest.mark.oracle
def test_crop_and_resize_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, GRAPHS)


@pytest.mark.oracle
def test_crop_and_resize_shape_errors_match_tf(oracle):
    check_outputs(oracle, ERRORS)


@pytest.mark.oracle
def test_crop_and_resize_run_time_errors_match_tf(oracle):
    _same(RUN_ERRORS, oracle)
