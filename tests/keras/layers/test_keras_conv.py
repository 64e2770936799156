"""Keras Conv1DTranspose, UpSampling2D and UpSampling3D against TF + tf_keras: the graph op
for op (names, types, inputs, static shapes), values, configs and `from_config`, in a
Sequential and a functional model's JSON, HDF5 weights and whole-model files, and a
SavedModel that TF's loader runs."""

import pytest
from approx import agree, assert_agree_in_dirs, explain
from oracle import run_here

GRAPH = """
tf.set_random_seed(3)
K = tf.keras; L = K.layers; C = tf.constant_initializer
x = tf.placeholder(tf.float32, [None, 7, 3])
l = L.Conv1DTranspose(4, 3, strides=2, padding="same", kernel_initializer=C(0.1))
l2 = L.Conv1DTranspose(2, 2, strides=3, output_padding=1, activation="relu",
                       kernel_initializer=C(-0.2), bias_initializer="ones")
x3 = tf.placeholder(tf.float32, [None, 2, 3, 2, 2])
u, u2 = L.UpSampling3D((2, 1, 3)), L.UpSampling3D(data_format="channels_first")
x4 = tf.placeholder(tf.float32, [None, 3, None, 2]); s = tf.placeholder(tf.float32, [None, None, 2])
x5 = tf.placeholder(tf.float32, [None, 3, 2, 2])
ups = [L.UpSampling2D((2, 3))(x4), L.UpSampling1D(3)(s), L.UpSampling2D((2, 3))(x5),
       L.UpSampling2D((2, 3), interpolation="bilinear")(x5),
       L.UpSampling2D((2, 3), data_format="channels_first")(x5),
       L.UpSampling3D((1, 2, 2))(tf.placeholder(tf.float32, [None, 2, None, 3, 2]))]
ys = [l(x), l2(x), u(x3), u2(x3)]
g = [[o.name, o.type, [i.name for i in o.inputs],
      [t.shape.as_list() if t.shape.ndims is not None else None for t in o.outputs]]
     for o in tf.get_default_graph().get_operations()]
feed = {x: np.sin(np.arange(42.)).reshape(2, 7, 3), x3: np.arange(48.).reshape(2, 2, 3, 2, 2),
        x4: np.arange(12.).reshape(1, 3, 2, 2), s: np.arange(8.).reshape(2, 2, 2),
        x5: np.arange(12.).reshape(1, 3, 2, 2)}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    vals = sess.run(ys + ups[:5], feed)
layers = (l, l2, u, u2)
result = [g, vals, [c.get_config() for c in layers],
          [type(c).from_config(c.get_config()).get_config() == c.get_config() for c in layers],
          [v.name for v in tf.global_variables()]]
"""

MODELS = """
import json, os
tf.set_random_seed(3)
K = tf.keras; L = K.layers
m = K.Sequential([L.Conv1DTranspose(2, 3, input_shape=(5, 2), name="ct"), L.Reshape((7, 2, 1)),
                  L.UpSampling2D(interpolation="bilinear"), L.Reshape((14, 4, 1, 1)),
                  L.UpSampling3D((1, 1, 2), name="u3")])
i = K.Input((5, 2)); f = K.Model(i, L.Conv1DTranspose(3, 2, strides=2, name="ctf")(i))
m.save_weights(DIR + "/w.h5"); w0 = m.get_weights()
m2 = K.models.model_from_json(m.to_json()); m2.load_weights(DIR + "/w.h5")
m.save(DIR + "/m.h5"); m3 = K.models.load_model(DIR + "/m.h5")
xin = np.cos(np.arange(20.)).reshape(2, 5, 2).astype("float32")
m.save(DIR + "/sm", save_format="tf")
with tf.Session(graph=tf.Graph()) as sess:
    sig = tf.saved_model.loader.load(sess, ["serve"], DIR + "/sm").signature_def[
        "serving_default"]
    served = sess.run({k: v.name for k, v in sig.outputs.items()},
                      {sig.inputs["ct_input"].name: xin})
result = [json.loads(m.to_json())["config"], json.loads(f.to_json())["config"],
          [w.shape for w in w0], [np.array_equal(a, b) for a, b in zip(w0, m2.get_weights())],
          m.predict(xin), m3.predict(xin), served, [type(x).__name__ for x in m3.layers]]
"""


