"""tf.layers against real TF: layer names, variable names and shapes, op names, values."""

import pytest
from oracle import explain, run_here, same

VARS = "result = [(v.name, v.shape.as_list()) for v in tf.global_variables()]"

PROGRAMS = [
    # naming: layer.name from the per-graph class counter, scope from default_name
    ("l = tf.layers.Dense(3, name='d'); x = tf.zeros([2, 4]); y = l(x); z = l(x)\n"
    "result = [l.name, y.name, z.name, [v.name for v in l.variables], l.scope_name]"),
    ("ls = [tf.layers.Dense(2) for _ in range(3)]; x = tf.zeros([1, 2])\n"
    "result = [l.name for l in ls] + [l(x).name for l in reversed(ls)]"),
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('s'):\n  y = tf.layers.dense(x, 4, tf.nn.relu)\n"
    + VARS + " + [y.name, y.op.inputs[0].name]",
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('s', reuse=tf.AUTO_REUSE):\n"
    "  a = tf.layers.dense(x, 4, name='fc'); b = tf.layers.dense(x, 4, name='fc')\n"
    + VARS + " + [a.name, b.name]",
    ("x = tf.zeros([2, 3]); tf.layers.dense(x, 4, name='fc')\n"
    "result = tf.layers.dense(x, 5, name='fc', reuse=True)"),
    "x = tf.zeros([2, 5, 3]); y = tf.layers.dense(x, 4)\nresult = [y.shape.as_list(), y.name]",
    "x = tf.placeholder(tf.float32, [None, None]); result = tf.layers.dense(x, 4)",
    ("x = tf.zeros([2, 3]); l = tf.layers.Dense(4, use_bias=False, trainable=False); l(x)\n"
    "result = [[v.name for v in l.trainable_weights], [v.name for v in l.non_trainable_weights],"
    " [v.name for v in tf.trainable_variables()]]"),
    ("x = tf.zeros([2, 3])\n"
    "y = tf.layers.dense(x, 2, kernel_regularizer=lambda w: tf.reduce_sum(w), name='r')\n"
    "result = [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]"),
    # values
    ("x = tf.constant([[1., 2.], [3., -4.]])\n"
    "y = tf.layers.dense(x, 3, activation=tf.nn.relu, kernel_initializer=tf.constant_initializer("
    "[[1., -1., .5], [.5, 2., -1.]]), bias_initializer=tf.constant_initializer(0.1))\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(y)"),
    # dropout / flatten
    "x = tf.ones([2, 3]); y = tf.layers.dropout(x, 0.3)\nresult = [y.name, y.op.type]",
    ("x = tf.ones([2, 3]); y = tf.layers.dropout(x, 0.3, training=True)\n"
    "result = [y.shape.as_list(), y.name.split('/')[0]]"),
    ("x = tf.placeholder(tf.float32, [None, 2, 3]); y = tf.layers.flatten(x)\n"
    "result = [y.name, y.shape.as_list()]"),
    ("x = tf.placeholder(tf.float32, [4, None, 3]); y = tf.layers.flatten(x)\n"
    "result = [y.name, y.shape.as_list()]"),
    # convolutions and pooling
    "x = tf.zeros([1, 9, 9, 3]); y = tf.layers.conv2d(x, 4, 3, strides=2, padding='same')\n"
    + VARS + " + [y.name, y.shape.as_list(), y.op.inputs[0].name]",
    "x = tf.zeros([1, 9, 2]); y = tf.layers.conv1d(x, 4, 3)\n" + VARS + " + [y.shape.as_list()]",
    "x = tf.zeros([1, 4, 4, 4, 2]); y = tf.layers.conv3d(x, 3, 2)\n"
    + VARS + " + [y.shape.as_list()]",
    "x = tf.zeros([1, 4, 4, 3]); y = tf.layers.conv2d_transpose(x, 2, 3, strides=2, "
    "padding='same')\n" + VARS + " + [y.shape.as_list()]",
    ("x = tf.zeros([1, 4, 4, 3]); y = tf.layers.conv2d_transpose(x, 2, 3, strides=2)\n"
    "result = y.shape.as_list()"),
    ("x = tf.zeros([1, 8, 8, 3]); a = tf.layers.max_pooling2d(x, 2, 2)\n"
    "b = tf.layers.average_pooling2d(x, 3, 2, padding='same')\n"
    "result = [a.name, b.name, a.shape.as_list(), b.shape.as_list()]"),
    ("x = tf.zeros([1, 8, 3]); a = tf.layers.max_pooling1d(x, 2, 2)\n"
    "result = [a.shape.as_list(), a.op.type]"),
    ("x = tf.zeros([1, 4, 4, 4, 3]); a = tf.layers.average_pooling3d(x, 2, 2)\n"
    "result = [a.name, a.shape.as_list()]"),
    ("x = tf.reshape(tf.range(32, dtype=tf.float32), [1, 4, 4, 2])\n"
    "y = tf.layers.conv2d(x, 1, 2, kernel_initializer=tf.constant_initializer(0.5))\n"
    "z = tf.layers.max_pooling2d(y, 2, 1)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(z)"),
    # batch normalization
    "x = tf.zeros([4, 3]); y = tf.layers.batch_normalization(x, training=True)\n"
    + VARS + " + [len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)),"
    " [v.name for v in tf.trainable_variables()]]",
    ("x = tf.zeros([2, 4, 4, 3]); y = tf.layers.batch_normalization(x, training=False)\n"
    "result = [y.shape.as_list(), len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))]"),
    ("x = tf.constant([[1., 2.], [3., 6.]])\n"
    "y = tf.layers.batch_normalization(x, training=True, momentum=0.5)\n"
    "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  out = s.run([y] + ops); mv = s.run(tf.global_variables()[2:])\n"
    "result = [out[0], mv]"),
    ("x = tf.constant([[[[1., 2.], [3., 6.]]]])\n"
    "y = tf.layers.batch_normalization(x, training=True, momentum=0.5)\n"
    "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  out = s.run([y] + ops); mv = s.run(tf.global_variables()[2:])\n"
    "result = [out[0], mv]"),
    ("t = tf.placeholder(tf.bool, []); x = tf.constant([[1., 2.], [3., 6.]])\n"
    "y = tf.layers.batch_normalization(x, training=t)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = [s.run(y, {t: True}), s.run(y, {t: False})]"),
    "x = tf.placeholder(tf.float32, [None, 3])\nresult = tf.layers.Dense(2)(x).name, tf.layers.Dense(2, name='q')(x).name",
    'x = tf.placeholder(tf.float32, [None])\nresult = tf.layers.dense(x, 2)',
    'x = tf.placeholder(tf.float32, [None, 3])\nd = tf.layers.Dense(2)\ny = d(x)\nresult = [d.kernel.name, d.bias.name, [v.name for v in d.trainable_variables], d.built, d.dtype]',
    "class L(tf.layers.Layer):\n  def build(self, shape):\n    self.w = self.add_variable('w', [int(shape[-1]), 2])\n    super(L, self).build(shape)\n  def call(self, x):\n    return tf.matmul(x, self.w)\nl = L(); y = l(tf.zeros([1, 3])); y2 = l(tf.zeros([1, 3]))\nresult = [l.name, y.name, y2.name, [v.name for v in l.variables]]",
    "x = tf.placeholder(tf.float32, [None, 3])\ntpl = tf.make_template('net', lambda x: tf.layers.dense(x, 2))\na = tpl(x); b = tpl(x)\nresult = [a.name, b.name, [v.name for v in tf.global_variables()]]",
    'x = tf.zeros([2, 4, 4, 3])\ny = tf.layers.batch_normalization(x, training=True)\nresult = [y.name, [u.name for u in tf.get_collection(tf.GraphKeys.UPDATE_OPS)], [v.name for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3])\ny = tf.layers.batch_normalization(x, training=True)\nresult = [y.name, [u.name for u in tf.get_collection(tf.GraphKeys.UPDATE_OPS)]]',
    'x = tf.zeros([2, 3])\ny = tf.layers.batch_normalization(x, training=False)\nresult = [y.name]',
    'x = tf.zeros([2, 3])\ny = tf.layers.dropout(x, training=tf.placeholder(tf.bool, []))\nresult = [y.name]',
    'x = tf.zeros([2, 8, 8, 3])\ny = tf.layers.conv2d(x, 2, 3, dilation_rate=2)\nresult = [y.name, y.shape.as_list(), y.op.inputs[0].name]',
    'x = tf.zeros([2, 8, 3])\ny = tf.layers.conv1d(x, 2, 3)\nresult = [y.name, y.op.inputs[0].name, y.op.inputs[0].op.inputs[0].name]',
    'x = tf.zeros([2, 8, 8, 3])\ny = tf.layers.conv2d_transpose(x, 2, 3)\nresult = [y.name, y.op.inputs[0].name]',
    'x = tf.zeros([2, 8, 3])\ny = tf.layers.max_pooling1d(x, 2, 2)\nresult = [y.name, y.op.inputs[0].name]\n',
    'x = tf.zeros([2, 3])\ny = tf.layers.batch_normalization(x, training=True)\nresult = [y.name, [u.name for u in tf.get_collection(tf.GraphKeys.UPDATE_OPS)]]',
    'x = tf.zeros([2, 3])\nl = tf.layers.BatchNormalization()\ny = l(x, training=True)\nresult = [[u.name for u in l.updates], [v.name for v in l.trainable_weights], [v.name for v in l.non_trainable_weights], [v.name for v in tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)]]',
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('a'):\n  y = tf.layers.batch_normalization(x, training=True, name='bn')\nwith tf.variable_scope('a', reuse=True):\n  z = tf.layers.batch_normalization(x, training=True, name='bn')\nresult = [y.name, z.name, [v.name for v in tf.global_variables()], len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))]",
    'x = tf.zeros([2, 3, 4])\ny = tf.layers.batch_normalization(x, axis=1, training=True)\nresult = [y.name, y.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3, 4, 5])\ny = tf.layers.batch_normalization(x, axis=1, training=False)\nresult = [y.name, y.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3, 4, 5])\ny = tf.layers.batch_normalization(x, center=False, scale=False)\nresult = [y.name, [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3])\ny = tf.layers.batch_normalization(x, center=False, scale=False, training=True)\nresult = [y.name, [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    "x = tf.zeros([2, 3, 3, 2])\ny = tf.layers.conv2d(x, 2, 3, data_format='channels_first')\nresult = [y.name, y.shape.as_list()]",
    'x = tf.zeros([2, 3, 3, 2])\ny = tf.layers.separable_conv2d(x, 2, 3)\nresult = [y.name, [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3])\ny = tf.layers.dense(x, 2, kernel_regularizer=tf.nn.l2_loss, bias_regularizer=tf.nn.l2_loss)\nresult = [t.name for t in tf.losses.get_regularization_losses()]',
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('s', regularizer=tf.nn.l2_loss):\n  y = tf.layers.dense(x, 2)\nresult = [t.name for t in tf.losses.get_regularization_losses()]",
    'x = tf.zeros([2, 3])\ny = tf.layers.dense(x, 2, kernel_constraint=lambda w: w * 0.5)\nresult = [v.constraint is not None for v in tf.global_variables()]',
    'x = tf.zeros([2, 3], tf.float64)\ny = tf.layers.dense(x, 2)\nresult = [y.dtype.name, [v.dtype.name for v in tf.global_variables()]]',
    'x = tf.zeros([2, 3], tf.float64)\ny = tf.layers.Dense(2, dtype=tf.float32)(x)\nresult = [y.name, y.dtype.name, [v.dtype.name for v in tf.global_variables()]]',
    'd = tf.layers.Dense(2)\ny = d(tf.zeros([2, 3]))\nresult = d(tf.zeros([2, 4]))',
    "x = tf.zeros([2, 8, 3])\ny = tf.layers.separable_conv1d(x, 4, 3, depth_multiplier=2, padding='same')\nresult = [y.name, y.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]",
    'x = tf.zeros([2, 3, 3, 3, 2])\ny = tf.layers.conv3d_transpose(x, 4, 2, strides=2)\nresult = [y.name, y.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.reshape(tf.range(16, dtype=tf.float32), [1, 4, 4, 1])\ny = tf.layers.separable_conv2d(x, 2, 2, depthwise_initializer=tf.constant_initializer(0.5), pointwise_initializer=tf.constant_initializer(2.0), activation=tf.nn.relu)\nz = tf.layers.conv2d_transpose(y, 1, 2, strides=2, kernel_initializer=tf.constant_initializer(0.1))\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = [y.name, z.name, s.run(z)]',
    'x = tf.reshape(tf.range(24, dtype=tf.float32), [1, 8, 3])\ny = tf.layers.separable_conv1d(x, 2, 2, depthwise_initializer=tf.constant_initializer(0.5), pointwise_initializer=tf.constant_initializer(2.0))\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(y)',
    "result = sorted(n for n in dir(tf.layers) if not n.startswith('_') and n != 'experimental')\n",
    "x = tf.zeros([2, 3]); l = tf.layers.Dense(2)\nwith tf.name_scope('a'):\n  y = l(x)\nwith tf.name_scope('b'):\n  z = l(x)\nresult = [y.name, z.name, y.op.inputs[0].name, z.op.inputs[0].name]",
    "x = tf.zeros([2, 3]); l = tf.layers.Dense(2)\ny = l(x, scope='s')\nz = l(x)\nresult = [y.name, z.name, [v.name for v in tf.global_variables()]]",
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('outer'):\n  l = tf.layers.Dense(2, name='inner')\ny = l(x)\nresult = [y.name, [v.name for v in tf.global_variables()]]",
    "x = tf.zeros([2, 3])\nwith tf.variable_scope('v') as vs:\n  pass\nl = tf.layers.Dense(2, _scope=vs)\ny = l(x)\nresult = [y.name, [v.name for v in tf.global_variables()]]",
    'x = tf.zeros([2, 3]); l = tf.layers.Dense(2)\nresult = [l.built, l.variables, l.name, l.trainable]',
    'x = tf.zeros([2, 4]); y = tf.layers.dense(x, 3, activation=tf.nn.softmax)\nresult = y.name\n',
    # channels_first 3-D pooling runs NDHWC between transposes; a dilated NCHW pool blocks
    # only the spatial dims
    "x = tf.zeros([2, 3, 4, 4, 4]); y = tf.layers.max_pooling3d(x, 2, 2, data_format="
    "'channels_first')\nz = tf.layers.AveragePooling3D(2, 1, data_format='channels_first')(x)\n"
    "w = tf.nn.pool(tf.zeros([1, 2, 5, 8]), [2, 3], 'MAX', 'VALID', dilation_rate=[1, 2], "
    "data_format='NCHW')\nresult = [y.shape.as_list(), z.shape.as_list(), w.shape.as_list(), "
    "[op.name for op in tf.get_default_graph().get_operations()]]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
