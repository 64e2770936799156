"""slim rev_block / RevBlock / recompute_grad against real tf_slim: variables, outputs and the
custom gradients (activations recomputed from the block's outputs)."""

import pytest
from approx import agree, explain
from oracle import run_here

PRELUDE = """
import numpy as np
slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')
R = __import__('tf_slim.layers.rev_block_lib').layers.rev_block_lib \\
    if not hasattr(slim, 'rev_block_lib') else slim.rev_block_lib
if tf.__name__.startswith('tensorflow'):  # tf_slim 1.1 reads ops.Tensor, gone in TF 2.21
    from tensorflow.python.framework import ops as _ops
    _ops.Tensor = tf.Tensor
tf.set_random_seed(3)
x = tf.random_uniform([4, 6], seed=1)
x1, x2 = tf.split(x, 2, axis=-1)
side = tf.random_uniform([4, 3], seed=2)
def f(x, s):
    return tf.layers.dense(x, 3, activation=tf.nn.tanh) * s[0]
def g(x):
    return tf.layers.dense(x, 3)
def run(outs, wrt):
    loss = tf.reduce_sum(tf.concat(outs, 1) ** 2)
    grads = tf.gradients(loss, wrt)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        vals = sess.run([outs, grads])
    return [np.asarray(v, np.float64).round(5).tolist() for v in vals[0]] + \\
        [np.asarray(v, np.float64).round(5).tolist() for v in vals[1]]
"""

PROGRAMS = [
    # the efficient (custom-gradient) block and the plain one share variables and agree
    "with tf.variable_scope('blk') as vs:\n"
    "    y = R.rev_block(x1, x2, f, g, num_layers=3, f_side_input=[side])\n"
    "with tf.variable_scope(vs, reuse=True):\n"
    "    z = R.rev_block(x1, x2, f, g, num_layers=3, f_side_input=[side], is_training=False)\n"
    "names = [v.name for v in tf.global_variables()]\n"
    "wrt = [x, side] + tf.trainable_variables()\n"
    "result = [names, run(list(y), wrt), run(list(z), wrt)]",
    # backward inverts forward
    "block = R.RevBlock(g, g, num_layers=2)\n"
    "y1, y2 = block.forward(x1, x2)\n"
    "b1, b2 = block.backward(y1, y2)\n"
    "result = [block.name, [v.name for v in block.trainable_weights], "
    "run([b1 - x1, b2 - x2], [x])[:2]]",
    "@R.recompute_grad\n"
    "def layer(a):\n"
    "    with tf.variable_scope('rc', use_resource=True):\n"
    "        return tf.layers.dense(a, 6, activation=tf.nn.relu)\n"
    "result = run([layer(x)], [x] + tf.trainable_variables())",
    # ref variables made inside a custom gradient are TF's TypeError
    "@R.recompute_grad\n"
    "def layer(a):\n"
    "    with tf.variable_scope('rc'):\n"
    "        return tf.layers.dense(a, 6)\n"
    "result = layer(x)",
    "def make():\n"
    "    z = x * 2.0\n"
    "    def fn(a):\n"
    "        return a * z\n"
    "    return fn\n"
    "R.recompute_grad(make())",
    "R.recompute_grad(lambda a: a)(np.ones(2))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_rev_block_matches_tf_slim(oracle, code):
    code = PRELUDE + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
