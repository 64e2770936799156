"""The 1x1 convolution's matmul filter gradient equals XLA's own convolution gradient."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
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
