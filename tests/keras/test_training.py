"""tf.keras compile / fit / evaluate / predict in TF1 graph mode against real TF + tf_keras."""

import pytest
from approx import agree, explain
from oracle import run_here

K = "K = tf.keras; L = tf.keras.layers\n"
C = "tf.constant_initializer"
DATA = ("xs = np.array([[1., 2.], [2., 1.], [0., 1.], [1., 0.], [3., 1.], [-1., 2.]], 'float32')\n"
        "ys = np.array([[1.], [2.], [.5], [0.], [1.5], [-.5]], 'float32')\n")
MODEL = ("m = K.Sequential([L.Dense(3, activation='relu', input_shape=(2,), kernel_initializer="
         + C + "([.1, -.2, .3, .4, .5, -.6])), L.Dense(1, kernel_initializer=" + C + "(.5))])\n")

PROGRAMS = [
    K + DATA + MODEL + "m.compile(optimizer=K.optimizers.{opt}, loss='mse')\n"
    "h = m.fit(xs, ys, batch_size=4, epochs=3, shuffle=False, verbose=0)\n"
    "result = [h.history['loss'], m.evaluate(xs, ys, verbose=0), m.predict(xs), m.get_weights()]"
    .replace("{opt}", opt) + "\nresult.append(%r)" % opt
    for opt in ("SGD(0.1)", "SGD(0.05, momentum=0.9)", "SGD(0.05, momentum=0.9, nesterov=True)",
                "Adam(0.05)", "RMSprop(0.01)", "Adagrad(0.1)")
] + [
    # train_on_batch / test_on_batch, metrics, validation data
    K + DATA + MODEL + "m.compile('sgd', loss='mae', metrics=['mse'])\n"
    "a = m.train_on_batch(xs, ys); b = m.test_on_batch(xs, ys)\n"
    "h = m.fit(xs, ys, epochs=2, batch_size=3, shuffle=False, verbose=0, "
    "validation_data=(xs, ys))\n"
    "result = [a, b, m.metrics_names, sorted(h.history), h.history['val_loss']]",
    # classification with accuracy
    K + "xs = np.array([[0., 1.], [1., 0.], [1., 1.], [0., 0.]], 'float32')\n"
    "ys = np.array([[0.], [1.], [1.], [0.]], 'float32')\n"
    "m = K.Sequential([L.Dense(1, activation='sigmoid', input_shape=(2,), "
    "kernel_initializer=" + C + "(.3))])\n"
    "m.compile(K.optimizers.SGD(0.5), 'binary_crossentropy', metrics=['accuracy'])\n"
    "h = m.fit(xs, ys, epochs=2, batch_size=4, shuffle=False, verbose=0)\n"
    "result = [h.history, m.evaluate(xs, ys, verbose=0)]",
    K + "xs = np.array([[0., 1.], [1., 0.], [2., 1.]], 'float32'); ys = np.array([0, 1, 2])\n"
    "m = K.Sequential([L.Dense(3, activation='softmax', input_shape=(2,), "
    "kernel_initializer=" + C + "(.2))])\n"
    "m.compile(K.optimizers.SGD(0.5), 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "h = m.fit(xs, ys, epochs=2, batch_size=3, shuffle=False, verbose=0)\n"
    "result = [h.history, m.predict(xs)]",
    # optimizer variables: names of hypers and slots
    K + DATA + MODEL + "m.compile(K.optimizers.Adam(), 'mse')\n"
    "m.train_on_batch(xs, ys)\n"
    "result = sorted((v.name, v.dtype.base_dtype.name) for v in tf.global_variables())",
    # a tf.train optimizer given to compile
    K + DATA + MODEL + "m.compile(tf.train.GradientDescentOptimizer(0.1), 'mse')\n"
    "h = m.fit(xs, ys, epochs=2, batch_size=6, shuffle=False, verbose=0)\n"
    "result = h.history['loss']",
    # metrics given as names and functions
    K + "xs = np.array([[0., 1.], [1., 0.], [2., 1.]], 'float32')\n"
    "ys = np.array([[0., 0., 1.], [1., 0., 0.], [0., 1., 0.]], 'float32')\n"
    "m = K.Sequential([L.Dense(3, activation='softmax', input_shape=(2,), "
    "kernel_initializer=" + C + "([.1, .2, .3, -.1, .4, 0.]))])\n"
    "m.compile('sgd', 'categorical_crossentropy', metrics=['categorical_accuracy', "
    "K.metrics.top_k_categorical_accuracy, 'mae'])\n"
    "result = [m.metrics_names, m.evaluate(xs, ys, verbose=0)]",
    # a functional model trained by a tf.train optimizer, with validation_split, K.function
    K + "xs = np.arange(24, dtype='float32').reshape(6, 4) / 10.0\n"
    "ys = K.utils.to_categorical([0, 1, 2, 0, 1, 2], 3)\n"
    "inp = K.Input((4,), name='raw')\n"
    "h = L.Dense(5, activation='relu', kernel_initializer=" + C + "(0.1))(inp)\n"
    "h = L.Dropout(0.5)(h, training=False)\n"
    "out = L.Dense(3, activation='softmax', kernel_initializer=" + C + "(-0.2))(h)\n"
    "m = K.Model(inputs=inp, outputs=out)\n"
    "m.compile(optimizer=tf.train.MomentumOptimizer(0.5, 0.9), loss='categorical_crossentropy',"
    " metrics=['accuracy'])\n"
    "hist = m.fit(xs, ys, batch_size=3, epochs=3, shuffle=False, verbose=0, "
    "validation_split=0.5)\n"
    "f = K.backend.function([m.input, K.backend.learning_phase()], [m.output])\n"
    "result = [hist.history, m.input.name, m.output.name, [l.name for l in m.layers], "
    "f([xs[:2], 0])[0], m.predict(xs[:2]), m.get_weights(), m.evaluate(xs, ys, verbose=0)]",
] + [
    # sample weights: loss, metrics and weighted metrics, per batch and per epoch
    K + DATA + MODEL + "m.compile('sgd', loss='mse', metrics=['mae'], weighted_metrics=['mse'])\n"
    "sw = np.array([1., 2., 0., .5, 3., 1.], 'float32')\n"
    "a = m.test_on_batch(xs, ys, sample_weight=sw); b = m.train_on_batch(xs, ys, sample_weight=sw)\n"
    "h = m.fit(xs, ys, batch_size=4, epochs=2, shuffle=False, verbose=0, sample_weight=sw)\n"
    "e = m.evaluate(xs, ys, sample_weight=sw, verbose=0, batch_size=4)\n"
    "result = [a, b, h.history, e, m.metrics_names, m.predict(xs)]",
    # class weights (sparse and one-hot targets), with sample weights; their errors
    K + "xs = np.array([[0., 1.], [1., 0.], [2., 1.], [1., 1.]], 'float32')\n"
    "ys = np.array([0, 1, 2, 1]); cw = {0: 1., 1: 3., 2: .5}\n"
    "sw = np.array([1., 2., 0., .5], 'float32')\n"
    "def model(loss):\n"
    "    m = K.Sequential([L.Dense(3, activation='softmax', input_shape=(2,), "
    "kernel_initializer=" + C + "(.2))])\n"
    "    m.compile(K.optimizers.SGD(0.5), loss, metrics=['accuracy'], "
    "weighted_metrics=['accuracy'])\n"
    "    return m\n"
    "m = model('sparse_categorical_crossentropy')\n"
    "h = m.fit(xs, ys, epochs=2, batch_size=3, shuffle=False, verbose=0, class_weight=cw)\n"
    "h2 = m.fit(xs, ys, epochs=1, batch_size=3, shuffle=False, verbose=0, class_weight=cw, "
    "sample_weight=sw)\n"
    "e = m.evaluate(xs, ys, verbose=0, sample_weight=sw)\n"
    "t = m.train_on_batch(xs, ys, class_weight=cw)\n"
    "m2 = model('categorical_crossentropy')\n"
    "h3 = m2.fit(xs, K.utils.to_categorical(ys, 3), epochs=2, batch_size=3, shuffle=False, "
    "verbose=0, class_weight=cw)\n"
    "def err(f):\n"
    "    try:\n"
    "        f()\n"
    "    except ValueError as ex:\n"
    "        return str(ex)\n"
    "result = [h.history, h2.history, e, t, h3.history, m.metrics_names,\n"
    "          err(lambda: m.fit(xs, ys, verbose=0, class_weight={0: 1., 1: 3.})),\n"
    "          err(lambda: m.fit(xs, ys, verbose=0, sample_weight=sw[:3]))]",
    # metrics by name: functions ("acc" is accuracy), classes by their names (a new object)
    K + "M = K.metrics\n"
    "def got(n):\n"
    "    try:\n"
    "        r = M.get(n)\n"
    "    except ValueError as ex:\n"
    "        return str(ex)\n"
    "    return getattr(r, '__name__', None) or type(r).__name__\n"
    "names = ['acc', 'accuracy', 'mse', 'MSE', 'mae', 'binary_accuracy', 'hinge', 'AUC',\n"
    "         'Precision', 'Accuracy', 'bogus', 'mape', 'MSLE', 'kld', 'logcosh',\n"
    "         'cosine_proximity', 'kullback_leibler_divergence', 'squared_hinge']\n"
    "xs = np.array([[1., 2.], [-1., 0.], [.5, -2.], [2., 1.]], 'float32')\n"
    "ys = np.array([[1.], [0.], [0.], [1.]], 'float32')\n"
    "m = K.Sequential([L.Dense(1, activation='sigmoid', input_shape=(2,),\n"
    "                          kernel_initializer='ones')])\n"
    "m.compile('sgd', 'binary_crossentropy', metrics=['AUC', 'Precision', 'acc', 'mse'])\n"
    "h = m.fit(xs, ys, epochs=2, verbose=0, shuffle=False)\n"
    "result = [[got(n) for n in names], m.metrics_names, h.history]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_callbacks_checkpoint_early_stopping_csv_tensorboard(tf, tmp_path):
    import glob

    import numpy as np
    K = tf.keras
    xs, ys = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    m = K.Sequential([K.layers.Dense(1, input_shape=(2,))])
    m.compile(K.optimizers.SGD(10.0), "mse")  # diverges: the loss grows every epoch
    cbs = [K.callbacks.EarlyStopping(monitor="loss", patience=1),
           K.callbacks.ModelCheckpoint(str(tmp_path / "w-{epoch:02d}"), monitor="loss",
                                       save_best_only=True),
           K.callbacks.CSVLogger(str(tmp_path / "log.csv")),
           K.callbacks.TensorBoard(str(tmp_path / "tb"))]
    h = m.fit(xs, ys, epochs=10, verbose=0, callbacks=cbs)
    assert h.epoch == [0, 1]  # no improvement at epoch 1: patience 1 is spent
    # the whole model, as an HDF5 file (TF1 graph mode's model.save), best epoch only
    assert sorted(glob.glob(str(tmp_path / "w-*"))) == [str(tmp_path / "w-01")]
    assert (tmp_path / "w-01").read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    lines = open(tmp_path / "log.csv").read().splitlines()
    # tf_keras writes val_ columns ("NA") even without validation data
    assert lines[0] == "epoch,loss,val_loss" and len(lines) == 3
    assert lines[1].startswith("0,") and lines[1].endswith(",NA")
    assert glob.glob(str(tmp_path / "tb" / "events.out.tfevents.*"))
