"""The faster convolution paths equal XLA's own: the 1x1 filter gradient as a matmul, the
one-channel forward pass as a sum of shifted slices."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jax import lax

from scopeflow.ops import conv_fast


@pytest.mark.parametrize("shape,k,strides", [((2, 6, 5, 8), (1, 1, 8, 4), (1, 1)),
                                             ((3, 7, 7, 9), (1, 1, 9, 3), (2, 2)),
                                             ((1, 5, 4, 3), (1, 1, 3, 2), (2, 3))])
def test_gradients_match_xla(shape, k, strides):
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(np.float32)
    w = rng.randn(*k).astype(np.float32)

    def ref(x, w):
        return lax.conv_general_dilated(x, w, strides, "VALID",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))

    def loss(f):
        return lambda x, w: jnp.sum(jnp.sin(f(x, w)))

    want = jax.grad(loss(ref), (0, 1))(x, w)
    got = jax.grad(loss(lambda x, w: conv_fast.conv2d_1x1(x, w, strides)), (0, 1))(x, w)
    assert np.array_equal(conv_fast.conv2d_1x1(x, w, strides), ref(x, w))
    for a, b in zip(got, want):
        assert np.allclose(a, b, atol=1e-4, rtol=1e-4)


def test_only_unpadded_1x1_nhwc_takes_the_path():
    x = jnp.zeros((1, 4, 4, 8), jnp.float32)
    none = [(0, 0), (0, 0)]
    assert conv_fast.eligible(x, jnp.zeros((1, 1, 8, 2)), [1, 1], [1, 1], "NHWC", 1, none)
    assert conv_fast.eligible(x, jnp.zeros((1, 1, 8, 2)), [2, 2], [1, 1], "NHWC", 1, none)
    assert not conv_fast.eligible(x, jnp.zeros((3, 3, 8, 2)), [1, 1], [1, 1], "NHWC", 1, none)
    assert not conv_fast.eligible(x, jnp.zeros((1, 1, 8, 2)), [1, 1], [1, 1], "NHWC", 1,
                                  [(1, 1), (0, 0)])
    assert not conv_fast.eligible(x, jnp.zeros((1, 1, 8, 2)), [1, 1], [1, 1], "NCHW", 1, none)
    assert not conv_fast.eligible(x, jnp.zeros((1, 1, 4, 2)), [1, 1], [1, 1], "NHWC", 2, none)


def _xla(x, w, strides, pads, dilations):
    return lax.conv_general_dilated(x, w, strides, pads, rhs_dilation=dilations,
                                    dimension_numbers=("NHWC", "HWIO", "NHWC"))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), h=st.integers(1, 9), wd=st.integers(1, 9), kh=st.integers(1, 4),
       kw=st.integers(1, 4), co=st.integers(1, 9), sh=st.integers(1, 3), sw=st.integers(1, 3),
       dh=st.integers(1, 2), dw=st.integers(1, 2),
       pads=st.tuples(*[st.integers(0, 3)] * 4), seed=st.integers(0, 2 ** 16))
def test_taps_equal_xla_convolution(n, h, wd, kh, kw, co, sh, sw, dh, dw, pads, seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, h, wd, 1).astype(np.float32)
    w = rng.randn(kh, kw, 1, co).astype(np.float32)
    p = ((pads[0], pads[1]), (pads[2], pads[3]))
    oh = (h + pads[0] + pads[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (wd + pads[2] + pads[3] - (kw - 1) * dw - 1) // sw + 1
    assume(oh > 0 and ow > 0)
    args = ((sh, sw), p, (dh, dw))
    want = _xla(x, w, *args)
    got = conv_fast.conv2d_taps(x, w, *args)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * kh * kw)

    def loss(f):
        return lambda x, w: jnp.sum(jnp.sin(f(x, w, *args)))

    got_g = jax.grad(loss(conv_fast.conv2d_taps), (0, 1))(x, w)
    want_g = jax.grad(loss(_xla), (0, 1))(x, w)
    for a, b in zip(got_g, want_g):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * kh * kw)


def test_taps_under_jit_and_nan_filters():
    x = np.random.RandomState(1).randn(2, 6, 6, 1).astype(np.float32)
    w = np.random.RandomState(2).randn(3, 3, 1, 4).astype(np.float32)
    args = ((1, 1), ((1, 1), (1, 1)), (1, 1))
    f = jax.jit(lambda x, w: conv_fast.conv2d_taps(x, w, *args))
    np.testing.assert_allclose(f(x, w), _xla(x, w, *args), rtol=1e-5, atol=1e-5)
    w[0, 0, 0, 0] = np.nan  # (the conditional's other branch: the same sum)
    np.testing.assert_array_equal(np.isnan(f(x, w)), np.isnan(_xla(x, w, *args)))


def test_only_one_channel_float32_convolutions_take_taps():
    x1 = jnp.zeros((2, 8, 8, 1), jnp.float32)
    none = [(0, 0), (0, 0)]
    assert conv_fast.taps_eligible(x1, jnp.zeros((5, 5, 1, 32)), 1, none)
    assert conv_fast.taps_eligible(x1, jnp.zeros((5, 5, 1, 64)), 1, none)  # 1600 a pixel
    assert not conv_fast.taps_eligible(x1, jnp.zeros((5, 5, 1, 65)), 1, none)
    assert not conv_fast.taps_eligible(x1, jnp.zeros((11, 11, 1, 32)), 1, none)
    assert not conv_fast.taps_eligible(jnp.zeros((2, 8, 8, 2)), jnp.zeros((3, 3, 2, 8)), 1,
                                       none)
    assert not conv_fast.taps_eligible(jnp.zeros((2, 8, 8, 2)), jnp.zeros((3, 3, 1, 8)), 2,
                                       none)  # depthwise: one channel a group
    assert not conv_fast.taps_eligible(x1.astype(jnp.float16), jnp.zeros((3, 3, 1, 8)), 1,
                                       none)


def _input_grad_by_taps(dy, w, shape, strides, pads):
    """The input gradient summed tap by tap in float64 (each tap's output gradient times its
    filter slice, added at the pixels it read)."""
    n, h, wd, c = shape
    kh, kw = w.shape[:2]
    oh, ow = dy.shape[1:3]
    padded = np.zeros((n, h + sum(pads[0]) + kh, wd + sum(pads[1]) + kw, c))
    for i in range(kh):
        for j in range(kw):
            padded[:, i:i + oh * strides[0]:strides[0], j:j + ow * strides[1]:strides[1]] += \
                np.einsum("nhwo,co->nhwc", dy.astype(np.float64), w[i, j].astype(np.float64))
    return padded[:, pads[0][0]:pads[0][0] + h, pads[1][0]:pads[1][0] + wd]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 11), wd=st.integers(1, 11), kh=st.integers(1, 6),
       kw=st.integers(1, 6), c=st.integers(1, 4), co=st.integers(1, 4), sh=st.integers(1, 4),
       sw=st.integers(1, 4), pads=st.tuples(*[st.integers(0, 3)] * 4),
       seed=st.integers(0, 2 ** 16))
def test_strided_input_gradient_is_the_transposed_convolution(n, h, wd, kh, kw, c, co, sh, sw,
                                                              pads, seed):
    # (strides above the kernel give phases that no tap reaches: zeros there)
    p = ((pads[0], pads[1]), (pads[2], pads[3]))
    oh = (h + pads[0] + pads[1] - kh) // sh + 1
    ow = (wd + pads[2] + pads[3] - kw) // sw + 1
    assume(oh > 0 and ow > 0 and max(sh, sw) > 1)
    rng = np.random.RandomState(seed)
    w = rng.randn(kh, kw, c, co).astype(np.float32)
    dy = rng.randn(n, oh, ow, co).astype(np.float32)
    got = conv_fast.strided_input_grad(jnp.asarray(dy), jnp.asarray(w), (n, h, wd, c),
                                       (sh, sw), p)
    want = _input_grad_by_taps(dy, w, (n, h, wd, c), (sh, sw), p)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * kh * kw * co)