@pytest.mark.oracle
def test_graph_values_and_configs_as_tf(oracle):
    here, there = run_here(GRAPH), oracle(GRAPH)
    assert "ok" in there, there
    assert agree(here, there), explain(GRAPH, here, there)


@pytest.mark.oracle
def test_models_save_and_load_as_tf(oracle, tmp_path):
    assert_agree_in_dirs(oracle, tmp_path, MODELS)


@pytest.mark.oracle
def test_unknown_interpolation_raises_as_tf(oracle):
    code = "result = tf.keras.layers.UpSampling2D(interpolation='cubic')"
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


# grouped convolutions: Keras runs them as a jit-compiled tf.function (a PartitionedCall of
# the inputs and the kernel's value); kernels of in_channels / groups; its errors; the other
# convolutions keep `groups` in their config only
GROUPED = """
K = tf.keras; L = K.layers
def attempt(f):
    try:
        return f()
    except ValueError as e:
        return str(e)
x = tf.placeholder(tf.float32, [None, 6, 6, 4])
x1 = tf.placeholder(tf.float32, [None, 5, 4])
made = [(lambda: L.Conv2D(6, 3, groups=2, kernel_initializer=tf.constant_initializer(
            np.linspace(-1, 1, 108).reshape(3, 3, 2, 6)), bias_initializer="ones"), x),
        (lambda: L.Conv2D(5, 3, groups=2), x), (lambda: L.Conv2D(6, 3, groups=3), x),
        (lambda: L.Conv1D(6, 3, groups=4), x1),
        (lambda: L.Conv3D(2, 3, groups=2), tf.placeholder(tf.float32, [None, 5, 5, 5, 4])),
        (lambda: L.Conv2DTranspose(6, 3, groups=2), x),
        (lambda: L.SeparableConv2D(6, 3, groups=2), x),
        (lambda: L.Conv2D(6, 3, groups=2, data_format="channels_first"),
         tf.placeholder(tf.float32, [None, 4, 5, 5])),
        (lambda: L.Conv2D(6, 3, groups=0), x),
        (lambda: L.Conv1D(4, 3, groups=2, padding="causal", dilation_rate=2), x1)]
result, layers, outs = [], [], []
for make, inp in made:
    l = attempt(make)
    if isinstance(l, str):
        result.append(l)
        continue
    y = attempt(lambda: l(inp))
    result.append([y if isinstance(y, str) else [y.name, y.shape.as_list()],
                   [w.shape.as_list() for w in l.weights], l.get_config()["groups"]])
    layers.append(l); outs.append(y)
first = layers[0]
y2 = first(x * 2.0)
loss = tf.reduce_sum(tf.square(outs[0])) + tf.reduce_sum(y2)
g = tf.gradients(loss, [x] + first.weights)
step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
graph = tf.get_default_graph()
result.append(sorted([o.name, o.type, [i.name for i in o.inputs]]
                     for o in graph.get_operations() if o.name.startswith("conv2d/")))
result.append(len(graph.as_graph_def().library.function))
v = np.cos(np.arange(2 * 6 * 6 * 4)).reshape(2, 6, 6, 4).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result.append(s.run([outs[0]] + g, {x: v}))
    s.run(step, {x: v})
    result.append(s.run(loss, {x: v}))
"""


@pytest.mark.oracle
def test_grouped_convolutions_as_tf(oracle):
    here, there = run_here(GROUPED), oracle(GROUPED)
    assert "ok" in there, there
    assert agree(here, there), explain(GROUPED, here, there)
