"""TF-Slim against real tf_slim: arg scopes, layer names, collections, values."""

import pytest
from oracle import explain, run_here, same

SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n")
VARS = "result = [(v.name, v.shape.as_list()) for v in tf.global_variables()]"

PROGRAMS = [
    "x = tf.zeros([2, 8, 8, 3]); y = slim.conv2d_transpose(x, 4, 3, stride=2)\n"
    + VARS + " + [y.name, y.shape.as_list(), [v.name for v in slim.get_model_variables()]]",
    ("x = tf.zeros([2, 8, 8, 3])\nwith slim.arg_scope([slim.convolution], activation_fn=None):\n"
    "  a = slim.conv2d(x, 4, 3); b = slim.convolution(x, 4, 3)\nresult = [a.name, b.name]"),
    ("x = tf.zeros([2, 8, 8, 3]); y = slim.max_pool2d(x, [2, 2]); z = slim.avg_pool2d(x, 3, 1)\n"
    "result = [y.name, y.shape.as_list(), z.name, z.shape.as_list()]"),
    ("x = tf.zeros([2, 8, 8, 3]); y = slim.flatten(x); z = slim.dropout(y, 0.5)\n"
    "w = slim.dropout(y, is_training=False)\nresult = [y.name, y.shape.as_list(), w.name]"),
    "x = tf.zeros([2, 3]); y = slim.repeat(x, 3, slim.fully_connected, 4, scope='r')\n"
    + VARS + " + [y.name]",
    "x = tf.zeros([2, 8, 8, 3]); y = slim.stack(x, slim.conv2d, [(4, [3, 3]), (2, [1, 1])])\n"
    + VARS + " + [y.name]",
    ("x = tf.zeros([2, 3])\nwith slim.arg_scope([slim.fully_connected], activation_fn=None):\n"
    "  with slim.arg_scope([slim.fully_connected], biases_initializer=None) as sc:\n"
    "    y = slim.fully_connected(x, 2)\n"
    "result = [y.name, [v.name for v in tf.global_variables()], sorted(len(v) for v in "
    "sc.values())]"),
    "result = sorted(slim.arg_scoped_arguments(slim.fully_connected))",
    ("x = tf.zeros([2, 3])\n"
    "y = slim.fully_connected(x, 2, variables_collections=['mine'], scope='fc')\n"
    "z = slim.fully_connected(x, 2, variables_collections={'weights': ['w']}, scope='fc2')\n"
    "result = [[v.name for v in tf.get_collection('mine')], "
    "[v.name for v in tf.get_collection('w')]]"),
    "x = tf.zeros([2, 3])\ny = slim.fully_connected(x, 2, scope='fc', reuse=tf.AUTO_REUSE)\n"
    "z = slim.fully_connected(x, 2, scope='fc', reuse=tf.AUTO_REUSE)\n" + VARS
    + " + [z.name]",
    ("v = slim.variable('a', [2], collections=['c']); m = slim.model_variable('b', [1])\n"
    "result = [[x.name for x in tf.get_collection('c')], [x.name for x in tf.global_variables()],"
    " [x.name for x in slim.get_trainable_variables()], slim.get_unique_variable('b').name]"),
    ("with slim.arg_scope([slim.variable], device='/cpu:0'):\n  v = slim.variable('a', [2])\n"
    "result = v.device"),
    ("x = tf.constant([[1., 2., 3.]])\n"
    "y = slim.fully_connected(x, 2, weights_initializer=tf.constant_initializer(0.5), "
    "biases_initializer=tf.constant_initializer(-1.0), activation_fn=tf.nn.relu)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(y)"),
    ("x = tf.ones([3, 4]); r = slim.l2_regularizer(0.5)(x); r1 = slim.l1_regularizer(0.5)(x)\n"
    "with tf.Session() as s:\n  result = [r.name, r1.name] + s.run([r, r1])"),
    "result = slim.l2_regularizer(2)",
    ("x = tf.zeros([2, 3]); slim.fully_connected(x, 2, weights_regularizer="
    "slim.l2_regularizer(0.1), biases_regularizer=slim.l1_regularizer(0.1), scope='fc')\n"
    "result = [t.name for t in tf.losses.get_regularization_losses()]"),
    ("w = tf.get_variable('w', [4, 6], initializer=slim.xavier_initializer(seed=1))\n"
    "result = [w.initializer.inputs[1].op.name, w.initializer.inputs[1].op.type]"),
    ("x = tf.zeros([2, 3]); a = slim.fully_connected(x, 2, scope='a')\n"
    "b = slim.fully_connected(x, 2, scope='b')\n"
    "result = [v.name for v in slim.get_variables_to_restore(include=['a'], exclude=['b'])] + "
    "[v.name for v in slim.get_variables_by_suffix('biases')]"),
    "x = tf.placeholder(tf.float32, [None, 3])\ny = tf.layers.dense(x, 4, activation=tf.nn.relu, name='h')\ny = tf.layers.dropout(y, 0.5, training=False)\nz = tf.layers.dense(y, 1)\nloss = tf.reduce_mean(tf.square(z))\nopt = tf.train.AdamOptimizer(0.1).minimize(loss)\nresult = [v.name for v in tf.global_variables()]",
    "x = tf.placeholder(tf.float32, [None, 3])\nwith slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.01), activation_fn=tf.nn.tanh):\n  net = slim.fully_connected(x, 4, scope='fc1')\n  net = slim.dropout(net, 0.8, is_training=True, scope='drop')\n  net = slim.fully_connected(net, 2, activation_fn=None, scope='logits')\nresult = [net.name, [v.name for v in slim.get_model_variables()], [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]]",
    "x = tf.placeholder(tf.float32, [None, 28, 28, 1])\nwith slim.arg_scope([slim.conv2d], padding='SAME'):\n  net = slim.conv2d(x, 8, [5, 5], scope='conv1')\n  net = slim.max_pool2d(net, [2, 2], scope='pool1')\n  net = slim.repeat(net, 2, slim.conv2d, 16, [3, 3], scope='conv2')\n  net = slim.max_pool2d(net, [2, 2], scope='pool2')\n  net = slim.flatten(net)\n  net = slim.fully_connected(net, 10, activation_fn=None, scope='fc')\nresult = [net.name, net.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]",
    "x = tf.placeholder(tf.float32, [None, 3])\ny = slim.fully_connected(x, 2, outputs_collections='c', scope='a')\nz = slim.flatten(y, outputs_collections='c')\nw = slim.max_pool2d(tf.zeros([1, 4, 4, 1]), 2, outputs_collections='c')\nresult = [[t.name, t.aliases] for t in tf.get_collection('c')]",
    "x = tf.placeholder(tf.float32, [None, 3])\ny = slim.fully_connected(x, 2, scope='a')\nresult = [y.op.inputs[0].name, y.op.inputs[0].op.inputs[0].name]",
    "result = [slim.get_variables_by_name('x'), slim.model_variable('m', [1], initializer=tf.zeros_initializer()).name]",
    "with tf.variable_scope('s'):\n  v = slim.model_variable('m', [1])\nwith tf.variable_scope('s', reuse=True):\n  w = slim.model_variable('m', [1])\nresult = [v is w, [x.name for x in slim.get_model_variables()], [x.name for x in slim.get_variables('s')], [x.name for x in slim.get_variables(scope=tf.get_variable_scope())]]",
    "x = tf.placeholder(tf.float32, [None, 3])\nwith slim.arg_scope([slim.fully_connected], normalizer_fn=slim.layers.batch_norm if hasattr(slim, 'layers') else None):\n  y = slim.fully_connected(x, 2, normalizer_fn=None)\nresult = y.name",
    "x = tf.placeholder(tf.float32, [None, 3])\ny = slim.fully_connected(x, 2, biases_initializer=None, scope='f')\nresult = [y.name, [v.name for v in tf.global_variables()]]",
    'x = tf.placeholder(tf.float32, [None, 3])\nresult = slim.fully_connected(x, 2.0)',
    'result = slim.conv2d(tf.zeros([2, 3]), 2, 3)',
    "x = tf.zeros([2, 6, 6, 3])\ny = slim.conv2d(x, 4, 3, rate=2, scope='c')\nresult = [y.name, y.shape.as_list()]",
    "x = tf.zeros([2, 6, 6, 3])\ny = slim.conv2d(x, 4, 3, data_format='NCHW', scope='c')\nresult = [y.name, y.shape.as_list()]",
    'def f(a, b=1, c=2): return a\ng = slim.add_arg_scope(f)\nwith slim.arg_scope([g], c=5):\n  r = g(0)\nresult = [slim.has_arg_scope(g), slim.has_arg_scope(f), list(slim.arg_scoped_arguments(g)), g.__name__]',
    'result = slim.arg_scope({}, x=1).__enter__()',
    'result = slim.arg_scope(slim.fully_connected).__enter__()\n',
    "x = tf.zeros([2, 3, 4])\ny = slim.softmax(x)\nz = slim.bias_add(x, scope='b')\nresult = [y.name, y.shape.as_list(), z.name, [v.name for v in slim.get_model_variables()]]",
    'x = tf.zeros([1, 4, 4, 4, 2])\nresult = [slim.max_pool3d(x, 2).name, slim.avg_pool3d(x, 2, 1).shape.as_list()]',
    'x = tf.zeros([2, 3])\ny = slim.stack(x, slim.linear, [2, 3])\nz = slim.relu(x, 2)\nresult = [y.name, z.name, [v.name for v in tf.global_variables()]]',
    'g = slim.get_or_create_global_step()\nresult = [g.name, slim.get_global_step().name]',
    'x = tf.constant([[1., 2., 3.]])\ny = slim.softmax(x)\nwith tf.Session() as s:\n  result = s.run(y)\n',
    "x = tf.constant([[1., 2., 4.], [3., 6., 0.]])\ny = slim.layer_norm(x)\nz = slim.layer_norm(tf.zeros([2, 3, 4]), begin_norm_axis=-1, scope='ln')\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n  result = [y.name, z.name, [(v.name, v.shape.as_list()) for v in slim.get_model_variables()], [[round(float(v), 4) for v in r] for r in s.run(y)]]\n",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    code = SLIM + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
