"""tf.compat.v1.image.extract_glimpse against TF: glimpses inside the image bit for bit over
centered / normalized / uniform_noise and offsets that truncate either way, the graph op by op
(no gradient), shape and run-time errors; a glimpse reaching outside the image (where TF draws
unseeded noise) raises UnimplementedError."""

import numpy as np
import pytest
from math_oracle import check_all_ops, check_outputs
from oracle import run_here

VALUES = """
import numpy as np
a = np.arange(2 * 9 * 11 * 2, dtype=np.float32).reshape(2, 9, 11, 2)
x = tf.placeholder(tf.float32, [2, 9, 11, 2]); o = tf.placeholder(tf.float32, [2, 2])
cases = [(True, True, [[0, 0], [0.1, -0.2]]), (True, True, [[0.33, -0.41], [-0.07, 0.29]]),
         (False, True, [[0.3, 0.2], [0.55, 0.61]]), (True, False, [[1.2, -2.7], [-1.5, 2.5]]),
         (False, False, [[1.5, 2.9], [4.99, 0.2]]), (False, False, [[-0.7, -0.2], [3, 4]])]
out = []
with tf.Session() as s:
    for size in ([3, 4], [4, 3], [1, 1], [9, 11], [0, 2]):
        for centered, normalized, off in cases:
            for noise in (True, False):
                y = tf.image.extract_glimpse(x, size, o, centered=centered,
                                             normalized=normalized, uniform_noise=noise)
                try:
                    out.append(s.run(y, {x: a, o: off}).tolist())
                except tf.errors.OpError as e:
                    out.append(type(e).__name__)
result = out
"""

GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, 6, 8, 1]); o = tf.placeholder(tf.float32, [None, 2])\n"
    "y = tf.image.extract_glimpse(x, [3, 4], o)\n"
    "r = [y, tf.image.extract_glimpse(x, [3, 4], o, centered=False, normalized=False,"
    " uniform_noise=False, name='g')] + [str(g) for g in tf.gradients(y, [x, o])]",
    "x = tf.placeholder(tf.float32); o = tf.placeholder(tf.float32)\n"
    "r = tf.image.extract_glimpse(x, tf.placeholder(tf.int32, [2]), o)",
]

ERRORS = [
    "r = tf.image.extract_glimpse(tf.zeros([6, 8, 1]), [3, 4], tf.zeros([2, 2]))",
    "r = tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1]), [3, 4, 5], tf.zeros([2, 2]))",
    "r = tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1]), [3, 4], tf.zeros([2, 3]))",
    "r = tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1]), [3, 4], tf.zeros([3, 2]))",
    "r = tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1]), [-3, 4], tf.zeros([2, 2]))",
    "r = tf.image.extract_glimpse(tf.zeros([2, 6, 8, 1], tf.float64), [3, 4], tf.zeros([2, 2]))",
]

RUN_ERRORS = """
import numpy as np
x = tf.placeholder(tf.float32); o = tf.placeholder(tf.float32); c = tf.placeholder(tf.int32)
y = tf.image.extract_glimpse(x, c, o)
ok = dict(x=np.zeros([2, 6, 8, 1]), o=np.zeros([2, 2]), c=[3, 4])
out = []
with tf.Session() as s:
    for case in [dict(x=np.zeros([6, 8, 1])), dict(o=np.zeros([3, 2])), dict(o=np.zeros([2, 3])),
                 dict(o=np.zeros([2])), dict(c=[3]), dict(c=[[3, 4]]), dict(c=[0, 4]),
                 dict(c=[-1, 4])]:
        d = dict(ok, **case)
        try:
            out.append(s.run(y, {x: d['x'], o: d['o'], c: d['c']}).shape)
        except tf.errors.OpError as e:
            out.append([type(e).__name__, e.message.split('Node: ')[-1].split('\\n')[1]])
result = out
"""


def _same(code, oracle, outside=()):
    """Equal results, but where scopeflow raised UnimplementedError (a glimpse outside the
    image) TF's value is noise: those positions (and only they) are left out."""
    here, there = run_here(code)["ok"], oracle(code)["ok"]
    assert len(here) == len(there)
    for k, (a, b) in enumerate(zip(here, there)):
        if a == "UnimplementedError":
            assert b != "UnimplementedError" and k in outside, k
        else:
            assert a == b, (k, str(a)[:500], str(b)[:500])


@pytest.mark.oracle
def test_extract_glimpse_values_are_tf_bits(oracle):
    here = run_here(VALUES)["ok"]
    outside = [k for k, v in enumerate(here) if v == "UnimplementedError"]
    assert 0 < len(outside) < len(here) // 2, outside
    _same(VALUES, oracle, outside)


@pytest.mark.oracle
def test_extract_glimpse_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, GRAPHS)


@pytest.mark.oracle
def test_extract_glimpse_shape_errors_match_tf(oracle):
    check_outputs(oracle, ERRORS)


@pytest.mark.oracle
def test_extract_glimpse_run_time_errors_match_tf(oracle):
    here, there = run_here(RUN_ERRORS), oracle(RUN_ERRORS)
    assert here == there, (here, there)
