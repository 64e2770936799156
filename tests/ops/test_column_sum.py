"""ops/column_sum.py: sums over leading / middle dims taken in two reductions on XLA:CPU.

The values are those of a plain sum (float64 reference, float32 rounding apart); the shapes and
dtypes are jnp.sum's; which form a shape takes is checked, not its speed (README, issue 14)."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.ops import column_sum as cs


def _check(x, axes, keepdims):
    got = jax.jit(lambda v: cs.column_sum(v, axes, keepdims))(x)
    want = np.sum(np.asarray(x, np.float64), axis=axes, keepdims=keepdims)
    assert got.shape == want.shape and got.dtype == x.dtype
    scale = np.sum(np.abs(np.asarray(x, np.float64)), axis=axes, keepdims=keepdims)
    tol = 1e-5 if x.dtype == np.float32 else 1e-12
    assert np.all(np.abs(np.asarray(got, np.float64) - want) <= tol * scale + 1e-30)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 9), min_size=1, max_size=5),
       wide=st.booleans(), keepdims=st.booleans(), f64=st.booleans(), data=st.data())
def test_column_sum_equals_a_plain_sum(shape, wide, keepdims, f64, data):
    if wide:  # channels from WIDE on: the paired-rows form
        shape = shape[:-1] + [cs.WIDE + shape[-1]]
    n = len(shape)
    axes = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=n))))
    dtype = np.float64 if f64 else np.float32
    with jax.enable_x64(f64):
        x = jnp.asarray(np.random.RandomState(len(shape)).randn(*shape).astype(dtype))
        _check(x, axes, keepdims)


def test_the_forms_taken():
    f32 = np.float32
    nhwc = jnp.zeros((8, 6, 6, 32), f32)
    # batch, height and width to channels: the batch dim first (two reductions)
    text = jax.jit(lambda v: cs.column_sum(v, (0, 1, 2))).lower(nhwc).as_text()
    assert text.count("stablehlo.reduce") == 2 and "optimization_barrier" in text
    # many channels: rows paired
    many = jnp.zeros((8, 3, 3, cs.WIDE), f32)
    assert cs._staged(many, (0, 1, 2)).shape == (1, cs.WIDE)
    assert "optimization_barrier" not in jax.jit(
        lambda v: cs.column_sum(v, (0, 1, 2))).lower(many).as_text()
    # one reduced dim of more than one value, other patterns, other dtypes: a plain sum
    assert cs._staged(jnp.zeros((1, 5, 1, 32), f32), (0, 1, 2)) is None
    assert cs._staged(nhwc, (1, 3)) is None
    assert cs._staged(nhwc.astype(jnp.float16), (0, 1, 2)) is None
    assert cs._staged(nhwc.astype(jnp.int32), (0, 1, 2)) is None
    assert cs.columns((4, 1, 5, 3), (0, 2)) == (1, 20, 3)
    assert cs.columns((2, 4, 5, 3), (1, 2)) == (2, 20, 3)
    assert cs.columns((2, 4, 5, 3), (0, 3)) is None


def test_odd_row_counts_and_middle_sums():
    rng = np.random.RandomState(0)
    x = jnp.asarray(rng.randn(3, 7, cs.WIDE + 3).astype(np.float32))
    _check(x, (0, 1), False)       # 21 rows: one left over after pairing
    _check(x[None], (1, 2), True)  # a kept dim before the reduced ones
    y = jnp.asarray(rng.randn(2, 5, 4, 16).astype(np.float32))
    _check(y, (1, 2), False)
    _check(y, (0, 1, 2), True)
