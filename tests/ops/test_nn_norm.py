"""FusedBatchNormV3's normalization against TF's x86 kernel (oneDNN): bit for bit where the
statistics are given (inference), and y from the batch statistics in training."""

import pytest
from oracle import fed_cases_match, run_here

# variables (not constants: TF's optimizer folds constant statistics into a Mul and an Add)
INFERENCE = """
rng = np.random.default_rng(0)
X = (rng.standard_normal((8, 12, 12, 29)) * 3 + 1).astype(np.float32)
params = [rng.uniform(0.5, 2, 29), rng.standard_normal(29), rng.standard_normal(29),
          rng.uniform(0.5, 3, 29)]
scale, offset, mean, var = [tf.Variable(p.astype(np.float32)) for p in params]
x = tf.placeholder(tf.float32, X.shape)
y, _, _ = tf.nn.fused_batch_norm(x, scale, offset, mean=mean, variance=var, epsilon=0.001,
                                 is_training=False)
xc = tf.placeholder(tf.float32, (4, 29, 6, 10))
yc, _, _ = tf.nn.fused_batch_norm(xc, scale, offset, mean=mean, variance=var, epsilon=1e-5,
                                  is_training=False, data_format="NCHW")
layer = tf.layers.batch_normalization(x, fused=True, training=False,
                                      gamma_initializer=tf.constant_initializer(params[0]),
                                      moving_variance_initializer=tf.constant_initializer(
                                          params[3]))
XC = (rng.standard_normal((4, 29, 6, 10)) * 5).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out = s.run([y, yc, layer], {x: X, xc: XC})
result = [o.view(np.int32).ravel().tolist() for o in out]
"""


@pytest.mark.oracle
def test_inference_is_tfs_bit_for_bit(oracle):
    there = oracle(INFERENCE)
    assert "ok" in there, there
    here = run_here(INFERENCE)["ok"]
    assert [sum(a != b for a, b in zip(h, t)) for h, t in zip(here, there["ok"])] == [0, 0, 0]


def test_normalization_rounds_each_operation():
    import jax.numpy as jnp
    import numpy as np

    from scopeflow.ops.nn_norm import _normalized
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((50, 64)) * 4).astype(np.float32)
    mean = rng.standard_normal(64).astype(np.float32)
    var, scale = rng.uniform(0.1, 3, (2, 64)).astype(np.float32)
    got = np.asarray(_normalized(jnp.asarray(x), mean, var, scale, 0.001, [1, -1]))
    factor = scale / np.sqrt(var + np.float32(0.001))  # float32 ops, each rounded
    assert (got == (x - mean) * factor).all()
    # (XLA's rsqrt times the scale, the former kernel, differs in some factors' last bit)
    assert (np.float32(1) / np.sqrt(var + np.float32(0.001)) * scale != factor).any()


@pytest.mark.oracle
def test_lrn_of_a_fed_rank_other_than_4_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); out = tf.nn.lrn(p)",
                    [[[1.0]], [1.0, 2.0], [[[[1.0, 2.0]]]]])


@pytest.mark.oracle
@pytest.mark.parametrize("args", ["p, tf.zeros([3])", "tf.ones([3]), p",
                                  "tf.ones([3]), tf.zeros([3]), p, p, is_training=False"])
def test_fused_batch_norm_fed_sizes_fail_as_tf(oracle, args):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, [None]); "
                    "out = tf.nn.fused_batch_norm(tf.ones([1, 2, 2, 3]), %s)[0]" % args,
                    [[1.0, 2.0], [1.0, 2.0, 3.0]])
