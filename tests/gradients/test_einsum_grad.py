"""Einsum's graph gradient against TF: one Einsum per operand (`Einsum`, `Einsum_1` under
`gradients/einsum/Einsum_grad/`), values for matrix, batch and contraction equations, and
through a while loop (an LSTM's sequence), whose weights get their gradients."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
rng = np.random.RandomState(0)
a = tf.constant(rng.rand(2, 3, 4)); b = tf.constant(rng.rand(4, 5))
c = tf.constant(rng.rand(2, 4, 5)); d = tf.constant(rng.rand(3, 4))
ys = [tf.einsum('abc,cd->abd', a, b), tf.einsum('abc,acd->abd', a, c),
      tf.einsum('ij,kj->ik', d, b[:, :4]), tf.einsum('abc,bc->a', a, d),
      tf.einsum('bc,cd->bdc', d, b)]
gs = [tf.gradients(tf.reduce_sum(y * y), [a, b, c, d]) for y in ys]
x = tf.placeholder(tf.float32, [None, 4, 3])
lstm = tf.keras.layers.LSTM(2, return_sequences=True, kernel_initializer='ones',
                            recurrent_initializer='ones')
seq = lstm(x)
lg = tf.gradients(tf.reduce_sum(tf.einsum('abc,cd->abd', seq, tf.ones([2, 3]))),
                  lstm.trainable_weights)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    values = s.run([[t for t in g if t is not None] for g in gs] + [lg],
                   {x: rng.rand(2, 4, 3)})
result = [[[None if t is None else t.name for t in g] for g in gs], [t.name for t in lg], values]
"""


@pytest.mark.oracle
def test_einsum_gradient_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
