"""Gradients of array ops where TF's gradient graph needs values known only when a loop runs:
tf.slice at a loop-dependent begin inside tf.while_loop (its gradient, a Pad whose paddings
are popped from a stack each iteration), values and gradients against TF."""

import pytest
from approx import agree, check_grad_graph, explain
from oracle import run_here

SLICE_IN_LOOP = (
    "v = tf.placeholder(tf.float32, [3, 4])\n"
    "s0 = tf.placeholder(tf.float32, [4])\n"
    "w = tf.Variable([0.5, -1., 2., 0.1])\n"
    "def body(t, ta, s):\n"
    "    row = tf.squeeze(tf.slice(v, tf.stack([t, 0]), [1, -1]))\n"
    "    part = tf.slice(v, tf.stack([0, t]), [2, 1])\n"
    "    return t + 1, ta.write(t, tf.tanh(row * w + s) + tf.reduce_sum(part)), s + row\n"
    "_, ta, s = tf.while_loop(lambda t, ta, s: t < 3, body,\n"
    "                         (0, tf.TensorArray(tf.float32, 3), s0))\n"
    "y = ta.stack()\n"
    "dy = tf.placeholder(tf.float32, [3, 4])\n"
    "g = tf.gradients([y, s], [v, s0, w], [dy, None])\n"
    "feed = {v: np.arange(12, dtype=np.float32).reshape(3, 4) / 10, s0: [1., 0., -1., 2.],\n"
    "        dy: -np.arange(12, dtype=np.float32).reshape(3, 4)}\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    result = sess.run([y, s, g], feed)\n")


@pytest.mark.oracle
def test_slice_at_a_loop_index_has_tfs_gradient(oracle):
    here, there = run_here(SLICE_IN_LOOP), oracle(SLICE_IN_LOOP)
    assert "ok" in there, there
    assert agree(here, there), explain(SLICE_IN_LOOP, here, there)


# tf.reverse_sequence (bidirectional_dynamic_rnn's backward half) and its gradient, TF's
# ReverseSequence of the incoming gradient: values and the gradient graph's op names
REVERSE_SEQUENCE = (
    "x = tf.placeholder(tf.float32, [4, 3, 2])\n"
    "n = tf.placeholder(tf.int64, [3])\n"
    "y = tf.reverse_sequence(x, n, seq_axis=0, batch_axis=1)\n"
    "z = tf.reverse_sequence(tf.transpose(x, [1, 0, 2]), n, seq_axis=1, batch_axis=0)\n"
    "w = tf.constant(np.arange(24, dtype=np.float32).reshape(4, 3, 2) - 7.)\n"
    "loss = tf.reduce_sum(tf.tanh(y) * w) + tf.reduce_sum(z * z)\n"
    "g = tf.gradients(loss, x)\n"
    "names = sorted(op.name for op in tf.get_default_graph().get_operations()\n"
    "               if '_grad/ReverseSequence' in op.name)\n"
    "with tf.Session() as s:\n"
    "    result = [names, s.run([y, g], {x: np.arange(24, dtype=np.float32).reshape(4, 3, 2)\n"
    "                                 / 10., n: [2, 4, 0]})]\n")


@pytest.mark.oracle
def test_reverse_sequence_has_tfs_gradient(oracle):
    here, there = run_here(REVERSE_SEQUENCE), oracle(REVERSE_SEQUENCE)
    assert "ok" in there, there
    assert agree(here, there, 1e-6), explain(REVERSE_SEQUENCE, here, there)


# tf.pad's REFLECT and SYMMETRIC modes: MirrorPadGrad folds the gradient back (int32 and int64
# paddings, a zero padding, paddings up to the dimension's size); the gradient of that gradient
# is MirrorPad again
MIRROR_PAD = """
def build(dt):
    x = tf.constant(np.arange(24.).reshape(2, 3, 4) / 7. - 1., dt)
    y1 = tf.pad(x, [[1, 1], [2, 0], [3, 2]], mode="REFLECT")
    y2 = tf.pad(x, tf.constant([[0, 2], [3, 1], [0, 4]], tf.int64), mode="SYMMETRIC")
    w = tf.constant(np.cos(np.arange(4 * 7 * 8.)).reshape(4, 7, 8), dt)
    return [tf.reduce_sum(tf.sin(y1)), tf.reduce_sum(tf.cos(y2) * w)], [x]
def second(dt):
    x = tf.constant(np.arange(24.).reshape(2, 3, 4) / 7. - 1., dt)
    y = tf.pad(x, [[1, 1], [2, 0], [3, 2]], mode="REFLECT")
    g = tf.gradients(tf.reduce_sum(y ** 3), x)[0]
    return [tf.reduce_sum(tf.sin(g))], [x]
result = [grad_graph(build), grad_graph(second)]
"""


@pytest.mark.oracle
def test_mirror_pad_has_tfs_gradient_graph(oracle):
    check_grad_graph(oracle, MIRROR_PAD)


# tf.image.extract_patches: TF's gradient patches the input's positions the same way and sums
# the gradient's entries at them (UnsortedSegmentSum); VALID and SAME (padding dropped), rates,
# a batch known only when run
EXTRACT_PATCHES = """
def build(dt):
    img = tf.constant(np.cos(np.arange(2 * 5 * 6 * 3.)).reshape(2, 5, 6, 3), dt)
    fed = tf.placeholder_with_default(img, [None, 5, 6, 3])
    ys = [tf.image.extract_patches(img, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1], 'VALID'),
          tf.image.extract_patches(img, [1, 3, 2, 1], [1, 2, 2, 1], [1, 2, 1, 1], 'SAME'),
          tf.image.extract_patches(fed, [1, 2, 2, 1], [1, 1, 3, 1], [1, 1, 1, 1], 'SAME')]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [img]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_extract_image_patches_has_tfs_gradient_graph(oracle):
    check_grad_graph(oracle, EXTRACT_PATCHES)


# tf.extract_volume_patches: TF's gradient pairs the input's positions (patched the same way)
# with the patch entries' in a SparseTensor of ones, slices off padding's row and multiplies
# it with the gradient (SparseTensorDenseMatMul); VALID and SAME, strides, a batch known only
# when run
EXTRACT_VOLUME_PATCHES = """
def build(dt):
    vol = tf.constant(np.cos(np.arange(2 * 3 * 4 * 5 * 2.)).reshape(2, 3, 4, 5, 2), dt)
    fed = tf.placeholder_with_default(vol, [None, 3, 4, 5, 2])
    ys = [tf.extract_volume_patches(vol, [1, 2, 2, 3, 1], [1, 1, 2, 1, 1], 'VALID'),
          tf.extract_volume_patches(vol, [1, 2, 3, 2, 1], [1, 2, 2, 2, 1], 'SAME'),
          tf.extract_volume_patches(fed, [1, 1, 2, 2, 1], [1, 1, 1, 3, 1], 'SAME')]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [vol]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_extract_volume_patches_has_tfs_gradient_graph(oracle):
    check_grad_graph(oracle, EXTRACT_VOLUME_PATCHES)
