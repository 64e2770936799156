"""`model.save(path, save_format="tf")` in TF1 graph mode against real TF + tf_keras: TF writes
a SavedModel that `tf.saved_model.loader.load` reads, with a `serving_default` signature keyed
by the input and output layers' names. scopeflow writes a TF1 SavedModel (graph and variables,
no TF2 object graph) with the same signature keys; TF's loader and scopeflow's read it and
compute the model's predictions."""

import pytest
from approx import agree, explain
from oracle import run_here

SAVE = """import numpy as np
K = tf.keras; L = tf.keras.layers; C = tf.constant_initializer
xs = np.array([[1., 2., 0.], [2., 1., -1.]], 'float32')
a = K.Input((3,), name='a')
h = L.Dense(4, activation='relu', kernel_initializer=C(np.linspace(-1, 1, 12)), name='h')(a)
m = K.Model(a, [L.Dense(2, kernel_initializer=C(.3), name='out1')(h), L.Dense(1, activation='sigmoid', kernel_initializer=C(-.2), name='out2')(h)])
m.compile(K.optimizers.SGD(0.1), 'mse')
m.train_on_batch(xs, [np.ones((2, 2)), np.zeros((2, 1))])
m.save(DIR + '/sm', save_format='tf')
result = m.predict(xs)
"""

LOAD = """import numpy as np
xs = np.array([[1., 2., 0.], [2., 1., -1.]], 'float32')
with tf.Session(graph=tf.Graph()) as sess:
    meta = tf.saved_model.loader.load(sess, ['serve'], DIR + '/sm')
    sig = meta.signature_def['serving_default']
    outs = sess.run({k: v.name for k, v in sig.outputs.items()}, {sig.inputs['a'].name: xs})
result = [sorted(sig.inputs), sorted(sig.outputs), sig.method_name, outs,
          [[d.size for d in sig.inputs['a'].tensor_shape.dim]]]
"""


@pytest.mark.oracle
def test_saved_model_of_a_keras_model(oracle, tmp_path):
    prefix = "DIR = %r\n"
    (tmp_path / "tf").mkdir()
    (tmp_path / "here").mkdir()
    there = oracle(prefix % str(tmp_path / "tf") + SAVE)
    here = run_here(prefix % str(tmp_path / "here") + SAVE)
    assert "ok" in there, there
    assert agree(here, there), explain(SAVE, here, there)
    load = prefix % str(tmp_path / "here") + LOAD
    loaded_there, loaded_here = oracle(load), run_here(load)
    assert "ok" in loaded_there, loaded_there
    assert agree(loaded_here, loaded_there), explain(load, loaded_here, loaded_there)
    written_by_tf = oracle(prefix % str(tmp_path / "tf") + LOAD)
    assert agree(loaded_there, written_by_tf), explain(load, loaded_there, written_by_tf)
