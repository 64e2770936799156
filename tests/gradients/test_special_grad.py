"""Graph gradients of the modified Bessel functions, as TF's math_grad builds them (op names,
types, inputs), with TF's values, 0 included (TF imputes I1's derivative there as 1.0 and
I1e's as 0.5; jax.vjp of the kernels gave 0.5 for both and another i0e slope)."""

import pytest
from oracle import run_here

PROGRAM = """
out = []
for f in (tf.math.bessel_i1, tf.math.bessel_i1e, tf.math.bessel_i0, tf.math.special.bessel_i0e,
          tf.math.special.bessel_i1):
    for dt in (tf.float64, tf.float32):
        with tf.Graph().as_default():
            x = tf.constant([0., 2., -1.5, 30.], dt)
            g = tf.gradients(f(x) * 3., x)
            ops = [(o.name, o.type, [i.name for i in o.inputs])
                   for o in tf.get_default_graph().get_operations()]
            with tf.Session() as s:
                out.append([ops, [float('%.5g' % v) for v in s.run(g)[0]]])
result = out
"""


@pytest.mark.oracle
def test_bessel_gradients_match_tf(oracle):
    assert run_here(PROGRAM) == oracle(PROGRAM)


SPECIAL = """
out = []
for dt in (tf.float32, tf.float64):
    with tf.Graph().as_default():
        x = tf.constant([0.3, 1.5, 4.0], dt)
        p = tf.constant([0.1, 0.5, 0.8], dt)
        ys = [tf.digamma(x), tf.math.erfinv(p * 2.0 - 1.0), tf.math.ndtri(p)]
        g = tf.gradients([tf.reduce_sum(tf.sin(y)) for y in ys], [x, p])
        ops = [[o.name, o.type, [i.name for i in o.inputs]]
               for o in tf.get_default_graph().get_operations() if '_grad' in o.name]
        with tf.Session() as s:
            out.append([ops, [v.tolist() for v in s.run(g)]])
result = out
"""


@pytest.mark.oracle
def test_digamma_erfinv_ndtri_gradients_match_tf(oracle):
    from approx import agree, explain
    there = oracle(SPECIAL)
    here = run_here(SPECIAL) if "ok" in there else there  # (TF's error: the program's fault)
    assert "ok" in here and agree(here, there), explain(SPECIAL, here, there)
