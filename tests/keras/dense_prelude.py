"""The start of the oracle programs of tests/keras/test_progbar.py and
test_callbacks_checkpoint.py: `n` rows of 3 features and 1 target, and `model()`, a
one-Dense regression compiled with SGD(0.1), mse and mae, its kernel constant."""


def dense_prelude(n):
    return (
        "K = tf.keras; C = K.initializers.Constant\n"
        "x = np.cos(np.arange(%d, dtype='float32')).reshape(%d, 3)\n"
        "y = np.sin(np.arange(%d, dtype='float32')).reshape(%d, 1)\n"
        "def model():\n"
        "    m = K.Sequential([K.layers.Dense(1, input_shape=(3,), kernel_initializer=C(0.1))])\n"
        "    m.compile(K.optimizers.SGD(0.1), 'mse', metrics=['mae'])\n"
        "    return m\n" % (3 * n, n, n, n))
