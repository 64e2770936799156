"""slim.model_analyzer against real tf_slim: totals and the printed tables."""

import pytest
from oracle import run_here

PRELUDE = """
import contextlib, io
slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')
MA = __import__('tf_slim.model_analyzer').model_analyzer if not hasattr(slim, 'model_analyzer') \\
    else slim.model_analyzer
x = tf.placeholder(tf.float32, [None, 8, 8, 3], name='x')
net = slim.conv2d(x, 4, [3, 3], scope='conv')
net = slim.fully_connected(slim.flatten(net), 5, scope='fc')
h = tf.Variable(tf.zeros([2], tf.float64), name='h')
"""

PROGRAMS = [
    "buf = io.StringIO()\n"
    "with contextlib.redirect_stdout(buf):\n"
    "    out = MA.analyze_vars(tf.global_variables(), print_info=True)\n"
    "result = [list(out), buf.getvalue(), MA.analyze_vars(slim.get_model_variables())]",
    "buf = io.StringIO()\n"
    "with contextlib.redirect_stdout(buf):\n"
    "    total = MA.analyze_ops(tf.get_default_graph(), print_info=True)\n"
    "lines = buf.getvalue().splitlines()\n"
    "keep = {'x', 'h', 'conv/weights', 'conv/Relu', 'fc/BiasAdd',\n"
    "        'fc/weights/Initializer/random_uniform/shape'}\n"
    "result = [total, lines[:3], sorted(l for l in lines[3:] if l.split(' ')[0] in keep)]",
    "result = [MA.tensor_description(net), MA.tensor_description(h), "
    "MA.tensor_description(tf.constant(1.0))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_model_analyzer_matches_tf_slim(oracle, code):
    code = PRELUDE + code
    assert run_here(code) == oracle(code)
