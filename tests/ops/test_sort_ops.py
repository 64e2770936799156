"""tf.sort / tf.argsort: TF's graph (TopKV2 over negated values, Transposes), values, errors,
and the TopKV2 gradient graph."""

import pytest

from array_oracle import check_graph, check_values
from oracle import run_here

GRAPHS = [
    "a = tf.sort(tf.constant([3., 1., 2.])); b = tf.sort(tf.constant([3, 1, 2]), "
    "direction='DESCENDING'); c = tf.argsort(tf.constant([[3., 1., 2.], [0., 5., -1.]]), "
    "axis=0); d = tf.argsort(tf.constant([3, 1, 2, 1]), stable=True); "
    "e = tf.sort(tf.constant(np.array([3, 1, 2], np.uint8))); "
    "f = tf.sort(tf.placeholder(tf.float32, [None, 4]), axis=1); "
    "g = tf.sort(tf.constant([[3., 1.], [2., 0]]), axis=-2, direction='DESCENDING'); "
    "h = tf.argsort(tf.constant([[3., 1.], [2., 0]]), axis=tf.constant(0), name='srt'); "
    "i = tf.sort(tf.placeholder(tf.float32), axis=0)",
    "tf.sort(tf.constant([1., 2.]), direction='UP')",
    "tf.sort(tf.constant([1., 2.]), axis=1)",
    "tf.sort(tf.constant(1.))",
    "tf.sort(tf.constant([True, False]))",
    "tf.argsort(tf.constant([1., 2.]), axis=tf.placeholder(tf.int32, []))",
    "tf.sort(tf.constant([1., 2.]), axis=[0])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "x = tf.constant(np.random.RandomState(0).randint(0, 4, (3, 5, 4)).astype(np.float32)); "
    "fetch = [f(x, axis=ax, direction=d) for f in (tf.sort, tf.argsort) for ax in (0, 1, -1, "
    "-3) for d in ('ASCENDING', 'DESCENDING')]",
    "c = np.array([np.iinfo(np.int32).min, 5, -1, np.iinfo(np.int32).max, 0, 5], np.int32); "
    "u = np.array([255, 0, 7, 7, 3], np.uint8); b = np.array([3., -2.5, -0., 0., 1., 1e300"
    "], np.float64); p = tf.placeholder(tf.float32); feed = {p: np.arange(12.).reshape(3, 4) "
    "% 5}; fetch = [f(v, direction=d) for f in (tf.sort, tf.argsort) for v in (c, u, b) for d "
    "in ('ASCENDING', 'DESCENDING')] + [tf.sort(p, axis=0), tf.argsort(p, axis=0, "
    "direction='DESCENDING'), tf.sort(tf.constant(np.arange(6)[::-1]))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


@pytest.mark.oracle
def test_gradient_graph_matches_tf(oracle):
    """TopKV2's gradient is TF's _TopKGrad graph (scatter of the flat indices), through sorts
    along inner and last axes and a top_k of unknown batch size."""
    code = (
        "import numpy as np\n"
        "rng = np.random.RandomState(0)\n"
        "x = tf.constant(rng.randint(0, 4, (3, 5, 4)).astype(np.float32))\n"
        "p = tf.placeholder(tf.float32, [None, 4])\n"
        "w = tf.constant(rng.rand(3, 5, 4).astype(np.float32))\n"
        "g = tf.gradients([tf.reduce_sum(tf.sort(x, axis=1) * w), tf.reduce_sum(tf.sort(x, "
        "direction='DESCENDING') * w)], x)\n"
        "g += tf.gradients(tf.nn.top_k(p, 2).values * 3., p)\n"
        "ops = [(o.name, o.type, [i.name for i in o.inputs]) for o in "
        "tf.get_default_graph().get_operations() if 'gradients' in o.name]\n"
        "with tf.Session() as s:\n"
        "    result = [ops, [v.tolist() for v in s.run(g, {p: rng.rand(3, 4)})]]\n")
    assert run_here(code) == oracle(code)
