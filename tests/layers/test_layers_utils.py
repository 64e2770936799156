"""`tensorflow.python.layers.utils` (scopeflow/layers/utils.py) against TF's own module."""

import pytest
from oracle import run_here

# Under TF the snippet imports TF's module; here (no TensorFlow installed) the view that
# `scopeflow run` hands to `from tensorflow.python.layers import utils`.
CODE = r"""
try:
    from tensorflow.python.layers import utils as u
except ImportError:
    from scopeflow.compat.tf_paths import module
    u = module("tensorflow.python.layers.utils")
import numpy as np
def t(f, *a):
    try:
        r = f(*a)
        return ["ok", r.name if hasattr(r, "op") else
                (np.asarray(r).tolist() if hasattr(r, "dtype") else r)]
    except Exception as e:
        return [type(e).__name__, str(e)]
out = []
for a in [("channels_last", 3), ("channels_last", 4), ("channels_first", 5), ("channels_first", 3),
          ("channels_last", 6), ("nhwc", 4)]:
    out.append(t(u.convert_data_format, *a))
for a in [(2, 2, "k"), ((1, 2), 2, "k"), ([3, 4, 5], 3, "s"), ((1, 2, 3), 2, "k"), ("a", 2, "k"),
          ((1, "a"), 2, "k"), (2.0, 2, "k"), (None, 2, "k"), (np.int64(2), 2, "k")]:
    out.append(t(u.normalize_tuple, *a))
for a in ["CHANNELS_LAST", "channels_first", "nhwc"]:
    out.append(t(u.normalize_data_format, a))
for a in ["SAME", "valid", "full", "causal"]:
    out.append(t(u.normalize_padding, a))
for length in [None, 1, 7, 10, 11]:
    for f in [1, 3, 4]:
        for p in ["same", "valid", "full"]:
            for s in [1, 2, 3]:
                out.append(t(u.conv_output_length, length, f, p, s))
                out.append(t(u.conv_output_length, length, f, p, s, 2))
                out.append(t(u.conv_input_length, length, f, p, s))
                out.append(t(u.deconv_output_length, length, f, p, s))
v = tf.Variable(True, name="flag")
for a in [True, False, 1, 0, 2, "x", tf.constant(True), tf.constant(3),
          tf.placeholder(tf.bool), v]:
    out.append(t(u.constant_value, a))
p = tf.placeholder(tf.bool, [], name="p")
one, two = (lambda: tf.constant(1, name="one")), (lambda: tf.constant(2, name="two"))
for pred in [True, 0, tf.constant(False), p, v, "x", 3]:
    out.append(t(u.smart_cond, pred, one, two))
out.append(t(u.smart_cond, True, 1, two))
out.append(t(u.smart_cond, True, one, 2))
with tf.Session() as sess:
    sess.run(v.initializer)
    out.append(sess.run(u.smart_cond(p, one, two), {p: False}).tolist())
    out.append(sess.run(u.smart_cond(v, one, two)).tolist())
result = out
"""


@pytest.mark.oracle
def test_layers_utils_match_tf(oracle):
    here, there = run_here(CODE), oracle(CODE)
    assert len(here) == len(there)
    for i, (a, b) in enumerate(zip(here, there)):
        assert a == b, (i, a, b)


def test_smart_cond_of_a_placeholder_builds_a_cond(tf):
    from scopeflow.layers import utils as u
    p = tf.placeholder(tf.bool, [])
    out = u.smart_cond(p, lambda: tf.constant(1), lambda: tf.constant(2))
    assert out.op.type == "Merge"
    with tf.Session() as sess:
        assert sess.run(out, {p: True}) == 1
        assert sess.run(out, {p: False}) == 2
