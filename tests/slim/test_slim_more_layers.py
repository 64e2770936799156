"""slim.separable_conv2d and slim.unit_norm against real tf_slim: variables, names, values."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = "slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
INFO = ("result = [[(t.name, t.shape.as_list()) for t in outs], "
        "[(v.name, v.shape.as_list()) for v in tf.global_variables()], "
        "[v.name for v in slim.get_model_variables()], "
        "[t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]]")

PROGRAMS = [
    "x = tf.placeholder(tf.float32, [None, 8, 8, 3])\n"
    "outs = [slim.separable_conv2d(x, 6, [3, 3], depth_multiplier=2), "
    "slim.separable_conv2d(x, None, [3, 3], depth_multiplier=2, scope='dw'), "
    "slim.separable_conv2d(x, 4, 3, stride=2, rate=1, padding='VALID', "
    "weights_regularizer=slim.l2_regularizer(0.1), normalizer_fn=tf.nn.l2_normalize, scope='bn'),"
    " slim.separable_conv2d(x, None, 3, rate=2, biases_initializer=None, "
    "outputs_collections='o', variables_collections=['vc'], scope='d2')]\n" + INFO
    + " + [[v.name for v in tf.get_collection('vc')], [t.name for t in tf.get_collection('o')]]",
    "x = tf.zeros([1, 3, 6, 6])\n"
    "outs = [slim.separable_conv2d(x, 2, 3, data_format='NCHW'), "
    "slim.separable_conv2d(x, None, 3, data_format='NCHW', scope='d')]\n" + INFO,
    "slim.separable_conv2d(tf.zeros([1, 4, 4, 3]), 2, 3, data_format='NDHWC')",
    "x = tf.constant([[[[1.0], [2.0]], [[3.0], [4.0]]]])\n"
    "y = slim.separable_conv2d(x, 2, [2, 2], padding='VALID', activation_fn=None, "
    "weights_initializer=tf.constant_initializer(0.5), "
    "pointwise_initializer=tf.constant_initializer(2.0), "
    "biases_initializer=tf.constant_initializer(1.0))\n"
    "z = slim.separable_conv2d(x, None, [2, 2], depth_multiplier=2, padding='SAME', "
    "weights_initializer=tf.constant_initializer(0.25), scope='z')\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = s.run([y, z])",
    "x = tf.constant([[3.0, 4.0], [1.0, 0.0]])\n"
    "outs = [slim.unit_norm(x, 1), slim.unit_norm(x, 0, scope='u'), "
    "slim.unit_norm(tf.ones([2, 3, 4]), 1)]\n"
    "with tf.Session() as s:\n  result = [[t.name for t in outs], s.run(outs)]",
    "slim.unit_norm(tf.ones([2, 3]), 2)",
    "slim.unit_norm(tf.ones([2, 3]), -1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_layer_matches_tf_slim(oracle, code):
    code = SLIM + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


SEQUENCES = [
    "x = tf.reshape(tf.range(48.0), [2, 6, 4])\np = tf.placeholder(tf.float32, [None, 6])\n"
    "outs = [slim.maxout(x, 3), slim.maxout(x, 2, axis=1, scope='m'), slim.maxout(p, 2)]\n"
    "with tf.Session() as s:\n  result = [[(t.name, t.shape.as_list()) for t in outs], "
    "s.run(outs[:2])]",
    "slim.maxout(tf.ones([2, 5]), 2)",
    "x = tf.reshape(tf.range(120.0), [2, 3, 4, 5])\n"
    "p = tf.placeholder(tf.float32, [None, 3, 4, 5])\n"
    "a = slim.images_to_sequence(x, outputs_collections='c')\n"
    "b = slim.images_to_sequence(x, data_format='NCHW', scope='n')\n"
    "c = slim.sequence_to_images(a, 3); d = slim.sequence_to_images(a, 3, 'channels_first')\n"
    "e = slim.images_to_sequence(p); f = slim.sequence_to_images(e, 3)\n"
    "with tf.Session() as s:\n"
    "  result = [[(t.name, t.shape.as_list()) for t in [a, b, c, d, e, f]], "
    "[t.aliases for t in tf.get_collection('c')], s.run([a, c, d, b])]",
    "slim.images_to_sequence(tf.ones([2, 3, 4, 5]), data_format='NDHWC')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", SEQUENCES)
def test_sequence_layer_matches_tf_slim(oracle, code):
    code = SLIM + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
