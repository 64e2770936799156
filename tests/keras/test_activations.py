"""tf.keras.activations' 'gelu' (TF2's tf.nn.gelu graph: Erfc, or Tanh and Pow when
approximate; tf.compat.v1.nn has no gelu): names, op types, values bit for bit on fed inputs
of sizes with and without a tail of 8-wide packets, and its dtype error, vs TF. Gradients and
a Dense layer's output agree to float32 rounding only: TF's optimizer rewrites parts of the
gradient graph (1-ulp differences, more where 1 + tanh cancels) and fuses MatMul + BiasAdd +
Gelu into one oneDNN kernel."""

import pytest
from approx import agree, close
from oracle import ORACLE_HELPERS, explain, run_here

PROGRAM = ORACLE_HELPERS + r"""
import numpy as np
K = tf.keras
out = [hasattr(tf.nn, "gelu"), hasattr(K.activations, "gelu"), K.activations.get("gelu").__name__]
x = tf.placeholder(tf.float32, [None], name="x")
f = K.activations.get("gelu")
exact, approx = f(x), f(x, approximate=True)
g = tf.gradients(exact + approx, x)[0]
out.append(graph())
dense = K.layers.Dense(3, activation="gelu", kernel_initializer="ones")
h = tf.placeholder(tf.float32, [None, 2])
y = dense(h)
out.append([y.name, y.op.type])
rng = np.random.RandomState(0)
floats = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for n in (5, 8, 13, 37, 64):
        v = (rng.randn(n) * np.exp(rng.uniform(-3, 2.5, n))).astype(np.float32)
        v[:3] = [0.0, -12.0, 9.5]
        a, b, grad = s.run([exact, approx, g], {x: v})
        out.append([a.view(np.int32).tolist(), b.view(np.int32).tolist()])
        floats.append(grad.tolist())
    floats.append(s.run(y, {h: [[0.5, -1.5], [2.0, 0.25]]}).tolist())
out.append(err(lambda: f(tf.constant([1, 2]))))
out.append(f(tf.constant([1.0, -1.0], tf.float64)).name)
result = [out, floats]
"""


@pytest.mark.oracle
def test_gelu_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here["ok"][0] == there["ok"][0], explain(PROGRAM, here, there)
    assert close(here["ok"][1], there["ok"][1]), explain(PROGRAM, here, there)


# an unknown name in each of tf_keras' `get`s (one message, naming the custom object scope);
# tf.nn's relu6 / leaky_relu / log_softmax / silu by name; a name from a custom object scope
BY_NAME = """
import numpy as np
K = tf.keras
r = {}
for mod in ("activations", "initializers", "losses", "regularizers", "constraints", "metrics",
            "optimizers"):
    try:
        r[mod] = repr(getattr(K, mod).get("zzz"))
    except Exception as e:
        r[mod] = [type(e).__name__, str(e)]
x = tf.placeholder(tf.float32, [2, 3])
outs = []
for n in ("relu6", "leaky_relu", "log_softmax", "silu"):
    f = K.activations.get(n)
    layer = K.layers.Activation(n)
    outs.append(layer(x))
    r[n] = [f.__name__, K.activations.serialize(f), layer.get_config()["activation"]]
with K.utils.custom_object_scope({"sq": lambda t: t * t}):
    outs.append(K.layers.Dense(2, activation="sq", kernel_initializer="ones")(x))
r["ops"] = sorted((o.name, o.type) for o in tf.get_default_graph().get_operations())
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    r["values"] = [v.tolist() for v in s.run(outs, {x: [[-2., 0.5, 7.], [1., -0.1, 3.]]})]
result = r
"""


@pytest.mark.oracle
def test_names_and_unknown_names_as_tf(oracle):
    here, there = run_here(BY_NAME), oracle(BY_NAME)
    assert "values" in there["ok"], there
    assert agree(here, there), explain(BY_NAME, here, there)
