"""The tap-wise filter gradient equals XLA's own convolution gradient."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from scopeflow.ops import conv_fast


@pytest.mark.parametrize("shape,k,pads", [((2, 6, 5, 8), (3, 3, 8, 4), ((1, 1), (1, 1))),
                                          ((3, 7, 7, 9), (5, 2, 9, 3), ((2, 2), (0, 1))),
                                          ((1, 4, 4, 8), (2, 2, 8, 2), ((0, 0), (0, 0)))])
def test_gradients_match_xla(shape, k, pads):
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(np.float32)
    w = rng.randn(*k).astype(np.float32)

    def ref(x, w):
        return lax.conv_general_dilated(x, w, (1, 1), list(pads),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))

    def loss(f):
        return lambda x, w: jnp.sum(jnp.sin(f(x, w)))

    want = jax.grad(loss(ref), (0, 1))(x, w)
    got = jax.grad(loss(lambda x, w: conv_fast.conv2d_taps(x, w, pads)), (0, 1))(x, w)
    assert np.allclose(conv_fast.conv2d_taps(x, w, pads), ref(x, w), atol=1e-5)
    for a, b in zip(got, want):
        assert np.allclose(a, b, atol=1e-4, rtol=1e-4)


def test_only_wide_unit_stride_nhwc_takes_the_path():
    x = jnp.zeros((1, 4, 4, 8), jnp.float32)
    assert conv_fast.eligible(x, jnp.zeros((3, 3, 8, 2)), [1, 1], [1, 1], "NHWC", 1)
    assert not conv_fast.eligible(x, jnp.zeros((3, 3, 8, 2)), [2, 2], [1, 1], "NHWC", 1)
    assert not conv_fast.eligible(x, jnp.zeros((3, 3, 1, 2)), [1, 1], [1, 1], "NHWC", 1)
    assert not conv_fast.eligible(x, jnp.zeros((3, 3, 8, 2)), [1, 1], [1, 1], "NCHW", 1)
