"""slim pool, spatial_softmax, conv2d_in_plane, conv3d_transpose, legacy_fully_connected,
dense_to_sparse and scale_gradient against real tf_slim: names, variables, values, errors."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
        "import numpy as np\ntf.set_random_seed(3)\n"
        "x = tf.constant(np.sin(np.arange(96.0)).reshape(2, 4, 4, 3), tf.float32)\n")
VALUES = ("\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
          "  result = [")
RECORD = ("\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
          "  result = [sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()),"
          " [[v.name, v.shape.as_list()] for v in tf.global_variables()],"
          " [v.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)],"
          " [[y.name, y.shape.as_list()] for y in ys], s.run(ys)]")
# Conv3DTranspose's output-shape arithmetic is built differently by scopeflow's tf.layers:
# it compares without the op list
VALUES = VALUES + RECORD[RECORD.index("[[v.name"):]

PROGRAMS = [
    SLIM + "ys = [slim.pool(x, [2, 2], 'MAX', stride=2), slim.pool(x, 3, 'AVG', padding='SAME'),"
    " slim.pool(x, 2, 'MAX', dilation_rate=2, scope='p', outputs_collections='c'),"
    " slim.pool(tf.ones([2, 6, 3]), 2, 'AVG', stride=2)]" + RECORD,
    SLIM + "result = slim.pool(tf.ones([2, 3]), 2, 'MAX')",
    SLIM + "ys = [slim.spatial_softmax(x), slim.spatial_softmax(x, temperature=0.5, name='s2',"
    " trainable=False), slim.spatial_softmax(tf.transpose(x, [0, 3, 1, 2]),"
    " data_format='NCHW')]" + RECORD,
    SLIM + "result = slim.spatial_softmax(x, data_format='NDHWC')",
    SLIM + "ys = [slim.conv2d_in_plane(x, 3), slim.conv2d_in_plane(x, [2, 3], stride=2,"
    " normalizer_fn=slim.layer_norm, activation_fn=None, scope='c2'),"
    " slim.convolution2d_in_plane(x, 1, biases_initializer=None,"
    " weights_regularizer=slim.l2_regularizer(0.1))]" + RECORD,
    SLIM + "v = tf.constant(np.cos(np.arange(48.0)).reshape(1, 2, 2, 3, 4), tf.float32)\n"
    "ys = [slim.conv3d_transpose(v, 2, 2, stride=2), slim.conv3d_transpose(v, 3, [1, 2, 2],"
    " padding='VALID', activation_fn=None, scope='t')]" + VALUES,
    SLIM + "result = slim.conv3d_transpose(tf.ones([1, 2, 2, 2, 3]), 2, 2, data_format='NHWC')",
    SLIM + "ys = [slim.legacy_fully_connected(tf.reshape(x, [8, 12]), 5),"
    " slim.legacy_relu(x[0, 0], 2, name='r'), slim.legacy_linear(x[1, 1], 2, bias_init=None,"
    " weight_regularizer=slim.l2_regularizer(0.5))]" + RECORD
    + " + [[t.name for t in tf.get_collection(k)] for k in (tf.GraphKeys.WEIGHTS,"
    " tf.GraphKeys.BIASES, tf.GraphKeys.ACTIVATIONS, tf.GraphKeys.REGULARIZATION_LOSSES)]",
    SLIM + "result = slim.legacy_fully_connected(tf.ones([3]), 2)",
    SLIM + "result = slim.legacy_fully_connected(tf.placeholder(tf.float32, [2, None]), 2)",
    SLIM + "d = slim.dense_to_sparse(tf.constant([[1, 0, 3], [0, 0, 2]]))\n"
    "e = slim.dense_to_sparse(tf.constant([[1., 2.], [-1., 3.]]), eos_token=-1.,"
    " outputs_collections='c')\n"
    "with tf.Session() as s:\n  r = s.run([d, e])\n"
    "  result = [d.indices.name, d.values.name, d.dense_shape.name,"
    " [[np.asarray(a).tolist() for a in t] for t in r]]",
    SLIM + "v = tf.constant([1., 2.])\ny = slim.scale_gradient(v, 3.0)\n"
    "g = tf.gradients(tf.reduce_sum(y * y), v)\n"
    "with tf.Session() as s:\n  result = [s.run([y, g])]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_layers_match_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
