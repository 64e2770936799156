"""The gradient of tf.random_gamma's samples with respect to alpha (TF's _RandomGammaGrad):
the same ops under the same names, and TF's values (seeded samples, Eigen's derivative)."""

import pytest

import scopeflow.compat.v1 as tf
from oracle import run_here

PROGRAM = """
tf.set_random_seed(4)
res = []
for shape, alpha_shape, beta in [([2, 4], [3], None), ([5], [], 2.0), ([], [2, 3], None),
                                 ([3, 1, 2], [2], [[1.5], [0.5]])]:
    alpha = tf.placeholder(tf.float32, alpha_shape)
    s = tf.random_gamma(shape, alpha, beta=beta, seed=3)
    loss = tf.reduce_sum(tf.square(s))
    g = tf.gradients(loss, alpha)[0]
    av = np.linspace(0.3, 9.0, int(np.prod(alpha_shape))).reshape(alpha_shape).astype(np.float32)
    with tf.Session() as sess:
        sv, gv = sess.run([s, g], {alpha: av})
    res.append([sv.tolist(), gv.tolist(), list(g.shape.as_list() or [])])
ops = [(o.name, o.type, [i.name for i in o.inputs], [c.name for c in o.control_inputs])
       for o in tf.get_default_graph().get_operations() if 'RandomGamma_grad' in o.name]
result = [res, ops]
"""


@pytest.mark.oracle
def test_random_gamma_gradient_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert here == there


def test_gradient_flows_only_to_alpha():
    alpha = tf.constant([1.0, 4.0])
    shape = tf.constant([3], tf.int32)
    s = tf.random_gamma(shape, alpha, seed=1)
    g_alpha, g_shape = tf.gradients(tf.reduce_sum(s), [alpha, shape])
    assert g_shape is None
    with tf.Session() as sess:
        assert (sess.run(g_alpha) > 0).all()  # larger alpha, larger samples
