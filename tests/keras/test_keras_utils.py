"""tf.keras.utils.get_source_inputs against TF + tf_keras: the Input tensors behind a Keras
tensor through shared layers and merges (each once, in order), an Input itself, a tensor no
Keras layer made, a Sequential's output, and an explicit (layer, node_index). (Named
test_keras_utils: tests/saved_model has a test_utils.py.)"""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
K = tf.keras; L = K.layers; U = K.utils
a = K.Input((3,), name="a"); b = K.Input((3,), name="b")
d = L.Dense(2)
h = d(a); h2 = d(b)
s = L.Add()([h, h2, L.Dense(2)(a)])
p = tf.placeholder(tf.float32, [None, 3], name="p")
res = [[t.name for t in U.get_source_inputs(x)] for x in [s, h2, h, a]]
res.append(U.get_source_inputs(p).name)
m = K.Sequential([L.Dense(2, input_shape=(4,)), L.Dense(1)])
res.append([t.name for t in U.get_source_inputs(m.output)])
res.append([t.name for t in U.get_source_inputs(h2, d, 1)])
result = res
"""


@pytest.mark.oracle
def test_get_source_inputs_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
