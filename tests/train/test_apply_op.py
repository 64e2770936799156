"""Training ops' updates bit for bit as TF's kernels compute them (each product rounded)."""

import pytest

from oracle import explain, run_here

# update rules whose TF kernels are products and sums only; XLA:CPU would fuse them into
# fused multiply-adds (one rounding) and drift from TF in the last bits within a few steps
EXACT = [
    "tf.train.GradientDescentOptimizer(0.013)",
    "tf.train.MomentumOptimizer(0.013, 0.9)",
    "tf.train.MomentumOptimizer(0.013, 0.9, use_nesterov=True)",
    "tf.train.AdamOptimizer(0.013)",
    "tf.train.AdadeltaOptimizer(0.7)",
]

RUN = '''
tf.set_random_seed(3)
steps = []
for i, make in enumerate([%s]):
    with tf.variable_scope("opt%%d" %% i):
        w = tf.get_variable("w", initializer=tf.reshape(tf.linspace(-1.3, 2.7, 64), %s))
        g = tf.random_normal(%s, seed=7)
        steps.append(make().apply_gradients([(g, w)]))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for _ in range(20):
        s.run(steps)
    result = s.run(tf.global_variables())
'''


# a vector, and variables of several axes, whose updates run on a 1-D view (apply_op._flat)
@pytest.mark.oracle
@pytest.mark.parametrize("shape", [[64], [16, 4], [2, 4, 8], [32, 2]])
def test_updates_equal_tf_bit_for_bit(oracle, shape):
    src = RUN % (", ".join("lambda: " + m for m in EXACT), shape, shape)
    here, there = run_here(src), oracle(src)
    assert here == there, explain(src, here, there)
