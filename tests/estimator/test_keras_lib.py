"""tf.keras.estimator.model_to_estimator (scopeflow/estimator/keras_lib.py) against
tf_keras + tensorflow_estimator 2.15 (under TF 2.21 via tf_estimator_shim): one program
converts compiled Keras models (functional, Sequential, two inputs / two outputs; SGD, Adam,
RMSprop, a tf.train optimizer; batch normalization's updates; sample weights;
metric_names_map; an HDF5 keras_model_path; export_outputs), trains, evaluates and
predicts under both; the checkpoints' variable names and values, the eval metrics (keys
and values), the predictions and the errors are compared."""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from estimator_script import TF_SCRIPT_HEAD, tf_results  # noqa: E402
from oracle import to_json  # noqa: E402
from test_estimator_oracle import close  # noqa: E402

pytestmark = pytest.mark.xdist_group("estimator_oracle")

PROGRAM = r'''
def program(tf, md):
    import numpy as np, os
    out = {}
    tf.set_random_seed(1)
    inp = tf.keras.Input((3,), name="x")
    h = tf.keras.layers.Dense(2, name="d",
                              kernel_initializer=tf.keras.initializers.Constant(0.1))(inp)
    m = tf.keras.Model(inp, h)
    m.compile(tf.keras.optimizers.SGD(0.1), "mse", metrics=["mae", "accuracy"])
    est = tf.keras.estimator.model_to_estimator(keras_model=m, model_dir=md)
    out["first"] = tf.train.list_variables(os.path.join(md, "keras", "keras_model.ckpt"))
    out["files"] = sorted(os.listdir(os.path.join(md, "keras")))
    X = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    Y = np.ones((4, 2), np.float32)
    def ifn():
        return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(2).repeat()
    est.train(ifn, steps=3)
    out["ckpt"] = tf.train.list_variables(md)
    out["kernel"] = tf.train.load_variable(md, "d/kernel").tolist()
    r = est.evaluate(ifn, steps=2)
    out["eval"] = {k: float(v) for k, v in r.items()}
    p = list(est.predict(lambda: tf.data.Dataset.from_tensor_slices({"x": X}).batch(2)))
    out["pred"] = [{k: v.tolist() for k, v in d.items()} for d in p]
    return out


def program2(tf, md):
    import numpy as np, os
    out = {}
    tf.set_random_seed(2)
    m = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="relu", input_shape=(2,),
                                                   kernel_initializer="ones", name="h"),
                             tf.keras.layers.Dense(1, kernel_initializer="ones", name="o")])
    m.compile(tf.keras.optimizers.Adam(0.01), "mse", metrics=["mse"])
    est = tf.keras.estimator.model_to_estimator(keras_model=m, model_dir=md)
    X = np.array([[1., 2.], [3., 4.], [0.5, -1.], [2., 0.]], np.float32)
    Y = np.array([[1.], [2.], [0.], [1.]], np.float32)
    W = np.array([1., 0.5, 2., 1.], np.float32)
    def ifn():
        return tf.data.Dataset.from_tensor_slices(({"features": X, "sample_weights": W}, Y)) \
            .batch(2).repeat()
    est.train(ifn, steps=2)
    out["ckpt"] = tf.train.list_variables(md)
    out["h"] = tf.train.load_variable(md, "h/kernel").tolist()
    out["eval"] = {k: float(v) for k, v in est.evaluate(
        lambda: tf.data.Dataset.from_tensor_slices((X, Y)).batch(2), steps=2).items()}
    out["pred"] = [{k: v.tolist() for k, v in d.items()} for d in est.predict(
        lambda: tf.data.Dataset.from_tensor_slices(X).batch(4))]
    # two inputs, two outputs, dict labels, renamed metrics
    a = tf.keras.Input((2,), name="a")
    b = tf.keras.Input((1,), name="b")
    c = tf.keras.layers.Concatenate()([a, b])
    y1 = tf.keras.layers.Dense(1, name="y1", kernel_initializer="zeros")(c)
    y2 = tf.keras.layers.Dense(2, name="y2", kernel_initializer="ones")(c)
    m2 = tf.keras.Model([a, b], [y1, y2])
    m2.compile(tf.keras.optimizers.RMSprop(0.01), ["mse", "mae"], metrics=["mae"],
               loss_weights=[1.0, 0.5])
    md2 = os.path.join(md, "two")
    est2 = tf.keras.estimator.model_to_estimator(
        keras_model=m2, model_dir=md2,
        metric_names_map={"y1_mean_absolute_error": "first_mae",
                          "y2_mean_absolute_error": "second"})
    def ifn2():
        f = {"a": X, "b": Y}
        return tf.data.Dataset.from_tensor_slices((f, {"y1": Y, "y2": X})).batch(2)
    est2.train(ifn2, steps=2)
    out["ckpt2"] = tf.train.list_variables(md2)
    out["eval2"] = {k: float(v) for k, v in est2.evaluate(ifn2).items()}
    out["pred2"] = [{k: v.tolist() for k, v in d.items()} for d in est2.predict(
        lambda: tf.data.Dataset.from_tensor_slices({"a": X, "b": Y}).batch(4))]
    return out


def program4(tf, md):
    import numpy as np, os
    out = {}
    X = np.array([[1., 2.], [3., 4.], [0.5, -1.], [2., 0.]], np.float32)
    Y = np.array([[1.], [2.], [0.], [1.]], np.float32)
    inp = tf.keras.Input((2,), name="i")
    h = tf.keras.layers.Dense(3, name="h", kernel_initializer="ones")(inp)
    h = tf.keras.layers.BatchNormalization(name="bn")(h)
    h = tf.keras.layers.Dropout(0.0)(h)
    o = tf.keras.layers.Dense(1, name="o", kernel_initializer="ones")(h)
    m = tf.keras.Model(inp, o)
    m.compile(tf.train.GradientDescentOptimizer(0.01), "mse")
    est = tf.keras.estimator.model_to_estimator(keras_model=m, model_dir=os.path.join(md, "a"))
    out["first"] = tf.train.list_variables(os.path.join(md, "a", "keras", "keras_model.ckpt"))
    est.train(lambda: tf.data.Dataset.from_tensor_slices((X, Y)).batch(2), steps=2)
    out["ckpt"] = tf.train.list_variables(os.path.join(md, "a"))
    out["mm"] = tf.train.load_variable(os.path.join(md, "a"), "bn/moving_mean").tolist()
    out["eval"] = {k: float(v) for k, v in est.evaluate(
        lambda: tf.data.Dataset.from_tensor_slices((X, Y)).batch(2)).items()}
    out["pred"] = [{k: v.tolist() for k, v in d.items()} for d in est.predict(
        lambda: tf.data.Dataset.from_tensor_slices(X).batch(4))]
    return out


def errors(tf, md):
    out = {}
    m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    cases = {"none": {}, "uncompiled": {"keras_model": m},
             "both": {"keras_model": m, "keras_model_path": "x.h5"}}
    for name, kw in cases.items():
        try:
            tf.keras.estimator.model_to_estimator(model_dir=md, **kw)
            out[name] = "ok"
        except Exception as e:
            out[name] = [type(e).__name__, str(e)]
    m.compile("sgd", "mse")
    try:
        tf.keras.estimator.model_to_estimator(m, model_dir=md, checkpoint_format="x")
    except Exception as e:
        out["format"] = [type(e).__name__, str(e)]
    import numpy as np
    X = np.ones((2, 2), np.float32)
    e2 = tf.keras.estimator.model_to_estimator(
        keras_model=m, model_dir=md, export_outputs={"zz": tf.estimator.export.RegressionOutput})
    try:
        e2.train(lambda: tf.data.Dataset.from_tensor_slices((X, X)).batch(2), steps=1)
    except Exception as e:
        out["export_err"] = [type(e).__name__, str(e).rsplit("keras model.")[-1]]
    return out


def program3(tf, md):
    import numpy as np, os
    out = {}
    m = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(2,), name="k",
                                                   kernel_initializer="ones")])
    m.compile(tf.keras.optimizers.SGD(0.05, momentum=0.9), "mse", metrics=["mae"])
    m.train_on_batch(np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32))
    os.makedirs(md)
    path = os.path.join(md, "m.h5")
    m.save(path)
    X = np.array([[1., 2.], [3., 4.]], np.float32)
    est = tf.keras.estimator.model_to_estimator(keras_model_path=path,
                                                model_dir=os.path.join(md, "e"))
    out["first"] = tf.train.load_variable(os.path.join(md, "e", "keras", "keras_model.ckpt"),
                                          "k/kernel").tolist()
    out["pred"] = [{k: v.tolist() for k, v in d.items()} for d in est.predict(
        lambda: tf.data.Dataset.from_tensor_slices(X).batch(2))]
    e3 = tf.keras.estimator.model_to_estimator(
        keras_model=m, model_dir=os.path.join(md, "g"),
        export_outputs={"k": tf.estimator.export.RegressionOutput})
    e3.train(lambda: tf.data.Dataset.from_tensor_slices((X, X)).batch(2), steps=1)
    out["ckpt"] = tf.train.list_variables(os.path.join(md, "g"))
    out["pred3"] = [{k: v.tolist() for k, v in d.items()} for d in e3.predict(
        lambda: tf.data.Dataset.from_tensor_slices(X).batch(2))]
    try:
        e3.train(lambda: tf.data.Dataset.from_tensor_slices(({"q": X}, X)).batch(2), steps=1)
    except Exception as e:
        out["feat_err"] = [type(e).__name__, str(e)]
    return out
'''

