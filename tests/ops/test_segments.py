"""Segment reductions whose ids are fed or computed at run time: values, gradients and TF's
checks of sorted ids, vs TF."""

import pytest
from array_oracle import check_values
from oracle import fed_cases_match, run_here, unknown_rank_matches

_CHECKS = r'''
out = []
def run(f, feed=None):
    try:
        with tf.Session() as s:
            return s.run(f, feed).tolist()
    except tf.errors.OpError as e:
        m = str(e)
        return [type(e).__name__, e.op.name, m[m.find("Node:"):m.find("\t [[")]]
data = tf.constant([1.0, 2.0, 3.0])
ids = tf.placeholder(tf.int32, [3])
for f in (tf.math.segment_sum, tf.math.segment_max, tf.math.segment_mean, tf.math.segment_prod):
    r = f(data, ids)
    out.append([r.shape.as_list()] + [run(r, {ids: v}) for v in (
        [0, 0, 2], [1, 0, 0], [-1, 0, 0], [0, 0, 0], [-3, -3, -3], [0, 2, 1])])
sids = tf.placeholder(tf.int32, [2])
r = tf.sparse.segment_sum(data, [0, 2], sids)
out.append([run(r, {sids: v}) for v in ([0, 3], [1, 0], [-3, -3])])
result = out
'''


@pytest.mark.oracle
def test_fed_segment_ids_and_their_checks_match_tf(oracle):
    assert run_here(_CHECKS) == oracle(_CHECKS)


@pytest.mark.oracle
@pytest.mark.parametrize("feed", ["x: [1., 2., 3.], ids: [0, 0, 2], keys: [7, 5, 7]",
                                  "x: [1., 2., 3., 4.], ids: [0, 1, 1, 1], keys: [7, 5, 7, 9]"])
def test_values_and_gradients_with_run_time_ids_match_tf(oracle, feed):
    check_values(oracle, (
        "x = tf.placeholder(tf.float32, [None]); ids = tf.placeholder(tf.int32, [None]); "
        "keys = tf.placeholder(tf.int32, [None]); s = tf.math.segment_sum(x * x, ids); "
        "u = tf.unique(keys); us = tf.math.unsorted_segment_sum(x, u.idx, tf.size(u.y)); "
        "m = tf.math.segment_max(x, tf.cumsum(tf.cast(x > 1., tf.int32))); "
        "fetch = [s, us, m, tf.gradients(tf.reduce_sum(s * 3.) + tf.reduce_sum(us * us), x)]; "
        "feed = {%s}" % feed))


@pytest.mark.oracle
@pytest.mark.parametrize("kind", ["sum", "prod", "max"])
def test_negative_fed_num_segments_fails_as_tf(oracle, kind):
    fed_cases_match(oracle, "p = tf.placeholder(tf.int32, []); "
                    "out = tf.unsorted_segment_%s([1.0, 2.0], [0, 0], p)" % kind, [-1, 0, 1])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.segment_sum(p, [0, 0])',
])
def test_unknown_rank_fed_segment_sum_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
