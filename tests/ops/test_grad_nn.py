"""Max-pool gradients as TF's CPU kernels give them: each window's gradient to TF's maximum
(float32 / bfloat16: oneDNN's, NaNs never win and a window with nothing above the floor
gives its first position, padding too; other dtypes: Eigen's, a NaN first inside the input
stays), added in the windows' row-major order; against a NumPy transcription of both kernels
and against TF, bit for bit."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.ops import grad_nn, nn_pool


def _by_mask(x, grad, ksize):
    first, _ = grad_nn._first_max(x, ksize)
    g = grad.reshape([d for s in grad.shape for d in (s, 1)])
    return jnp.where(first, g, jnp.zeros((), grad.dtype)).reshape(x.shape)


def _same_pads(shape, ksize, strides):
    pads = []
    for n, k, s in zip(shape, ksize, strides):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _reference(x, grad, ksize, strides, pads):
    """(max pool, its gradient) of NumPy array `x` by a loop over windows, as TF's kernels."""
    onednn = x.dtype in (np.float32,)
    floor = nn_pool.pool_floor(x.dtype)
    out_shape = [(n + lo + hi - k) // s + 1 for n, (lo, hi), k, s in zip(x.shape, pads, ksize,
                                                                         strides)]
    out = np.empty(out_shape, x.dtype)
    back = np.zeros(x.shape, grad.dtype)
    for o in itertools.product(*map(range, out_shape)):
        best, at, first = floor, None, True
        out[o] = floor
        for pos in itertools.product(*map(range, ksize)):
            i = tuple(oi * s + p - lo for oi, s, p, (lo, _) in zip(o, strides, pos, pads))
            inside = all(0 <= a < n for a, n in zip(i, x.shape))
            if inside and x[i] > out[o]:  # the forward kernels: NaNs never win
                out[o] = x[i]
            if onednn:
                if at is None:
                    at = i if inside else ()  # (a padded first position: the gradient is lost)
                if inside and x[i] > best:
                    best, at = x[i], i
            elif inside and (first or x[i] > best):
                best, at, first = x[i], i, False
        if at:
            back[at] = back[at] + grad[o]
    return out, back


def _cases():
    return st.tuples(
        st.sampled_from([((1, 3, 3, 1), (1, 1, 1, 1)), ((1, 3, 3, 1), (1, 2, 2, 1)),
                         ((1, 2, 2, 1), (1, 2, 2, 1)), ((1, 2, 3, 1), (1, 1, 2, 1)),
                         ((1, 3, 1, 1), (1, 2, 1, 1))]),
        st.sampled_from(["SAME", "VALID"]),
        st.sampled_from([np.float32, np.float64, np.float16, np.int32]),
        st.integers(0, 2 ** 31 - 1))


