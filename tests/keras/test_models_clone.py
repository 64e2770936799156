"""`tf.keras.models.clone_model` against TF + tf_keras: functional and Sequential models
cloned with new layers of the same names (their variables uniquified in the graph), with a
`clone_function`, on given `input_tensors` (a placeholder, a Keras Input), a deferred
Sequential, a non-model's error; a clone given the original's weights predicts and
evaluates alike."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
K = tf.keras; L = K.layers
inp = K.Input(shape=(5,), name="feat")
h = L.Dense(7, activation="relu", name="hid")(inp)
h2 = L.Dense(3)(h)
out = L.Concatenate()([h, h2])
m = K.Model(inp, out)
s = K.Sequential([L.Dense(4, input_shape=(3,)), L.Dropout(0.1), L.Dense(2)])
s2 = K.Sequential([L.Dense(4), L.Dense(2)], name="deferred")
res = []
def info(c):
    graph = c._is_graph_network
    return [type(c).__name__, c.name, [l.name for l in c.layers], [w.name for w in c.weights],
            [i.name for i in c.inputs] if graph else None,
            [o.name for o in c.outputs] if graph else None]
for orig in [m, s]:
    c = K.models.clone_model(orig)
    res.append(info(c))
    c2 = K.models.clone_model(orig, clone_function=lambda l: l.__class__.from_config(
        dict(l.get_config(), name=l.name + "_c")))
    res.append(info(c2))
t = tf.placeholder(tf.float32, [None, 3], name="given")
c3 = K.models.clone_model(s, input_tensors=t)
res.append(info(c3))
t2 = K.Input(shape=(5,), name="newin")
c4 = K.models.clone_model(m, input_tensors=[t2])
res.append(info(c4))
c5 = K.models.clone_model(s2)
res.append([c5.name, [l.name for l in c5.layers], c5.built])
x = np.cos(np.arange(15, dtype="float32")).reshape(5, 3)
c = K.models.clone_model(s)
s.set_weights([np.cos(np.arange(w.size, dtype="float32")).reshape(w.shape)
               for w in s.get_weights()])
c.set_weights(s.get_weights())
c.compile("sgd", "mse")
res.append([c.predict(x), s.predict(x), float(c.evaluate(x, np.ones((5, 2), "float32"), verbose=0))])
try:
    K.models.clone_model(3)
except Exception as e:
    res.append([type(e).__name__, str(e)])
result = res
"""


@pytest.mark.oracle
def test_clone_model_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
