"""Gradients through while loops vs TF: the compiled forms (a masked scan with
maximum_iterations, the custom reverse rule without), loops inside loops, conds and map_fn
under the SymbolicGradient fallback (igammac, its graph gradient taken out by the vjp_examples
fixture), and second-order gradients, which TF refuses with its own errors (no JAX message
reaches a user)."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here

pytestmark = pytest.mark.usefixtures("vjp_examples")

PRELUDE = ORACLE_HELPERS + '''
import numpy as np
w = tf.Variable([[1., 2., 3.], [.5, .2, .1]])
v = tf.Variable([1., 2., 3.])
p = tf.placeholder(tf.int32, [])
def inner(a, body=lambda b: b + tf.math.igammac(2., b) * 0.1):
    return tf.while_loop(lambda j, b: j < p, lambda j, b: (j + 1, body(b)), (0, a))[1]
def values(g):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return [np.round(v, 3).tolist() for v in s.run(g, {p: 2})]
'''

FIRST_ORDER = [
    "tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, inner(a)), (0, w[0]))[1]",
    ("tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, inner(a)), (0, w[0]), "
     "maximum_iterations=3)[1]"),
    # past the loop's end the masked scan's body is not run: b ** 8 overflows there, and its
    # zero cotangent times an infinite derivative gave NaN
    ("tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, inner(a, lambda b: b * b * 0.5)), "
     "(0, w[0]), maximum_iterations=3)[1]"),
    "tf.map_fn(lambda e: inner(e), w[0])",
    "tf.cond(p > 1, lambda: inner(w[0] * 2.), lambda: w[0])",
    ("tf.while_loop(lambda i, a: i < p, lambda i, a: (i + 1, tf.map_fn(lambda e: "
     "tf.math.igammac(2., e) + e, a)), (0, w[0]))[1]"),
    "tf.map_fn(lambda e: tf.math.igammac(2., e) + e, w[0][:p])",
]

LOOP = "tf.reduce_sum(tf.while_loop(lambda i, a: i < p, lambda i, a: (i + 1, a * v), " \
       "(0, tf.ones([3])))[1])"
SECOND_ORDER = [
    "y = %s\nresult = err(lambda: tf.hessians(y, v))" % LOOP,
    ("y = tf.reduce_sum(tf.map_fn(lambda e: e * e * e, v))\n"
     "tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])\nresult = err(lambda: tf.hessians(y, v))"),
    "with tf.name_scope('sc'):\n    y = %s\n    result = err(lambda: tf.hessians(y, [v, p]))" % LOOP,
    ("y = tf.reduce_sum(tf.map_fn(lambda e: e * 2., tf.ones([3]))) + tf.reduce_sum(v * v)\n"
     "result = values(tf.hessians(y, v))"),
    "y = %s\nresult = err(lambda: tf.gradients(tf.gradients(y, v)[0] * v, v))" % LOOP,
    # the first gradient's backward loop behind a stop_gradient: no second-order gradient,
    # TF builds the rest (TF's testStopGradOnWhileGrad / testStopGradMultiFlows)
    ("y = %s\nrg = tf.stop_gradient(tf.gradients(y, v)[0])\n"
     "result = values(tf.gradients(y + tf.reduce_sum(v * v) + tf.reduce_sum(rg), v))" % LOOP),
    ("y = %s\nrg = tf.norm(tf.gradients(y, v)[0])\n"
     "result = values(tf.gradients(y * 2. + tf.stop_gradient(rg), v))" % LOOP),
    # the first gradient is SymbolicGradient here (igammac), a backward loop in TF
    ("y = tf.reduce_sum(inner(tf.ones([3]), lambda b: b + tf.math.igammac(2., b * v)))\n"
     "result = err(lambda: tf.gradients(tf.reduce_sum(tf.gradients(y, v)[0]), v))"),
]


CASES = ["result = values(tf.gradients(tf.reduce_sum(%s), w))" % e for e in FIRST_ORDER]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES + SECOND_ORDER)
def test_loop_gradients_match_tf(oracle, code):
    code = PRELUDE + code
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)
