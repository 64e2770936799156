"""slim.layers.gdn against tf_slim: variables, op names, GDN and IGDN values, rank errors."""

import pytest
from oracle import explain, run_here, same

LAYERS = ("if hasattr(tf, 'contrib'):\n  L = tf.contrib.slim.layers\nelse:\n"
          "  from tensorflow.python.framework import ops\n  ops.Tensor = tf.Tensor\n"
          "  from tf_slim.layers import layers as L\n")
PROGRAMS = [
    ("x = tf.constant(np.linspace(-1, 2, 24, dtype=np.float32).reshape(1, 2, 3, 4))\n"
     "y = L.gdn(x); z = L.gdn(x, inverse=True, name='ig')\n"
     "w = L.gdn(tf.zeros([2, 3, 4]), data_format='channels_first')\n"
     "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
     "  result = [y.name, z.name, w.name, [(v.name, v.shape.as_list()) for v in "
     "tf.global_variables()], np.round(s.run(y), 5).tolist(), np.round(s.run(z), 5).tolist(), "
     "[op.name for op in tf.get_default_graph().get_operations()]]"),
    ("result = []\nfor shape in ([2, 3], [1, 2, 3, 4, 5, 6]):\n  try:\n"
     "    L.gdn(tf.zeros(shape))\n  except ValueError as e:\n    result.append(str(e))"),
    "result = L.gdn(tf.placeholder(tf.float32, [None] * 4))",
    "result = L.gdn(tf.zeros([2, 3, 4]), data_format='NHWC')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_gdn_matches_tf(oracle, code):
    code = LAYERS + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
