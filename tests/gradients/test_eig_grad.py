"""The gradient of Eig (tf.linalg.eig / eigvals) against real TF 2.21: TF's _EigGrad graph op
by op (names, types, control inputs, the second Eig of eigvals' gradient) and its values,
through losses of |e|, |v| and of the vectors' phases (TF's eigenvector phases are
reproduced), for real and complex inputs."""

import pytest
from eig_oracle import check

SNIPPETS = {
    "real_graph_values": """
a = tf.placeholder(tf.float32, [None, 3, 3], name="a")
e, v = linalg.eig(a)
ev = linalg.eigvals(a)
g = tf.gradients([tf.reduce_sum(tf.abs(e)), tf.reduce_sum(tf.abs(v))], a)
g2 = tf.gradients(tf.reduce_sum(tf.abs(ev)), a)
w = tf.constant((rng.randn(3, 3, 3) + 1j * rng.randn(3, 3, 3)).astype(np.complex64))
g3 = tf.gradients(tf.reduce_sum(tf.real(v * w)) + tf.reduce_sum(tf.imag(e)), a)
x = rng.randn(3, 3, 3).astype(np.float32)
with tf.Session() as s:
    vals = s.run([g, g2, g3], {a: x})
ops = tf.get_default_graph().get_operations()
result = [np.round(vals, 3).tolist(), graph(),
          [[o.name, sorted(c.name for c in o.control_inputs)] for o in ops]]
""",
    "complex_values": """
c = tf.constant((rng.randn(2, 4, 4) + 1j * rng.randn(2, 4, 4)).astype(np.complex128))
w = tf.constant((rng.randn(2, 4, 4) + 1j * rng.randn(2, 4, 4)).astype(np.complex128))
e, v = linalg.eig(c)
loss = tf.reduce_sum(tf.real(v * w)) + tf.reduce_sum(tf.imag(e) * tf.real(e))
g = tf.gradients(loss, c)[0]
ge = tf.gradients(tf.reduce_sum(tf.abs(linalg.eigvals(c))), c)[0]
with tf.Session() as s:
    result = [cx(r) for r in s.run([g, ge])]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_eig_grad_matches_tf(oracle, name):
    check(oracle, SNIPPETS[name])
