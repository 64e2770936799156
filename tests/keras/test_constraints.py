"""tf.keras.constraints (MinMaxNorm, RadialConstraint, serialize / deserialize, names) and
the mish activation against real TF + tf_keras."""

import json

import numpy as np
import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here, run_tf_script

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; C = K.constraints
rng = np.random.RandomState(3)
w2 = rng.uniform(-2, 2, (4, 3)).astype('float32')
cs = [C.MinMaxNorm(), C.MinMaxNorm(0.5, 1.5, rate=0.7, axis=1), C.min_max_norm(max_value=3.0), C.MaxNorm(1.5), C.UnitNorm(axis=1), C.NonNeg()]
ws = [c(tf.constant(w2)) for c in cs]
x = tf.constant(np.linspace(-4, 4, 9, dtype='float32'))
acts = [K.activations.mish(x), K.activations.get('mish')(x)]
with tf.Session() as s:
    values = s.run(ws + acts)
result = [values, [c.get_config() for c in cs], [C.serialize(c) for c in cs + [C.RadialConstraint()]],
          [type(C.deserialize(C.serialize(c))).__name__ for c in cs + [C.RadialConstraint()]],
          [C.deserialize(C.serialize(c)).get_config() for c in cs],
          [type(C.get(n)).__name__ for n in ('min_max_norm', 'radial_constraint', 'MinMaxNorm', 'maxnorm', 'unitnorm', 'nonneg')],
          K.activations.serialize(K.activations.mish), K.activations.deserialize('mish').__name__,
          err(lambda: C.RadialConstraint()(tf.zeros((3, 3, 2)))), type(C.radial_constraint()).__name__, type(C.min_max_norm()).__name__]
"""

# TF1's own RadialConstraint fails at run time in a graph (its K.zeros makes a variable inside
# map_fn's loop, never initialized): its values come from TF 2's eager run of the same class
RADIAL_TF = """
import os, json
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
rng = np.random.RandomState(3)
ws = [rng.uniform(-1, 1, (n, n, 2, 3)).astype("float32") for n in (2, 3, 4, 5, 6, 7)]
print(json.dumps([tf.keras.constraints.RadialConstraint()(tf.constant(w)).numpy().tolist()
                  for w in ws]))
"""

RADIAL_HERE = """
rng = np.random.RandomState(3)
ws = [rng.uniform(-1, 1, (n, n, 2, 3)).astype("float32") for n in (2, 3, 4, 5, 6, 7)]
outs = [tf.keras.constraints.RadialConstraint()(tf.constant(w)) for w in ws]
with tf.Session() as s:
    result = s.run(outs)
"""


@pytest.mark.oracle
def test_constraints_and_mish_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)


def test_radial_constraint_matches_tf_eager(tmp_path):
    want = json.loads(run_tf_script(RADIAL_TF, tmp_path).strip().splitlines()[-1])
    got = run_here(RADIAL_HERE)["ok"]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.array(g), np.array(w), rtol=1e-5, atol=1e-5)
