"""FusedBatchNormV3's normalization against TF's x86 kernel (oneDNN): bit for bit where the
statistics are given (inference), and y from the batch statistics in training."""

import pytest
from oracle import fed_cases_match, run_here, unknown_rank_matches

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


# Conv3DBackpropInputV2 (conv3d_transpose) has no gradient function here: tf.gradients takes the
# SymbolicGradient path (jax.vjp over the forward kernels), through FusedBatchNormV3's kernel
TRAINING_GRADIENT = """
rng = np.random.default_rng(2)
x = tf.constant(rng.standard_normal((2, 3, 3, 3, 5)).astype(np.float32))
w = tf.Variable(rng.standard_normal((2, 2, 2, 6, 5)).astype(np.float32))
h = tf.reshape(tf.nn.conv3d_transpose(x, w, [2, 6, 6, 6, 6], [1, 2, 2, 2, 1]), [12, 6, 6, 6])
scale = tf.Variable(rng.uniform(0.5, 2, 6).astype(np.float32))
offset = tf.Variable(rng.standard_normal(6).astype(np.float32))
y, _, _ = tf.nn.fused_batch_norm(h, scale, offset, epsilon=1e-5, is_training=True)
loss = tf.reduce_sum(tf.sin(y) * tf.constant(rng.standard_normal((12, 6, 6, 6)).astype(np.float32)))
grads = tf.gradients(loss, [scale, offset, w, x])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [g.ravel().tolist() for g in s.run(grads)]
"""


@pytest.mark.oracle
def test_training_gradient_through_the_kernel_is_tfs(oracle):
    import numpy as np
    there = oracle(TRAINING_GRADIENT)
    assert "ok" in there, there
    here = run_here(TRAINING_GRADIENT)["ok"]
    for h, t in zip(here, there["ok"]):  # scale's gradient was 0, x's missed its term
        np.testing.assert_allclose(h, t, rtol=2e-4, atol=2e-5)


def test_normalization_is_differentiable_in_scale_and_variance():
    import jax
    import jax.numpy as jnp
    import numpy as np

    from scopeflow.ops.nn_norm import _normalized
    rng = np.random.default_rng(3)
    x = jnp.asarray(rng.standard_normal((6, 4)).astype(np.float32))
    mean = jnp.asarray(rng.standard_normal(4).astype(np.float32))
    var, scale = jnp.asarray(rng.uniform(0.5, 2, (2, 4)).astype(np.float32))

    def f(s, v):
        return jnp.sum(_normalized(x, mean, v, s, 1e-3, [1, -1]) ** 2)

    def plain(s, v):
        return jnp.sum(((x - mean) * (s / jnp.sqrt(v + 1e-3))) ** 2)

    for got, want in zip(jax.grad(f, (0, 1))(scale, var), jax.grad(plain, (0, 1))(scale, var)):
        np.testing.assert_allclose(got, want, rtol=1e-5)


# channels whose variance is close to epsilon: TF 2.21 passes epsilon through as given (old TF
# raised it to cuDNN's 1.001e-5, which moves y by 1e-4 relative here; seen in a GAN's losses)
SMALL_EPSILON = """
rng = np.random.default_rng(4)
X = (rng.standard_normal((16, 5, 5, 8)) * 0.008 + 0.03).astype(np.float32)
x = tf.placeholder(tf.float32, X.shape)
ys = [tf.nn.fused_batch_norm(x, tf.ones([8]), tf.zeros([8]), epsilon=e, is_training=True)[0]
      for e in (1e-5, 1e-6, 1e-3)]
ys.append(tf.layers.batch_normalization(x, epsilon=1e-5, fused=True, training=True))
eps = [o.get_attr("epsilon") for o in tf.get_default_graph().get_operations()
       if o.type == "FusedBatchNormV3"]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [eps, [y.ravel().tolist() for y in s.run(ys, {x: X})]]
"""


@pytest.mark.oracle
def test_a_small_epsilon_is_used_as_given(oracle):
    import numpy as np
    there = oracle(SMALL_EPSILON)
    assert "ok" in there, there
    here = run_here(SMALL_EPSILON)["ok"]
    assert here[0] == there["ok"][0]
    for h, t in zip(here[1], there["ok"][1]):
        np.testing.assert_allclose(h, t, rtol=1e-5, atol=2e-5)


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.nn.fused_batch_norm(p, [1.0, 1.0], [0.0, 0.0])[0]',
])
def test_unknown_rank_fed_fused_batch_norm_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
