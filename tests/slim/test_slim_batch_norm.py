"""slim.batch_norm: its fused (2-D and 4-D), core-layer and moments paths against tf_slim."""

import numpy as np
import pytest
from oracle import explain, run_here, same

# tf_slim 1.1 under TF 2.21 needs ops.Tensor (a name TF dropped) and tf.layers' batch norm
# where its lazy module path looks for a tf_keras module that moved
SLIM = ("if hasattr(tf, 'contrib'):\n  slim = tf.contrib.slim\nelse:\n"
        "  from tensorflow.python.framework import ops\n  ops.Tensor = tf.Tensor\n"
        "  from tensorflow.python.layers import normalization\n"
        "  normalization.BatchNormalization = tf.layers.BatchNormalization\n"
        "  import tf_slim as slim\n")
# train once with the updates, then report names, shapes and values
RUN = ("r = lambda a: [float('%.5g' % t) for t in np.ravel(a)]\n"
       "x = tf.constant(np.arange(24, dtype=np.float32).reshape(SHAPE) ** 1.5)\n"
       "y = slim.batch_norm(x, ARGS)\n"
       "ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
       "with tf.Session() as s:\n"
       "  s.run(tf.global_variables_initializer())\n"
       "  out = s.run([y] + ups)[0]; out2 = s.run(y)\n"
       "  vals = s.run(tf.global_variables())\n"
       "result = [y.name, y.shape.as_list(), len(ups), [(v.name, v.shape.as_list()) for v in "
       "tf.global_variables()], [v.name for v in tf.get_collection('mv')], "
       "r(out), r(out2), [r(v) for v in vals]]")
CASES = [
    ("[4, 6]", "decay=0.5, scale=True"),  # fused on a (batch, 1, 1, C) view, Bessel
    ("[4, 6]", "decay=0.5, data_format='NCHW', variables_collections=['mv']"),
    ("[4, 6]", "decay=0.5, updates_collections=None"),  # updates forced before the output
    ("[4, 6]", "decay=0.5, is_training=False"),
    ("[2, 2, 2, 3]", "decay=0.5, zero_debias_moving_mean=True"),  # 4-D fused by tf_slim
    ("[2, 2, 2, 3]", "decay=0.5, scale=True"),  # the core layer
    ("[2, 2, 2, 3]", "decay=0.5, fused=False, updates_collections=None"),  # moments
    ("[4, 6]", "decay=0.5, fused=False, updates_collections=['u'], center=False"),
    ("[4, 6]", "decay=0.5, batch_weights=tf.constant([1., 2., 0., 1.])"),  # weighted moments
    ("[2, 3, 4]", "decay=0.5, scale=True"),  # 3-D: the core layer, not fused
]


@pytest.mark.oracle
@pytest.mark.parametrize(("shape", "args"), CASES)
def test_batch_norm_matches_tf(oracle, shape, args):
    code = SLIM + RUN.replace("SHAPE", shape).replace("ARGS", args)
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


OTHER = [
    # the core layer's adjustment: (scale, bias) applied before gamma and beta
    ("x = tf.constant(np.arange(24, dtype=np.float32).reshape([2, 2, 2, 3]))\n"
     "adj = lambda shape: (tf.fill(shape[-1:], 2.0), tf.fill(shape[-1:], 0.5))\n"
     "y = slim.batch_norm(x, scale=True, adjustment=adj, param_initializers="
     "{'gamma': tf.constant_initializer(3.0), 'beta': tf.constant_initializer(1.0)})\n"
     "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
     "  result = [y.name, np.round(s.run(y), 3).tolist()]"),
    # moving statistics are never partitioned (core layer and fused path)
    ("with tf.variable_scope('s', partitioner=tf.fixed_size_partitioner(2)):\n"
     "  slim.batch_norm(tf.zeros([2, 2, 2, 4]), scale=True)\n"
     "  slim.batch_norm(tf.zeros([3, 4]), scope='f')\n"
     "result = sorted((v.name, v.shape.as_list()) for v in tf.global_variables())"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", OTHER)
def test_batch_norm_programs_match_tf(oracle, code):
    code = SLIM + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_2d_moving_variance_has_bessel_correction(tf):
    slim = tf.contrib.slim
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    y = slim.batch_norm(tf.constant(x), decay=0.5, scale=True)
    names = [v.name for v in tf.global_variables()]
    assert names == ["BatchNorm/beta:0", "BatchNorm/gamma:0", "BatchNorm/moving_mean:0",
                     "BatchNorm/moving_variance:0"]
    assert [v.name for v in slim.get_model_variables()] == names
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        out = s.run([y] + updates)[0]
        mean, var = s.run(tf.global_variables()[2:])
    ref = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(out, ref, rtol=1e-4)
    np.testing.assert_allclose(mean, 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(var, 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-5)


def test_batch_norm_inference_uses_moving_statistics(tf):
    slim = tf.contrib.slim
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    y = slim.batch_norm(tf.constant(x), is_training=False, activation_fn=tf.nn.relu)
    assert y.name == "BatchNorm/Relu:0"
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(y), x / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_undecorated_function_in_arg_scope_raises(tf):
    slim = tf.contrib.slim

    def plain(x, k=1):
        return x

    try:
        with slim.arg_scope([plain], k=2):
            pass
    except ValueError as e:
        assert "is not decorated with @add_arg_scope" in str(e)
    else:
        raise AssertionError("no error")
