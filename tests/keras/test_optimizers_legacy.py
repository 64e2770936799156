"""tf.keras.optimizers.legacy against real TF + tf_keras: the same OptimizerV2 classes as
tf.keras.optimizers in TF1's Keras, under the same names."""

import pytest
from oracle import explain, run_here

PROGRAM = """O = tf.keras.optimizers
names = sorted(n for n in dir(O.legacy) if not n.startswith('_'))
result = [names, [getattr(O.legacy, n) is getattr(O, n) for n in names],
          isinstance(O.legacy.SGD(0.1), O.legacy.Optimizer), O.legacy.Adam(0.5).get_config()['name']]
"""


@pytest.mark.oracle
def test_legacy_optimizers_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there, explain(PROGRAM, here, there)
