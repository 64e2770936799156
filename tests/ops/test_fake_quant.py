"""tf.quantization's fake quantization ops against real TF: the graph (op types, attrs, the
gradient ops TF's gradient functions emit), TF's float32 bits on a spread of ranges and bit
widths, and TF's errors at graph building and at run time."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rng = np.random.RandomState(0)
X = (rng.randn(600, 7) * 3).astype(np.float32)
x = tf.placeholder(tf.float32, [None, 7], name="x")
mn = np.float32([-1.3, -6, 0, -0.37, 0.2, -3.7, -2.5])
mx = np.float32([2.1, 6, 6, 0.91, 3, -0.2, 7.3])
def bits(outs, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        vals = s.run(outs, feed or {x: X})
    return [np.asarray(v).view(np.int32).ravel()[::5].tolist() for v in vals]
"""

SNIPPETS = {
    "values": """
outs = []
for j in range(7):
    for nb, nr in ((8, False), (16, True), (3, False)):
        outs.append(tf.quantization.fake_quant_with_min_max_args(
            x, min=float(mn[j]), max=float(mx[j]), num_bits=nb, narrow_range=nr))
        outs.append(tf.quantization.fake_quant_with_min_max_vars(x, mn[j], mx[j], nb, nr))
for nb, nr in ((8, False), (16, True), (4, True)):
    outs.append(tf.quantization.fake_quant_with_min_max_vars_per_channel(x, mn, mx, nb, nr))
outs.append(tf.quantization.fake_quant_with_min_max_vars(x, 0., 0.))
outs.append(tf.fake_quant_with_min_max_args(x))
result = bits(outs)
""",
    "gradients": """
lo = tf.Variable(-0.7, name="lo"); hi = tf.Variable(1.9, name="hi")
y = tf.quantization.fake_quant_with_min_max_args(x, min=-1.3, max=2.1, num_bits=5)
z = tf.quantization.fake_quant_with_min_max_vars(x, lo, hi, narrow_range=True)
pc = tf.quantization.fake_quant_with_min_max_vars_per_channel(x, mn, mx)
loss = tf.reduce_sum(y * 2) + tf.reduce_sum(z * 3) + tf.reduce_sum(pc * x)
g = tf.gradients(loss, [x, lo, hi])
direct = [tf.quantization.fake_quant_with_min_max_args_gradient(x, x * 2, min=-1.),
          *tf.quantization.fake_quant_with_min_max_vars_gradient(x, x, lo, hi, num_bits=4),
          *tf.quantization.fake_quant_with_min_max_vars_per_channel_gradient(x, x, mn, mx)]
result = [bits(g + direct), [[t.name, t.shape.as_list()] for t in g + direct], graph()]
""",
    "graph_errors": """
result = [err(lambda: tf.quantization.fake_quant_with_min_max_args(tf.zeros([2], tf.float64))),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars(x, [1., 2.], 3.)),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars(x, 1, 3.)),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars_per_channel(x, [1.], [3.])),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars_per_channel(x, 1., 3.)),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars_per_channel(
              tf.zeros([]), [1.], [3.])),
          err(lambda: tf.quantization.fake_quant_with_min_max_vars_gradient(
              x, tf.zeros([2, 3]), 0., 1.)),
          tf.quantization.fake_quant_with_min_max_args_gradient(x, tf.zeros([2, 2])).shape]
""",
    "run_errors": """
a = tf.placeholder(tf.float32); b = tf.placeholder(tf.float32)
c = tf.constant([[-1., 0.3, 2.]])
v = tf.quantization.fake_quant_with_min_max_vars(c, a, b)
p = tf.quantization.fake_quant_with_min_max_vars_per_channel(c, a, b)
result = []
with tf.Session() as s:
    for lo, hi in [(2., 1.), (1., 1.), (np.zeros(2), 1.)]:
        result.append(err(lambda: s.run(v, {a: lo, b: hi}).tolist()))
    for lo, hi in [([2., 0, 0], [1., 1, 1]), ([0.] * 3, [0.] * 3), ([0.] * 2, [1.] * 2),
                   (0., 1.)]:
        result.append(err(lambda: s.run(p, {a: lo, b: hi}).tolist()))
    for kw in [dict(min=1., max=1.), dict(min=2., max=1.), dict(num_bits=1),
               dict(num_bits=17)]:
        result.append(err(lambda: s.run(tf.quantization.fake_quant_with_min_max_args(c, **kw))))
        result.append(err(lambda: s.run(
            tf.quantization.fake_quant_with_min_max_args_gradient(c, c, **kw))))
    result.append(err(lambda: s.run(
        tf.quantization.fake_quant_with_min_max_vars(c, -1., 1., num_bits=17))))
    result.append(err(lambda: s.run(
        tf.quantization.fake_quant_with_min_max_args_gradient(c, tf.zeros([1, 2]), name="g"))))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_fake_quant_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)