_NAMES = ("program", "program2", "program3", "program4", "errors")

_TF_SCRIPT = TF_SCRIPT_HEAD + r"""
tf.estimator = E
d = sys.argv[1]
print(json.dumps({n: to_json(globals()[n](tf, os.path.join(d, n)))
                  for n in ("program", "program2", "program3", "program4", "errors")}))
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    here = os.path.dirname(os.path.abspath(__file__))
    there, tf = tf_results(_TF_SCRIPT, {"here": here, "program": PROGRAM}, tmp_path_factory)
    env = {}
    exec(PROGRAM, env)
    d = str(tmp_path_factory.mktemp("sf"))
    with tf.Graph().as_default():  # as TF's fresh process: Keras' layer names start anew
        return {n: to_json(env[n](tf, os.path.join(d, n))) for n in _NAMES}, there


@pytest.mark.parametrize("name", _NAMES)
def test_model_to_estimator(results, name):
    here, there = results
    if os.environ.get("SHOW"):
        print(json.dumps(here[name]))
        print(json.dumps(there[name]))
    assert close(here[name], there[name]), (name, here[name], there[name])


def test_checkpoint_format_object_based_not_supported(tmp_path):
    import scopeflow.compat.v1 as tf
    m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    m.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="checkpoint_format"):
        tf.keras.estimator.model_to_estimator(m, model_dir=str(tmp_path),
                                              checkpoint_format="checkpoint")
