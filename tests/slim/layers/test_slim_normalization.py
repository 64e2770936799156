"""slim group_norm / instance_norm against real tf_slim: names, variables, values, errors."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
        "import numpy as np\n"
        "x = tf.constant(np.sin(np.arange(96.0)).reshape(2, 4, 3, 4) * 3 + 1, tf.float32)\n")
RECORD = ("\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
          "  result = [sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()),"
          " [[v.name, v.shape.as_list()] for v in tf.global_variables()],"
          " [v.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)],"
          " [y.name for y in ys], s.run(ys)]")

PROGRAMS = [
    SLIM + "ys = [slim.group_norm(x, groups=2, channels_axis=-1, reduction_axes=(-3, -2)),"
    " slim.group_norm(x, groups=4, center=False, scope='g2'),"
    " slim.group_norm(x, groups=1, scale=False, mean_close_to_zero=True,"
    " activation_fn=tf.nn.relu, outputs_collections='c'),"
    " slim.group_norm(x, groups=2, channels_axis=1, reduction_axes=(2, 3),"
    " param_initializers={'gamma': tf.constant_initializer(2.0)},"
    " variables_collections={'beta': ['bc']})]" + RECORD,
    SLIM + "p = tf.placeholder(tf.float32, [None, 4, 3, 4])\n"
    "ys = [slim.group_norm(p, groups=2)]\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = [ys[0].shape.as_list(), s.run(ys[0], {p: s.run(x)})]",
    SLIM + "ys = [slim.instance_norm(x), slim.instance_norm(x, data_format='NCHW', scope='n'),"
    " slim.instance_norm(x, center=False, scale=False, activation_fn=tf.nn.relu),"
    " slim.instance_norm(x, trainable=False, outputs_collections='c')]" + RECORD,
    SLIM + "result = slim.group_norm(x, groups=3)",
    SLIM + "result = slim.group_norm(x, groups=8)",
    SLIM + "result = slim.group_norm(x, channels_axis=4)",
    SLIM + "result = slim.group_norm(x, groups=2, channels_axis=-2)",
    SLIM + "result = slim.group_norm(tf.placeholder(tf.float32, [2, None, 3, 4]), groups=2)",
    SLIM + "result = slim.group_norm(tf.placeholder(tf.float32, [2, 4, 3, None]), groups=2)",
    SLIM + "result = slim.group_norm(tf.placeholder(tf.float32), groups=2)",
    SLIM + "result = slim.instance_norm(x, data_format='NDHWC')",
    SLIM + "result = slim.instance_norm(tf.placeholder(tf.float32, [2, 3, None]))",
    SLIM + "result = slim.instance_norm(tf.placeholder(tf.float32))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_normalization_matches_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
