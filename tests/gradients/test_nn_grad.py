"""Graph gradients of nn ops against TF: the ops TF's gradient functions add (names, types,
inputs) and their values."""

import numpy as np
import pytest
from oracle import run_here

# conv2d_transpose (Conv2DBackpropInput) and conv2d_backprop_filter, SAME and VALID, NHWC
CONV_BACKPROPS = """
rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal((2, 4, 4, 3)))
w = tf.constant(rng.standard_normal((3, 3, 5, 3)))
t_same = tf.nn.conv2d_transpose(x, w, [2, 8, 8, 5], [1, 2, 2, 1], "SAME")
t_valid = tf.nn.conv2d_transpose(x, w, [2, 9, 9, 5], [1, 2, 2, 1], "VALID")
img = tf.constant(rng.standard_normal((2, 6, 6, 3)))
dy = tf.constant(rng.standard_normal((2, 3, 3, 4)))
f = tf.nn.conv2d_backprop_filter(img, [2, 2, 3, 4], dy, [1, 2, 2, 1], "SAME")
loss = (tf.reduce_sum(tf.sin(t_same)) + tf.reduce_sum(tf.cos(t_valid))
        + tf.reduce_sum(tf.sin(f)))
grads = tf.gradients(loss, [x, w, img, dy])
ops = sorted([o.name, o.type, [i.name for i in o.inputs]]
             for o in tf.get_default_graph().get_operations()
             if o.name.startswith("gradients/conv2d_") and "Backprop" in o.name or
             o.type in ("Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput"))
with tf.Session() as s:
    values = [g.ravel().tolist() for g in s.run(grads)]
result = [ops, values]
"""


@pytest.mark.oracle
def test_conv_backprop_gradients_are_tfs(oracle):
    there = oracle(CONV_BACKPROPS)
    assert "ok" in there, there
    here = run_here(CONV_BACKPROPS)["ok"]
    assert here[0] == there["ok"][0]
    for h, t in zip(here[1], there["ok"][1]):
        np.testing.assert_allclose(h, t, rtol=1e-10, atol=1e-12)


# max_pool_with_argmax's gradient: MaxPoolGradWithArgmax, the output's gradient added where
# its argmax points (overlapping windows, ties, the batch in the index or not)
ARGMAX_POOL = """
rng = np.random.default_rng(1)
x = tf.constant(np.round(rng.standard_normal((2, 5, 5, 3)), 1).astype(np.float32))
result = []
for ksize, strides, padding, batch in [(2, 2, "VALID", False), (3, 1, "SAME", False),
                                       (3, 2, "SAME", True), (2, 1, "VALID", True)]:
    tf_ = tf.nn.max_pool_with_argmax(x, [1, ksize, ksize, 1], [1, strides, strides, 1],
                                     padding, include_batch_in_index=batch)
    g = tf.gradients(tf.reduce_sum(tf_[0] * tf_[0]) + tf.reduce_sum(tf.sin(tf_[0])), x)[0]
    with tf.Session() as s:
        result.append([g.op.type, g.name, s.run(g).ravel().tolist()])
ops = sorted([o.name, o.type, [i.name for i in o.inputs]]
             for o in tf.get_default_graph().get_operations()
             if o.type == "MaxPoolGradWithArgmax")
result.append(ops)
"""


@pytest.mark.oracle
def test_max_pool_with_argmax_gradient_is_tfs(oracle):
    there = oracle(ARGMAX_POOL)
    assert "ok" in there, there
    here = run_here(ARGMAX_POOL)["ok"]
    assert here[-1] == there["ok"][-1] and len(here[-1]) == 4
    for h, t in zip(here[:-1], there["ok"][:-1]):
        assert h[:2] == t[:2]
        np.testing.assert_allclose(h[2], t[2], rtol=1e-6, atol=1e-6)


# MaxPool3D / AvgPool3D (MaxPool3DGrad, AvgPool3DGrad with the input's Shape), AvgPool3DGrad's
# own gradient (AvgPool3D of the incoming gradient, a StopGradient of the shape), MaxPool3DGrad's
# (MaxPool3DGradGrad) and MaxPool3DGradGrad's (MaxPool3DGrad again), the gradients
# of conv3d_transpose (Conv3DBackpropInputV2), of Conv3DBackpropFilterV2 and of
# DepthwiseConv2dNativeBackpropInput / Filter. (float32: TF's float64 AvgPool3DGrad kernel fails)
POOL3D_AND_BACKPROPS = """
def build(dt):
    v = tf.constant(np.cos(np.arange(1 * 4 * 4 * 4 * 2.)).reshape(1, 4, 4, 4, 2), dt)
    img = tf.constant(np.cos(np.arange(1 * 5 * 5 * 2.)).reshape(1, 5, 5, 2), dt)
    f = tf.constant(np.sin(np.arange(2 * 2 * 2 * 3.)).reshape(2, 2, 2, 3), dt)
    f3 = tf.constant(np.sin(np.arange(2 * 2 * 2 * 2 * 3.)).reshape(2, 2, 2, 2, 3), dt)
    d = tf.constant(np.cos(np.arange(1 * 4 * 4 * 4 * 3.)).reshape(1, 4, 4, 4, 3), dt)
    ys = [tf.nn.max_pool3d(v, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], 'VALID'),
          tf.nn.avg_pool3d(v, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'SAME'),
          tf.nn.avg_pool3d(v, [1, 3, 2, 2, 1], [1, 1, 2, 1, 1], 'VALID'),
          tf.nn.depthwise_conv2d_backprop_input(
              [1, 5, 5, 2], f, tf.constant(np.ones((1, 5, 5, 6)), dt) * img[..., :1],
              [1, 1, 1, 1], 'SAME'),
          tf.nn.conv3d_transpose(d, f3, [1, 8, 8, 8, 2], [1, 2, 2, 2, 1], 'SAME'),
          tf.nn.conv3d_transpose(d, f3, [1, 5, 5, 5, 2], [1, 1, 1, 1, 1], 'VALID'),
          tf.nn.conv3d_backprop_filter_v2(v, [2, 2, 2, 2, 3], d[:, :3, :3, :3] * 1., [1] * 5,
                                          'VALID'),
          tf.nn.depthwise_conv2d_native_backprop_filter(
              img, [2, 2, 2, 3], tf.constant(np.ones((1, 5, 5, 6)), dt) * img[..., :1],
              [1, 1, 1, 1], 'SAME')]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [v, f, f3, d, img]
def second(dt):
    v = tf.constant(np.cos(np.arange(1 * 4 * 5 * 4 * 2.)).reshape(1, 4, 5, 4, 2), dt)
    g = tf.gradients(tf.reduce_sum(tf.nn.avg_pool3d(v, 2, 2, 'VALID') ** 2), v)[0]
    m = tf.gradients(tf.reduce_sum(tf.nn.max_pool3d(v, [1, 2, 2, 2, 1], [1, 1, 2, 1, 1],
                                                    'SAME') ** 2), v)[0]
    h = tf.gradients(tf.reduce_sum(tf.sin(m)), v)[0]
    return [tf.reduce_sum(tf.sin(g)), tf.reduce_sum(tf.sin(m)), tf.reduce_sum(h * h)], [v]
result = [grad_graph(build, (tf.float32,)), grad_graph(second, (tf.float32,))]
"""


@pytest.mark.oracle
def test_pool3d_and_transposed_conv_gradients_are_tfs(oracle):
    from approx import check_grad_graph
    check_grad_graph(oracle, POOL3D_AND_BACKPROPS)
