"""tf.keras models in TF1 graphs against real TF + tf_keras: Sequential, functional and
subclassed models, their layers, weights and values."""

import pytest
from approx import close
from oracle import explain, run_here, same

K = "K = tf.keras; L = tf.keras.layers\n"
VARS = "[(v.name, v.shape.as_list()) for v in tf.global_variables()]"
C = "tf.constant_initializer"
INIT = "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"

PROGRAMS = [
    K + "m = K.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(1)])\n"
    "x = tf.placeholder(tf.float32, [None, 3]); y = m(x)\n"
    "result = [m.name, [l.name for l in m.layers], [t.name for t in m.inputs], "
    "[t.name for t in m.outputs], y.name, " + VARS + "]",
    K + "m = K.Sequential(); m.add(L.Dense(2, input_dim=3)); m.add(L.Activation('relu'))\n"
    "result = [[l.name for l in m.layers], m.outputs[0].name, [w.name for w in m.weights]]",
    K + "a = K.Input((2,)); b = L.Dense(3, name='h')(a); c = L.Dense(1)(b)\n"
    "m = K.Model(inputs=a, outputs=c, name='net')\n"
    "x = tf.placeholder(tf.float32, [None, 2]); y = m(x)\n"
    "result = [m.name, [l.name for l in m.layers], y.name, m.get_layer('h').name, "
    "[w.name for w in m.trainable_weights], m.inputs[0].name]",
    K + "a = K.Input((2,)); o1 = L.Dense(1, name='o1')(a); o2 = L.Dense(2, name='o2')(a)\n"
    "m = K.Model(a, [o1, o2]); p = tf.placeholder(tf.float32, [None, 2]); y = m(p)\n"
    "result = [[t.name for t in m.outputs], [t.name for t in y], [l.name for l in m.layers]]",
    # shared layer: one set of variables
    K + "d = L.Dense(2, kernel_initializer=" + C + "(1.0))\n"
    "a = K.Input((2,), name='a'); b = K.Input((2,), name='b')\n"
    "out = L.Add()([d(a), d(b)]); m = K.Model([a, b], out)\n"
    + INIT + "  v = s.run(out, {a: [[1., 2.]], b: [[3., 4.]]})\n"
    "result = [v, " + VARS + ", [l.name for l in m.layers], out.name]",
    # subclassed model
    K + "class Net(K.Model):\n  def __init__(self):\n    super(Net, self).__init__()\n"
    "    self.d1 = L.Dense(3, activation='relu', kernel_initializer=" + C + "(0.5))\n"
    "    self.d2 = L.Dense(1, kernel_initializer=" + C + "(1.0))\n"
    "  def call(self, x):\n    return self.d2(self.d1(x))\n"
    "net = Net(); x = tf.placeholder(tf.float32, [None, 2]); y = net(x)\n"
    + INIT + "  v = s.run(y, {x: [[1., 2.]]})\n"
    "result = [net.name, y.name, [l.name for l in net.layers], "
    "[w.name for w in net.trainable_weights], v]",
    # Sequential with BatchNormalization and Dropout: updates and learning phase
    K + "m = K.Sequential([L.Dense(2, input_shape=(2,)), L.BatchNormalization(), "
    "L.Dropout(0.5)])\n"
    "result = [len(m.updates), [w.name for w in m.non_trainable_weights], m.outputs[0].name]",
    # a TF1 training step with tf.train optimizers over keras layers
    K + "tf.set_random_seed(1)\n"
    "x = tf.placeholder(tf.float32, [None, 3]); t = tf.placeholder(tf.float32, [None, 1])\n"
    "h = L.Dense(4, activation='relu',\n"
    "            kernel_initializer=K.initializers.glorot_uniform(seed=2))(x)\n"
    "y = L.Dense(1, kernel_initializer=K.initializers.he_normal(seed=3))(h)\n"
    "loss = tf.reduce_mean(tf.square(y - t)); step = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
    "d = {x: [[1., 2., 3.], [0., -1., 2.]], t: [[1.], [0.]]}\n"
    + INIT + "  ls = [s.run([loss, step], d)[0] for _ in range(5)]\n"
    "result = [ls, sorted(v.name for v in tf.global_variables())]",
    # summary() text: sequential and graph layouts
    K + "m = K.Sequential([L.Dense(4, input_shape=(3,)), L.BatchNormalization(), L.Dense(1)])\n"
    "lines = []; m.summary(print_fn=lines.append)\n"
    "a = K.Input((3,), name='a'); b = K.Input((3,), name='b'); sh = L.Dense(2, name='shared')\n"
    "c = L.Concatenate()([sh(a), sh(b)]); mm = K.Model([a, b], L.Dense(1)(c))\n"
    "mm.summary(print_fn=lines.append)\n"
    "f = K.Input((5, 5, 1)); g = L.Flatten()(L.Conv2D(2, 3)(f)); K.Model(f, g).summary("
    "print_fn=lines.append)\nresult = lines",
    # Input in a Sequential; a Sequential built by its first fit
    K + "m = K.Sequential([K.Input(shape=(2,)), L.Dense(1)])\n"
    "result = [[l.name for l in m.layers], m.inputs[0].name, m.outputs[0].name]",
    K + "m = K.Sequential([L.Dense(1, kernel_initializer=" + C + "(.5))])\n"
    "m.compile(K.optimizers.SGD(0.1), 'mse')\n"
    "h = m.fit(np.ones((4, 3), 'float32'), np.zeros((4, 1), 'float32'), epochs=2, verbose=0)\n"
    "result = [h.history['loss'], m.inputs[0].name, m.outputs[0].name]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


SAVE = K + ("m = K.Sequential([L.Dense(3, activation='relu', input_shape=(2,)), L.Dense(1)])\n"
            "x = np.array([[1., 2.], [-1., .5]], 'float32')\n")


@pytest.mark.oracle
def test_load_weights_written_by_tf(oracle, tmp_path):
    path = str(tmp_path / "ckpt")
    code = SAVE + "tf.set_random_seed(3); s = K.backend.get_session()\n"
    there = oracle(code + "m.save_weights(%r); result = m.predict(x)" % path)
    here = run_here(code + "m.load_weights(%r); result = m.predict(x)" % path)
    # (TF's weights are unseeded: a value can fall on a 5-place rounding boundary)
    assert "ok" in there and close(here, there), explain("load_weights", here, there)


def test_save_then_load_weights_round_trip(tf, tmp_path):
    K = tf.keras
    m = K.Sequential([K.layers.Dense(2, input_shape=(3,))])
    before = m.get_weights()
    m.save_weights(str(tmp_path / "w"))
    K.backend.set_value(m.weights[0], before[0] * 0)
    m.load_weights(str(tmp_path / "w"))
    for a, b in zip(before, m.get_weights()):
        assert (a == b).all()
