"""SparseSegmentSum/Mean/SqrtNWithNumSegments (tf.sparse.segment_*(..., num_segments=k)): graph
(op types, attrs, shapes, build-time errors), values, gradients and run-time errors, vs TF."""

import pytest
from oracle import ORACLE_HELPERS, RUN_OR_ERROR, explain, run_here

_BUILD = ORACLE_HELPERS + r"""
out = []
data = tf.placeholder(tf.float32, [None, 2], name="data")
for f in (tf.sparse.segment_sum, tf.sparse.segment_mean, tf.sparse.segment_sqrt_n):
    y = f(data, [0, 1, 2, 1], [0, 0, 2, 5], num_segments=7)
    z = f(data, [0, 1], [0, 1], num_segments=tf.placeholder(tf.int64, []), sparse_gradient=True)
    g = tf.gradients(y, data)[0]
    gz = tf.gradients(z, data)[0]
    out.append([y.name, y.op.type, y.shape.as_list(), sorted(y.op.node_def.attr),
                y.op.get_attr("Tnumsegments").name, z.shape.as_list(),
                z.op.get_attr("sparse_gradient"), z.op.get_attr("Tnumsegments").name,
                g.op.type, g.name, type(gz).__name__, gz.values.op.type])
out.append(tf.math.sparse_segment_sum(data, [0], [0], num_segments=3, name="named").name
           if hasattr(tf.math, "sparse_segment_sum") else "none")
out.append(tf.sparse_segment_mean(tf.placeholder(tf.float32), [0], [0], num_segments=3).shape.ndims)
out.append(tf.sparse.segment_sum(tf.placeholder(tf.int32, [4, 2, 5]), [0, 1], [0, 1],
                                 num_segments=3).shape.as_list())
out.append(err(lambda: tf.sparse.segment_sum(data, [0, 1], [0, 1], num_segments=[2, 3])))
out.append(err(lambda: tf.sparse.segment_sum(data, [0, 1], [0, 1], num_segments=1.5)))
out.append(err(lambda: tf.sparse.segment_sum(data, [0, 1], [0, 1], num_segments=-2)))
out.append(err(lambda: tf.sparse.segment_sum(data, [0, 1], [0], num_segments=2)))
out.append(err(lambda: tf.sparse.segment_mean(tf.ones([3], tf.int32), [0], [0],
                                              num_segments=2)))
result = out
"""

_RUN = RUN_OR_ERROR + r"""
import numpy as np
D = (np.arange(12, dtype=np.float32).reshape(6, 2) * 0.37 - 1.0)
data = tf.placeholder(tf.float32, [None, 2])
i, s = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.int32, [None])
n = tf.placeholder(tf.int32, None)
out = []
cases = [([0, 1, 2], [0, 0, 3], 5), ([5, 1, 2, 2, 0], [0, 1, 1, 1, 4], 7), ([], [], 3),
         ([0, 1, 2], [0, 0, 5], 5), ([0, 1, 2], [0, 0, 7], 5), ([0, 1, 2], [1, 0, 2], 5),
         ([0, 1, 2], [-1, 0, 2], 5), ([0, 9, 2], [0, 0, 2], 5), ([0, 1], [0, 1], [5]),
         ([0, 1], [0, 1], -1), ([0, 1], [0, 1], 0), ([0, 1], [0], 3), ([0, 1, 2], [0, 2, 1], 5)]
with tf.Session() as sess:
    for f in (tf.sparse.segment_sum, tf.sparse.segment_mean, tf.sparse.segment_sqrt_n):
        y = f(data, i, s, num_segments=n)
        g = tf.gradients(y * y, data)[0]
        for iv, sv, nv in cases:
            # (no entries: TF's Sqrt/Mean gradient leaves its output uninitialized)
            out.append(_run(sess, [y, g] if iv else [y], {data: D, i: iv, s: sv, n: nv}))
        const = f(tf.constant(D), [3, 3, 1], [1, 1, 2], num_segments=4)
        out.append(_run(sess, [const]))
result = out
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [_BUILD, _RUN], ids=["graph", "runs"])
def test_with_num_segments_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)
