"""TF1 Keras' automatic op wrapping against tf_keras: raw ops on Keras tensors become
TensorFlowOpLayers (their names, configs, the session ops evaluating their constants, the ops a
second call makes), K.function's single output and group_deps, and a layer returning its
input gets an Identity copy."""

from oracle import snippet_matches

PROGRAM = r'''
import numpy as np
K = tf.keras
x = K.Input((4,)); h = K.layers.Dense(3)(x); y = K.layers.ReLU(6.)(h + 3.0) * (1 / 6.)
y = K.layers.Multiply()([h, y])
m = K.Model(x, y)
p = tf.placeholder(tf.float32, [None, 4], name="p")
z = m(p)
same = K.layers.Activation(None, name="P")(h)
f = K.backend.function([x], h * 2.0)
result = [[[l.name, type(l).__name__] for l in m.layers], z.name, same.name,
          m.layers[2].get_config()["node_def"], float(m.layers[2].get_config()["constants"][1]),
          [[op.name, op.type] for op in tf.get_default_graph().get_operations()],
          np.asarray(f([np.ones((1, 4), np.float32)])).shape]
m.set_weights([np.full((4, 3), 0.5, np.float32), np.arange(3, dtype=np.float32) - 4.0])
result.append(K.backend.get_session().run(z, {p: np.ones((2, 4), np.float32)}).tolist())
'''


def test_op_layers_function_and_identity_copies(oracle):
    snippet_matches(oracle, PROGRAM)