@settings(max_examples=30, deadline=None)
@given(_cases())
def test_pools_and_their_gradients_follow_tfs_kernels(case):
    import scopeflow.compat.v1 as tf
    (ksize, strides), padding, dtype, seed = case
    rng = np.random.RandomState(seed)
    shape = (2, rng.randint(1, 6), rng.randint(2, 6), 2)
    if any(n < k for n, k in zip(shape, ksize)) and padding == "VALID":
        return
    x = rng.randint(-2, 3, shape).astype(dtype)  # ties
    if np.issubdtype(dtype, np.floating):
        special = np.array([np.nan, -np.inf, np.inf, -0.0, nn_pool.pool_floor(dtype)], dtype)
        x.flat[rng.choice(x.size, x.size // 3)] = special[rng.randint(0, 5, x.size // 3)]
    pads = (_same_pads(shape, ksize, strides) if padding == "SAME" else [(0, 0)] * 4)
    grad = rng.randint(-3, 4, [(n + lo + hi - k) // s + 1 for n, (lo, hi), k, s in zip(
        shape, pads, ksize, strides)]).astype(dtype)
    want_out, want_back = _reference(x, grad, ksize, strides, pads)
    with tf.Graph().as_default():
        p, g = tf.placeholder(tf.as_dtype(dtype), shape), tf.placeholder(tf.as_dtype(dtype))
        y = tf.nn.max_pool(p, ksize, strides, padding)
        back = tf.raw_ops.MaxPoolGrad(orig_input=p, orig_output=y, grad=g, ksize=ksize,
                                      strides=strides, padding=padding)
        with tf.Session() as sess:
            got_out, got_back = sess.run([y, back], {p: x, g: grad})
    assert np.asarray(got_out).tobytes() == want_out.tobytes()
    assert np.asarray(got_back).tobytes() == want_back.tobytes()


POOL_GRADS = """
rs = np.random.RandomState(3)
result = []
with tf.Session() as s:
    for shape, k, st, pad in [((4, 13, 11, 5), 3, 2, "SAME"), ((4, 12, 12, 5), 3, 2, "SAME"),
                              ((3, 9, 9, 4), 3, 1, "SAME"), ((3, 13, 13, 4), 3, 2, "VALID"),
                              ((2, 11, 11, 3), 2, 2, "VALID"), ((2, 8, 8, 3), 2, 2, "SAME"),
                              ((2, 10, 10, 3), 5, 2, "SAME"), ((2, 7, 9, 3), 2, 1, "VALID")]:
        v = (rs.randn(*shape) * np.exp(rs.uniform(-4, 4, shape))).astype(np.float32)
        v[rs.rand(*shape) < 0.2] = 0  # ties, as after a ReLU
        v.flat[rs.choice(v.size, 6)] = [np.nan, np.nan, -np.inf, np.inf, -0.0, -3e38]
        x = tf.placeholder(tf.float32, shape)
        y = tf.nn.max_pool(x, [1, k, k, 1], [1, st, st, 1], pad)
        g = tf.placeholder(tf.float32, y.shape)
        dx = tf.gradients(y, x, grad_ys=g)[0]
        whole = rs.randint(-64, 65, y.shape.as_list()).astype(np.float32)  # sums exact
        gv = (rs.randn(*y.shape.as_list()) * np.exp(rs.uniform(-2, 2, y.shape.as_list()))
              ).astype(np.float32)
        out, back, routed = s.run([y, dx, dx], {x: v, g: gv})
        routed = s.run(dx, {x: v, g: whole})
        result.append([out.view(np.uint32).ravel().tolist(),
                       routed.view(np.uint32).ravel().tolist(), back.ravel().tolist()])
"""


@pytest.mark.oracle
def test_overlapping_max_pool_gradients_equal_tfs_bits(oracle):
    """Overlapping and padded windows (AlexNet's and ResNet's 3x3 stride 2), NaNs, infinities
    and ties: TF's pooled values and the gradient's routing (integer gradients, whose sums
    are exact) bit for bit. An element that is the maximum of several windows adds their
    gradients in the windows' row-major order, which is Eigen's; oneDNN's (TF's default with
    AVX-512, the oracle here) goes by blocks of outputs, so float sums there may differ by
    rounding."""
    from tests.oracle import bit_mismatches, run_here
    there, here = oracle(POOL_GRADS), run_here(POOL_GRADS)
    assert "ok" in there and "ok" in here, (there, here)
    for i, (want, got) in enumerate(zip(there["ok"], here["ok"])):
        assert bit_mismatches(np.uint32(got[0]), np.uint32(want[0])).size == 0, i
        assert bit_mismatches(np.uint32(got[1]), np.uint32(want[1])).size == 0, i
        np.testing.assert_allclose(got[2], want[2], rtol=1e-6, atol=2e-5)  # (terms up to 40)


@pytest.mark.parametrize("dtype", [np.float16, np.int32, np.uint8])
def test_tiled_backprop_keeps_dtype_and_first_maximum(dtype):
    rng = np.random.RandomState(1)
    x = rng.randint(0, 3, (2, 6, 4, 3)).astype(dtype)  # many ties
    grad = rng.randint(1, 9, (2, 3, 2, 3)).astype(dtype)
    got = jax.jit(lambda x, g: grad_nn._tiled_backprop(x, g, [1, 2, 2, 1]))(x, grad)
    want = jax.jit(lambda x, g: _by_mask(x, g, [1, 2, 2, 1]))(x, grad)
    assert got.dtype == want.dtype == dtype
    assert np.asarray(got).tobytes() == np.asarray(want).tobytes()
