"""tf.keras layers in TF1 graphs against real TF + tf_keras: names, shapes, values."""

import pytest
from oracle import explain, run_here, same

K = "K = tf.keras; L = tf.keras.layers\n"
VARS = "[(v.name, v.shape.as_list()) for v in tf.global_variables()]"
RUN = ("with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
       "  result = s.run(y, feed)\n")
C = "tf.constant_initializer"

PROGRAMS = [
    # naming: per-graph counters shared with tf.layers, name_scope per call
    K + "result = [tf.layers.Dense(2).name, L.Dense(2).name, L.Dense(2).name, "
    "tf.layers.Dense(2).name, L.Conv2D(1, 1).name, L.BatchNormalization().name]",
    K + "x = tf.placeholder(tf.float32, [None, 3]); d = L.Dense(2)\n"
    "with tf.name_scope('a'):\n  y = d(x)\nz = d(x)\n"
    "result = [y.name, z.name, " + VARS + ", d.built]",
    K + "x = tf.placeholder(tf.float32, [None, 5, 3]); y = L.Dense(4)(x)\n"
    "result = [y.name, y.shape.as_list(), " + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 3])\n"
    "y = L.Dense(2, kernel_regularizer=tf.keras.regularizers.l2(0.1))(x)\n"
    "result = [y.name, len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))]",
    K + "x = tf.placeholder(tf.float32, [None, 3]); d = L.Dense(2, trainable=False); d(x)\n"
    "result = [[v.name for v in d.trainable_weights], [v.name for v in d.non_trainable_weights],"
    " [v.name for v in tf.trainable_variables()]]",
    # values with constant initializers
    K + "x = tf.placeholder(tf.float32, [None, 2]); feed = {x: [[1., -2.], [3., 4.]]}\n"
    "y = L.Dense(3, activation='tanh', kernel_initializer=" + C + "([[.1, .2, .3], [.4, .5, .6]]),"
    " bias_initializer=" + C + "(0.1))(x)\n" + RUN,
    # convolutions, pooling, reshaping
    K + "x = tf.placeholder(tf.float32, [None, 9, 2])\n"
    "a = L.Conv1D(3, 2, strides=2)(x); b = L.MaxPooling1D()(x); c = L.AveragePooling1D(3)(x)\n"
    "d = L.GlobalAveragePooling1D()(x); e = L.GlobalMaxPooling1D()(x)\n"
    "result = [[t.name, t.shape.as_list()] for t in (a, b, c, d, e)] + [" + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 5, 5, 2])\n"
    "a = L.Conv2DTranspose(3, 3, strides=2, padding='same')(x)\n"
    "b = L.GlobalAveragePooling2D()(x)\n"
    "c = L.GlobalMaxPooling2D()(x); d = L.SeparableConv2D(4, 3)(x)\n"
    "result = [[t.name, t.shape.as_list()] for t in (a, b, c, d)] + [" + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 4, 6])\n"
    "a = L.Reshape((3, 8))(x); b = L.Reshape((-1, 2))(x); c = L.Permute((2, 1))(x)\n"
    "d = L.Flatten()(x); e = L.RepeatVector(3)(L.Flatten()(x))\n"
    "result = [t.shape.as_list() for t in (a, b, c, d, e)] + [a.name, c.name, d.name]",
    K + "x = tf.placeholder(tf.float32, [None, 2, 2, 1])\n"
    "feed = {x: [[[[1.], [2.]], [[3.], [4.]]]]}\n"
    "y = [L.ZeroPadding2D(1)(x), L.UpSampling2D()(x), L.Cropping2D(((1, 0), (0, 1)))(x)]\n"
    + RUN + "result = [r.tolist() for r in result] + [[t.shape.as_list() for t in y]]",
    # activations
    K + "x = tf.placeholder(tf.float32, [None, 3]); feed = {x: [[-2., 0.5, 3.]]}\n"
    "y = [L.Activation('relu')(x), L.ReLU(max_value=1.0)(x), L.LeakyReLU()(x), L.ELU()(x),"
    " L.Softmax()(x), L.Activation('sigmoid')(x), L.ThresholdedReLU(0.6)(x),"
    " L.Activation('softplus')(x), L.Activation('linear')(x)]\n" + RUN
    + "result = [result, [t.name for t in y[:5]]]",
    # dropout and the learning phase
    K + "x = tf.placeholder(tf.float32, [None, 3]); y = L.Dropout(0.5)(x)\n"
    "lp = tf.keras.backend.learning_phase()\n"
    "with tf.Session() as s:\n  result = [y.name, lp.name, s.run(y, {x: [[1., 2., 3.]]}).tolist()]",
    K + "x = tf.placeholder(tf.float32, [None, 3]); y = L.Dropout(0.5)(x, training=False)\n"
    "result = [y.name, y.op.type]",
    # merge layers
    K + "a = tf.placeholder(tf.float32, [None, 2]); b = tf.placeholder(tf.float32, [None, 2])\n"
    "feed = {a: [[1., 2.]], b: [[3., 5.]]}\n"
    "y = [L.Subtract()([a, b]), L.Average()([a, b]), L.Maximum()([a, b]), L.Minimum()([a, b]),"
    " L.Dot(axes=1)([a, b]), L.add([a, b]), L.concatenate([a, b])]\n" + RUN
    + "result = [result, [t.name for t in y], [t.shape.as_list() for t in y]]",
    # embedding / lambda
    K + "ids = tf.placeholder(tf.int32, [None, 2]); feed = {ids: [[1, 0]]}\n"
    "y = L.Lambda(lambda t: t * 2.0)(L.Embedding(3, 2, embeddings_initializer=" + C
    + "([1., 2., 3., 4., 5., 6.]))(ids))\n" + RUN + "result = [result, y.name]",
    # batch normalization
    K + "x = tf.placeholder(tf.float32, [None, 4, 4, 2]); bn = L.BatchNormalization(); y = bn(x)\n"
    "result = [y.shape.as_list(), len(bn.updates), " + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 2]); bn = L.BatchNormalization(momentum=0.5)\n"
    "y = bn(x); lp = tf.keras.backend.learning_phase(); d = {x: [[1., 2.], [3., 6.]]}\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  a = s.run(y, d); d[lp] = True; b = s.run([y] + bn.updates, d)[0]\n"
    "  result = [a, b, s.run(bn.moving_mean), s.run(bn.moving_variance)]",
    # recurrent layers
    K + "x = tf.placeholder(tf.float32, [None, 3, 2])\n"
    "a = L.SimpleRNN(4, return_sequences=True)(x); b, h, c = L.LSTM(2, return_state=True)(x)\n"
    "result = [[t.shape.as_list() for t in (a, b, h, c)], " + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 3, 2])\n"
    "feed = {x: [[[1., 0.], [0., 1.], [1., 1.]]]}\n"
    "o = tf.constant_initializer(0.3); q = tf.constant_initializer(-0.2)\n"
    "y = [L.LSTM(2, kernel_initializer=o, recurrent_initializer=q)(x),"
    " L.GRU(2, kernel_initializer=o, recurrent_initializer=q)(x),"
    " L.SimpleRNN(2, kernel_initializer=o, recurrent_initializer=q)(x)]\n" + RUN,
    # a subclassed layer
    K + "class Scale(L.Layer):\n  def build(self, shape):\n"
    "    self.w = self.add_weight('w', shape=(int(shape[-1]),), initializer='ones')\n"
    "  def call(self, x):\n    return x * self.w\n"
    "x = tf.placeholder(tf.float32, [None, 3]); l = Scale(); y = l(x); z = l(x)\n"
    "result = [l.name, y.name, z.name, [v.name for v in l.weights], " + VARS + "]",
    # wrappers and training-only layers
    K + "x = tf.placeholder(tf.float32, [None, 4, 3])\n"
    "a = L.TimeDistributed(L.Dense(2))(x); b = L.Bidirectional(L.LSTM(2))(x)\n"
    "c = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode='sum')(x)\n"
    "img = tf.placeholder(tf.float32, [None, 5, 5, 3])\n"
    "d = L.DepthwiseConv2D(3, depth_multiplier=2)(img); e = L.SpatialDropout2D(0.5)(img)\n"
    "f = L.Cropping1D((1, 2))(x); g = L.GaussianNoise(0.1)(x); h = L.LayerNormalization()(x)\n"
    "result = [[(t.name, t.shape.as_list()) for t in (a, d, e, f, g, h)], "
    "[t.shape.as_list() for t in (b, c)], " + VARS + "]",
    K + "x = tf.placeholder(tf.float32, [None, 3, 2])\n"
    "feed = {x: [[[1., 2.], [0., 1.], [3., -1.]]]}\n"
    "o = tf.constant_initializer(0.3); q = tf.constant_initializer(-0.2)\n"
    "y = [L.Bidirectional(L.SimpleRNN(2, kernel_initializer=o, recurrent_initializer=q,"
    " return_sequences=True))(x), L.TimeDistributed(L.Dense(1, kernel_initializer=o))(x),"
    " L.LayerNormalization()(x), L.SpatialDropout1D(0.5)(x), L.GaussianDropout(0.3)(x)]\n"
    "img = tf.placeholder(tf.float32, [None, 3, 3, 2])\n"
    "feed[img] = np.arange(18.).reshape(1, 3, 3, 2)\n"
    "y.append(L.DepthwiseConv2D(2, depthwise_initializer=o)(img))\n" + RUN,
    # a depthwise kernel's regularizer and constraint are kept (were dropped), as tf_keras
    K + "img = tf.placeholder(tf.float32, [None, 3, 3, 2]); o = tf.constant_initializer(0.3)\n"
    "l = L.DepthwiseConv2D(2, depthwise_initializer=o, bias_initializer=o,"
    " depthwise_regularizer=K.regularizers.l2(0.1), bias_regularizer='l1',"
    " depthwise_constraint=K.constraints.max_norm(2.))\n"
    "y = l(img)\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = [[t.name for t in l.losses], s.run(l.losses),"
    " l.get_config()['depthwise_regularizer'], l.get_config()['depthwise_constraint'],"
    " [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]]",
    # a noise shape with None (the input's size there): Keras' Shape/Pack ops, seeded masks
    K + "x = tf.placeholder(tf.float32, [None, 3, 4]); feed = {x: np.ones((2, 3, 4))}\n"
    "y = [L.Dropout(0.5, noise_shape=(None, 1, 4), seed=3)(x, training=True),"
    " tf.layers.Dropout(0.5, noise_shape=(2, 1, 4), seed=3)(x, training=True)]\n"
    "ops = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]\n" + RUN
    + "result = [ops, result]",
    # default initializers under a graph seed: TF's values
    K + "tf.set_random_seed(1); x = tf.placeholder(tf.float32, [None, 3])\n"
    "m = K.Sequential([L.Dense(4, activation='relu', input_shape=(3,)), L.Dense(2)]); y = m(x)\n"
    "e = L.Embedding(4, 2)(tf.placeholder(tf.int32, [None]))\n"
    "c = L.Conv2D(2, 2)(tf.placeholder(tf.float32, [None, 3, 3, 1]))\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = s.run(tf.global_variables())",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
