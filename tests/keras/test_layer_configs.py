"""Keras layer configs against real TF + tf_keras: every constructor argument, defaults too,
as tf_keras writes them (tuples as lists, initializers as `{"class_name", "config"}`,
activations by name), for Dense and the convolutions; `from_config` takes them back."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
L = tf.keras.layers
x = tf.placeholder(tf.float32, [None, 8, 8, 3]); s = tf.placeholder(tf.float32, [None, 5, 4])
v = tf.placeholder(tf.float32, [None, 6]); x3 = tf.placeholder(tf.float32, [None, 4, 4, 4, 2])
ls = [(L.Dense(3), v), (L.Dense(2, activation='relu', use_bias=False, kernel_initializer='he_normal'), v),
      (L.Conv2D(4, 3), x), (L.Conv2D(2, (3, 1), padding='same', dilation_rate=2, use_bias=False, kernel_initializer='he_normal'), x),
      (L.Conv1D(2, 2, strides=2, activation='relu', kernel_regularizer=tf.keras.regularizers.L1L2(0.1, 0.0)), s),
      (L.Conv3D(2, 2), x3), (L.Conv2DTranspose(2, 3, strides=2), x)]
out = []
for l, t in ls:
    l(t)
    c = l.get_config()
    back = type(l).from_config(dict(c, name=c['name'] + '_copy')).get_config()
    out.append([type(l).__name__, c, back == dict(c, name=c['name'] + '_copy')])
result = out
"""


@pytest.mark.oracle
def test_dense_and_conv_configs(oracle):
    there, here = oracle(PROGRAM), run_here(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
