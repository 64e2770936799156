"""3-D convolutions built from 2-D ones (ops/conv3d_split.py) equal XLA's 3-D convolution,
values and gradients, over shapes, strides, paddings (negative ones too: the strided input
gradient's phases pass those) and height / width dilations."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jax import lax

from scopeflow.ops import conv3d_split, nn_conv

_DN = ("NDHWC", "DHWIO", "NDHWC")


def _xla(x, w, strides, pads, dilations):
    return lax.conv_general_dilated(x, w, strides, pads, rhs_dilation=dilations,
                                    dimension_numbers=_DN)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 2), size=st.tuples(*[st.integers(1, 6)] * 3),
       k=st.tuples(*[st.integers(1, 3)] * 3), c=st.sampled_from([1, 3, 8, 9, 12]),
       o=st.integers(1, 3), s=st.tuples(*[st.integers(1, 3)] * 3),
       pads=st.tuples(*[st.integers(-1, 2)] * 6), dil=st.tuples(st.integers(1, 2),
                                                                st.integers(1, 2)),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16))
def test_split_convolution_and_its_gradients_are_xlas(n, size, k, c, o, s, pads, dil, dtype,
                                                      seed):
    p = tuple((pads[2 * a], pads[2 * a + 1]) for a in range(3))
    dilations = (1,) + dil
    out = [(size[a] + sum(p[a]) - (k[a] - 1) * dilations[a] - 1) // s[a] + 1 for a in range(3)]
    assume(min(out) > 0)
    rng = np.random.RandomState(seed)
    x = rng.randn(n, *size, c).astype(dtype)
    w = rng.randn(*k, c, o).astype(dtype)
    assert conv3d_split.eligible(x, w, s, dilations, "NDHWC", 1)
    with jax.enable_x64(dtype == np.float64):
        got = conv3d_split.conv3d(jnp.asarray(x), jnp.asarray(w), s, p, dilations,
                                  nn_conv.conv_explicit)
        want = _xla(x, w, s, p, dilations)
        assert got.shape == want.shape and got.dtype == want.dtype
        tol = 1e-4 if dtype == np.float32 else 1e-10
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.prod(k) * c)

        def loss(conv):
            return lambda a, b: jnp.sum(jnp.sin(conv(a, b)))

        mine = jax.grad(loss(lambda a, b: conv3d_split.conv3d(
            a, b, s, p, dilations, nn_conv.conv_explicit)), (0, 1))(x, w)
        xla = jax.grad(loss(lambda a, b: _xla(a, b, s, p, dilations)), (0, 1))(x, w)
        for a, b in zip(mine, xla):
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol * np.prod(k) * max(c, o))


def test_split_is_taken_for_ndhwc_one_group_undilated_depth_floats():
    x, w = np.zeros((1, 4, 4, 4, 2), np.float32), np.zeros((3, 3, 3, 2, 5), np.float32)
    ok = conv3d_split.eligible
    assert ok(x, w, (1, 1, 1), (1, 1, 1), "NDHWC", 1)
    assert ok(x, w, (2, 1, 2), (1, 2, 2), "NDHWC", 1)  # height / width dilated: 2-D's own
    assert not ok(x, w, (1, 1, 1), (2, 1, 1), "NDHWC", 1)  # dilated depth
    assert not ok(x, w, (1, 1, 1), (1, 1, 1), "NCDHW", 1)
    assert not ok(x, w[..., :1, :], (1, 1, 1), (1, 1, 1), "NDHWC", 2)  # grouped
    assert not ok(x.astype(np.float16), w.astype(np.float16), (1, 1, 1), (1, 1, 1), "NDHWC", 1)
    assert not ok(x[..., :0], w[..., :0, :], (1, 1, 1), (1, 1, 1), "NDHWC", 1)  # no channels


def test_convolutions_through_conv_nd_take_the_split(monkeypatch):
    calls = []
    real = conv3d_split.conv3d

    def spy(*args):
        calls.append(args[0].shape)
        return real(*args)

    monkeypatch.setattr(conv3d_split, "conv3d", spy)
    x = jnp.ones((1, 5, 6, 6, 2), jnp.float32)
    w = jnp.ones((3, 3, 3, 2, 4), jnp.float32)
    y = nn_conv.conv_nd(x, w, [1, 2, 2, 2, 1], "SAME", (), "NDHWC", [1] * 5)
    assert calls == [(1, 5, 6, 6, 2)]
    assert y.shape == (1, 3, 3, 3, 4)
    np.testing.assert_allclose(y, _xla(x, w, (2, 2, 2), [(1, 1), (0, 1), (0, 1)], (1, 1, 1)))
