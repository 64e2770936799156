"""tf.histogram_fixed_width: graph, bins, fed nbins / range and TF's errors, vs TF."""

import pytest
from oracle import RUN_OR_ERROR, outcome, run_here

_PROGRAM = RUN_OR_ERROR + r'''
v = tf.constant([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0, 4.9999999, -1e30, np.inf])
h = tf.histogram_fixed_width(v, [0.0, 5.0], nbins=5)
h2 = tf.histogram_fixed_width(tf.constant([[1, 2], [3, 9]]), tf.constant([0, 10]),
                              nbins=tf.constant(3), dtype=tf.int64, name="hh")
p = tf.placeholder(tf.float32, [2])
n = tf.placeholder(tf.int32, [])
h3 = tf.histogram_fixed_width([1.0], p, nbins=n)
odd = [tf.histogram_fixed_width(tf.constant([1., 2., 3., .1, .3, .7, .2, .6]), [.1, .7], 6),
       tf.histogram_fixed_width(tf.constant([.3, .6, .2], tf.float64), [0., .9], nbins=3),
       tf.histogram_fixed_width([3, 6, 2, -100, 100000000], [-2**31 + 1, 2**31 - 1], 7),
       tf.histogram_fixed_width(tf.constant([2, 5], tf.int64), [0, 4], nbins=1),
       tf.histogram_fixed_width([0.5, np.nan], [0., 1.])]
x = tf.constant([1.0, 2.0])
g = tf.gradients(tf.cast(tf.histogram_fixed_width(x * 2., [0., 9.], 3), tf.float32), x)
result = [[(op.name, op.type) for op in tf.get_default_graph().get_operations()[:12]],
          [t.shape.as_list() for t in (h, h2, h3)], [t.dtype.name for t in (h, h2, h3)], g]
with tf.Session() as s:
    result += [_run(s, [h, h2])] + [_run(s, t) for t in odd]
    result += [_run(s, h3, {p: r, n: k}) for r, k in (
        ([0., 1.], 2), ([1., 1.], 3), ([0., 1.], 0), ([2., 1.], -1), ([0.25, .5], 4))]
'''


@pytest.mark.oracle
def test_bins_shapes_and_run_time_errors_match_tf(oracle):
    assert run_here(_PROGRAM) == oracle(_PROGRAM)


@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "tf.histogram_fixed_width([1.], [0., 1., 2.])",
    "tf.histogram_fixed_width([1.], [0., 1.], nbins=[3])",
    "tf.histogram_fixed_width([True], [0., 1.])",
    "tf.histogram_fixed_width([1.], [0., 1.], dtype=tf.float32)",
    "tf.histogram_fixed_width([1.], tf.constant([0, 1]))",
    "tf.histogram_fixed_width([1.], [0, 1]).shape.as_list()",
])
def test_build_errors_match_tf(oracle, call):
    code = "result = " + call
    assert outcome(run_here(code)) == outcome(oracle(code))
