"""Keras layer configs against real TF + tf_keras: every constructor argument, defaults too,
as tf_keras writes them (tuples as lists, initializers as `{"class_name", "config"}`,
activations by name, pooling sizes and strides, data_format), for Dense, convolutions,
pooling, padding/cropping/upsampling, Embedding and shape layers; `from_config` takes them
back."""

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
      (L.Conv3D(2, 2), x3), (L.Conv2DTranspose(2, 3, strides=2), x),
      (L.MaxPooling2D(), x), (L.AveragePooling2D(3, strides=1, padding='same'), x), (L.MaxPooling1D(), s),
      (L.Dropout(0.3), v), (L.Flatten(), x), (L.Embedding(10, 4), v), (L.Activation('tanh'), v), (L.Reshape((3, 2)), v),
      (L.GlobalAveragePooling2D(), x), (L.GlobalMaxPooling1D(), s), (L.LeakyReLU(), v), (L.Concatenate(), [v, v]),
      (L.Add(), [v, v]), (L.ZeroPadding2D(), x), (L.UpSampling2D(), x), (L.Cropping2D(1), x), (L.Permute((2, 1)), s),
      (L.RepeatVector(2), v)]
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
