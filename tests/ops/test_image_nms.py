"""tf.image.non_max_suppression (NonMaxSuppressionV3 on the host) vs TF: graph and values."""

import pytest
from array_oracle import check_graph, check_values
from oracle import fed_cases_match


@pytest.mark.oracle
def test_graph_matches_tf(oracle):
    check_graph(oracle, "b = tf.placeholder(tf.float32, [None, 4]); "
                        "s = tf.placeholder(tf.float32, [None]); "
                        "i = tf.image.non_max_suppression(b, s, 3, iou_threshold=0.5); "
                        "j = tf.image.non_max_suppression(b, s, tf.constant(2), "
                        "score_threshold=0.3, name='nms')")


@pytest.mark.oracle
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_values_match_tf(oracle, seed):
    # random boxes (corners in either order, some empty), tied scores, several thresholds
    check_values(oracle, (
        "r = np.random.RandomState(%d); n = 40; "
        "boxes = np.round(r.uniform(0, 10, [n, 4]), 1).astype(np.float32); "
        "boxes[::7, 2] = boxes[::7, 0]; "
        "scores = np.round(r.uniform(0, 1, [n]), 1).astype(np.float32); "
        "b = tf.placeholder(tf.float32, [None, 4]); s = tf.placeholder(tf.float32, [None]); "
        "k = tf.placeholder(tf.int32, []); "
        "fetch = [tf.image.non_max_suppression(b, s, k), "
        "tf.image.non_max_suppression(b, s, 100, iou_threshold=0.1, score_threshold=0.5), "
        "tf.image.non_max_suppression(b, s, 5, iou_threshold=0.9), "
        "tf.image.non_max_suppression(b[:0], s[:0], 5)]; "
        "feed = {b: boxes, s: scores, k: 10}" % seed))


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", [
    ("p = tf.placeholder(tf.int32, []); "
     "out = tf.image.non_max_suppression([[0.0, 0.0, 1.0, 1.0]], [1.0], p)", [-1, 0, 1]),
    ("p = tf.placeholder(tf.float32, None); "
     "out = tf.image.non_max_suppression([[0.0, 0.0, 1.0, 1.0]], p, 1)", [[1.0, 2.0], [[1.0]]]),
    ("p = tf.placeholder(tf.float32, None); out = tf.image.non_max_suppression(p, [1.0], 1)",
     [[[0.0, 0.0, 1.0, 1.0]] * 2, [[0.0, 0.0, 1.0]]]),
])
def test_fed_values_fail_as_tf(oracle, code, values):
    fed_cases_match(oracle, code, values)
