"""tf.keras.backend in TF1 graph mode against real TF + tf_keras: session, learning phase,
configuration and the tensor functions."""

import pytest
from approx import agree, explain
from oracle import run_here

B = "K = tf.keras.backend\n"

PROGRAMS = [
    B + "v = K.variable([[1., 2.], [3., 4.]], name='w'); s = K.get_session()\n"
    "result = [v.name, s.graph is tf.get_default_graph(), K.get_value(v), K.floatx(), "
    "K.epsilon(), K.image_data_format(), K.int_shape(v), K.ndim(v), K.dtype(v)]",
    B + "v = K.variable([1., 2.]); K.set_value(v, [5., 6.]); K.batch_set_value([(v, [7., 8.])])\n"
    "result = [K.get_value(v), K.batch_get_value([v])]",
    B + "lp = K.learning_phase()\n"
    "result = [lp.name, lp.op.type, lp.dtype.name, K.learning_phase() is lp]",
    B + "x = K.placeholder(shape=(None, 3), name='p'); y = K.placeholder(ndim=2)\n"
    "result = [x.name, x.shape.as_list(), y.shape.as_list()]",
    B + "a = K.constant([[1., -2.], [3., 4.]]); b = K.constant([[0.5, 1.], [2., -1.]])\n"
    "fs = [K.dot(a, b), K.sum(a, axis=1), K.mean(a), K.max(a, 0), K.square(a), K.abs(a),"
    " K.relu(a), K.sigmoid(a), K.softmax(a), K.concatenate([a, b]), K.transpose(a),"
    " K.reshape(a, (4,)), K.expand_dims(a, 0), K.clip(a, 0., 2.), K.maximum(a, b),"
    " K.batch_flatten(a), K.std(a, 0), K.var(a), K.argmax(a), K.l2_normalize(a, 1),"
    " K.stack([a, b]), K.switch(K.constant(True, dtype='bool'), a, b)]\n"
    "result = K.batch_get_value(fs)",
    B + "x = K.placeholder(shape=(None, 2)); f = K.function([x], [x * 2.0, K.sum(x)])\n"
    "result = f([np.array([[1., 2.], [3., 4.]])])",
    B + "t = K.constant([[0., 1.], [1., 0.]]); p = K.constant([[0.2, 0.8], [0.6, 0.4]])\n"
    "result = K.batch_get_value([K.categorical_crossentropy(t, p), "
    "K.binary_crossentropy(t, p), K.sparse_categorical_crossentropy(K.constant([1, 0]), p)])",
    "result = [tf.keras.losses.get('mse').__name__, tf.keras.activations.get('relu').__name__, "
    "type(tf.keras.initializers.get('he_normal')).__name__, "
    "type(tf.keras.optimizers.get('rmsprop')).__name__]",
    "init = tf.keras.initializers\n"
    "vs = [tf.get_variable(n, [3, 4], initializer=i) for n, i in ["
    "('a', init.RandomNormal(seed=1)), ('b', init.RandomUniform(seed=2)),"
    " ('c', init.TruncatedNormal(seed=3)), ('d', init.glorot_normal(seed=4)),"
    " ('e', init.lecun_uniform(seed=5)), ('f', init.Constant(2.0))]]\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(vs)",
    # is_keras_tensor: a layer's output or an Input; tf_keras' ValueError for a non-tensor
    B + "vals = [np.array(1.), 3, 'a', None, tf.constant(1.), tf.keras.Input([2]), "
    "tf.placeholder(tf.float32), tf.Variable(1.), tf.keras.layers.Dense(2)(tf.keras.Input([3])),"
    " tf.SparseTensor([[0]], [1.], [2])]\n"
    "result = [err(lambda: K.is_keras_tensor(v)) if not hasattr(v, 'dtype') or "
    "isinstance(v, np.ndarray) else K.is_keras_tensor(v) for v in vals]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_clear_session_restarts_names(tf):
    K = tf.keras
    assert K.layers.Dense(1).name == "dense"
    K.backend.clear_session()
    assert K.layers.Dense(1).name == "dense"
