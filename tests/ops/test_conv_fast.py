"""The faster convolution paths equal XLA's own: the 1x1 filter gradient as a matmul, the
one-channel forward pass as a sum of shifted slices, strided input gradients by phases (2-D
and 3-D)."""

import itertools

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
    filter slice, added at the pixels it read); 2-D or 3-D, channels last."""
    n, spatial, c = shape[0], shape[1:-1], shape[-1]
    ks, outs = w.shape[:len(spatial)], dy.shape[1:-1]
    padded = np.zeros((n,) + tuple(a + sum(p) + k for a, p, k in zip(spatial, pads, ks)) + (c,))
    for tap in itertools.product(*(range(k) for k in ks)):
        at = tuple(slice(t, t + o * s, s) for t, o, s in zip(tap, outs, strides))
        padded[(slice(None),) + at] += np.einsum(
            "n...o,co->n...c", dy.astype(np.float64), w[tap].astype(np.float64))
    return padded[(slice(None),) + tuple(slice(p[0], p[0] + a) for p, a in zip(pads, spatial))]


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


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 2), size=st.tuples(*[st.integers(1, 7)] * 3),
       k=st.tuples(*[st.integers(1, 4)] * 3), c=st.integers(1, 3), co=st.integers(1, 3),
       s=st.tuples(*[st.integers(1, 3)] * 3), pads=st.tuples(*[st.integers(0, 2)] * 6),
       seed=st.integers(0, 2 ** 16))
def test_strided_input_gradient_in_3d_is_the_transposed_convolution(n, size, k, c, co, s, pads,
                                                                    seed):
    p = tuple((pads[2 * a], pads[2 * a + 1]) for a in range(3))
    out = tuple((size[a] + sum(p[a]) - k[a]) // s[a] + 1 for a in range(3))
    assume(min(out) > 0 and max(s) > 1)
    rng = np.random.RandomState(seed)
    w = rng.randn(*(k + (c, co))).astype(np.float32)
    dy = rng.randn(*((n,) + out + (co,))).astype(np.float32)
    got = conv_fast.strided_input_grad(jnp.asarray(dy), jnp.asarray(w), (n,) + size + (c,), s, p)
    want = _input_grad_by_taps(dy, w, (n,) + size + (c,), s, p)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.prod(k) * co)


def test_strided_input_gradients_are_taken_for_2d_and_3d_channels_last_only():
    w2, w3 = jnp.zeros((3, 3, 4, 8)), jnp.zeros((3, 3, 3, 4, 8))
    ok = conv_fast.strided_input_grad_eligible
    assert ok((2, 8, 8, 4), w2, (1, 2, 2, 1), (1, 1, 1, 1), "NHWC", 1)
    assert ok((2, 8, 8, 8, 4), w3, (1, 1, 2, 2, 1), (1,) * 5, "NDHWC", 1)
    assert not ok((2, 8, 8, 8, 4), w3, (1,) * 5, (1,) * 5, "NDHWC", 1)  # stride 1: XLA's
    assert not ok((2, 8, 8, 8, 4), w3, (1, 2, 2, 2, 1), (1, 2, 1, 1, 1), "NDHWC", 1)
    assert not ok((2, 4, 8, 8, 8), w3, (1, 1, 1, 2, 2), (1,) * 5, "NCDHW", 1)
    assert not ok((2, 8, 8, 8), w2, (1, 2, 2, 1), (1, 1, 1, 1), "NHWC", 2)  # grouped
