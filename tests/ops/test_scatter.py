"""tensor_scatter_nd_update / add / sub / max / min vs TF."""

import pytest

from array_oracle import check_graph, check_values

GRAPHS = [
    "a = tf.tensor_scatter_nd_update(tf.zeros([4]), [[1]], [5.]); "
    "b = tf.tensor_scatter_nd_add(tf.zeros([4, 2]), [[1]], [[5., 6.]]); "
    "c = tf.tensor_scatter_nd_sub(tf.zeros([4]), [[1]], [5.]); "
    "d = tf.tensor_scatter_update(tf.zeros([4]), [[1]], [5.]); "
    "e = tf.tensor_scatter_nd_max(tf.zeros([4]), [[1]], [5.])",
    "tf.tensor_scatter_nd_update(tf.zeros([4, 2]), [[1]], [5.])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "t = tf.constant(np.arange(8.).reshape(4, 2), tf.float32); i = tf.constant([[3], [0]]); "
    "u = tf.constant([[10., 20.], [30., 40.]]); fetch = [tf.tensor_scatter_nd_update(t, i, u), "
    "tf.tensor_scatter_nd_add(t, i, u), tf.tensor_scatter_nd_sub(t, i, u), "
    "tf.tensor_scatter_nd_max(t, [[1, 1]], [50.]), tf.tensor_scatter_nd_min(t, [[1, 1]], [-5.])]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)
