"""Initializers: TF's op names under `<var>/Initializer`, classes or instances, value ranges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scope_programs import check_tf

INITIALIZERS = ["tf.zeros_initializer()", "tf.ones_initializer()", "tf.constant_initializer(2.0)",
                "tf.constant_initializer([1., 2., 3., 4.])", "tf.random_normal_initializer()",
                "tf.truncated_normal_initializer()", "tf.random_uniform_initializer()",
                "tf.glorot_normal_initializer()", "tf.glorot_uniform_initializer()",
                "tf.variance_scaling_initializer()",
                "tf.variance_scaling_initializer(distribution='uniform')",
                "tf.variance_scaling_initializer(distribution='untruncated_normal',"
                " mode='fan_out')",
                "tf.orthogonal_initializer()", "tf.uniform_unit_scaling_initializer()",
                "tf.initializers.identity()", "tf.initializers.he_normal()",
                "tf.initializers.lecun_uniform()", "tf.ones_initializer", "tf.zeros_initializer"]

PROGRAMS = [
    """v = tf.get_variable("v", [2, 2], initializer=%s)
result = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]""" % init
    for init in INITIALIZERS
] + [
    """for i, shape in enumerate([[100, 100], [3, 4], [1000]]):
    tf.get_variable("z%d" % i, shape, initializer=tf.zeros_initializer())
    tf.get_variable("i%d" % i, shape, dtype=tf.int32)
    tf.get_variable("o%d" % i, shape, initializer=tf.ones_initializer())
result = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]""",
    "tf.get_variable('v', [3], initializer=tf.orthogonal_initializer())",
    "tf.random_normal_initializer(dtype=tf.int32)",
    "tf.variance_scaling_initializer(scale=-1.0)",
    "tf.variance_scaling_initializer(mode='bad')",
    "# class only\ntf.constant_initializer(object())",
    """v = tf.get_variable("v", [3, 5], initializer=tf.orthogonal_initializer())
result = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]""",
    """i = tf.glorot_uniform_initializer(seed=3)
result = [i.get_config(), tf.zeros_initializer().get_config(),
          tf.variance_scaling_initializer().get_config()]""",
    """with tf.name_scope("n"):
    t = tf.random_normal_initializer()([2, 3])
result = [t.name, t.shape]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_default_initializers(tf):
    tf.get_variable("f", [3])
    tf.get_variable("i", [3], dtype=tf.int32)
    tf.get_variable("b", [3], dtype=tf.bool)
    names = [o.name for o in tf.get_default_graph().get_operations()]
    assert "f/Initializer/random_uniform/RandomUniform" in names
    assert "i/Initializer/zeros" in names and "b/Initializer/zeros" in names


def test_compute_fans():
    from scopeflow.ops.init_ops import compute_fans
    assert compute_fans([]) == (1, 1)
    assert compute_fans([5]) == (5, 5)
    assert compute_fans([3, 4]) == (3, 4)
    assert compute_fans([2, 2, 3, 4]) == (12, 16)


@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=2, max_size=4))
def test_glorot_uniform_stays_in_its_limit(shape):
    pytest.importorskip("scopeflow.session")
    import scopeflow.compat.v1 as tf
    from scopeflow.ops.init_ops import compute_fans
    with tf.Graph().as_default():
        v = tf.get_variable("v", shape)
        with tf.Session() as sess:
            sess.run(v.initializer)
            value = sess.run(v)
    fan_in, fan_out = compute_fans(shape)
    assert np.abs(value).max() <= np.sqrt(6.0 / (fan_in + fan_out)) + 1e-6


def test_values(tf):
    pytest.importorskip("scopeflow.session")
    a = tf.get_variable("a", [3], initializer=tf.constant_initializer([1.0, 2.0]))
    b = tf.get_variable("b", [2, 2], initializer=tf.initializers.identity(gain=2.0))
    c = tf.get_variable("c", [4, 4], initializer=tf.orthogonal_initializer())
    d = tf.get_variable("d", [200], initializer=tf.truncated_normal_initializer(stddev=0.1))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        va, vb, vc, vd = sess.run([a, b, c, d])
    np.testing.assert_allclose(va, [1, 2, 2])
    np.testing.assert_allclose(vb, [[2, 0], [0, 2]])
    np.testing.assert_allclose(vc @ vc.T, np.eye(4), atol=1e-5)
    assert np.abs(vd).max() <= 0.2 + 1e-6
