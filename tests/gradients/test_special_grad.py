"""Graph gradients of the modified Bessel functions, as TF's math_grad builds them (op names,
types, inputs), with TF's values, 0 included (TF imputes I1's derivative there as 1.0 and
I1e's as 0.5; jax.vjp of the kernels gave 0.5 for both and another i0e slope)."""

import pytest
from approx import check_grad_graph
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
def build(dt):
    x = tf.constant([0.3, 1.5, 4.0], dt)
    p = tf.constant([0.1, 0.5, 0.8], dt)
    ys = [tf.digamma(x), tf.math.erfinv(p * 2.0 - 1.0), tf.math.ndtri(p)]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [x, p]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_digamma_erfinv_ndtri_gradients_match_tf(oracle):
    check_grad_graph(oracle, SPECIAL)


# Igamma / Igammac: IgammaGradA for a, the log-space density for x, each summed over its
# broadcast axes (BroadcastGradientArgs)
IGAMMA = """
def build(dt):
    a = tf.constant([[0.5, 1.5, 2., 3.]], dt)
    p = tf.constant(np.arange(12.).reshape(3, 4) / 3. + 0.2, dt)
    s = tf.constant(2.5, dt)
    ys = [tf.math.igamma(a, p), tf.math.igammac(p, a), tf.math.igamma(s, p),
          tf.math.igammac(a, s)]
    return [tf.reduce_sum(tf.sin(y)) for y in ys], [a, p, s]
result = grad_graph(build)
"""


@pytest.mark.oracle
def test_igamma_gradients_match_tf(oracle):
    check_grad_graph(oracle, IGAMMA)
