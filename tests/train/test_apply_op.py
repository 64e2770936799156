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
        w = tf.get_variable("w", initializer=tf.linspace(-1.3, 2.7, 64))
        g = tf.random_normal([64], seed=7)
        steps.append(make().apply_gradients([(g, w)]))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for _ in range(20):
        s.run(steps)
    result = s.run(tf.global_variables())
''' % ", ".join("lambda: " + m for m in EXACT)


@pytest.mark.oracle
def test_updates_equal_tf_bit_for_bit(oracle):
    here, there = run_here(RUN), oracle(RUN)
    assert here == there, explain(RUN, here, there)
