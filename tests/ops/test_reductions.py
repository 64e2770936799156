"""Reductions against TF, bit for bit where the sum's order cannot matter."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import run_here

# whole-number values sum exactly in any order, so only the division by the count can differ:
# TF's Mean kernel divides the sum (XLA alone multiplies by the count's reciprocal)
_MEAN_BITS = """
rng = np.random.default_rng(%(seed)d)
xv = rng.integers(-1000, 1000, %(shape)r).astype(np.%(dtype)s)
x = tf.placeholder(tf.%(dtype)s, xv.shape)
r = [tf.reduce_mean(x), tf.reduce_mean(x, %(axes)r), tf.reduce_mean(x, -1, keepdims=True)]
with tf.Session() as s:
    result = [np.ravel(v).view(np.int%(bits)d).tolist() for v in s.run(r, {x: xv})]
"""


@pytest.mark.oracle
@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=3), st.data(),
       st.sampled_from([("float32", 32), ("float64", 64)]), st.integers(0, 2**31))
def test_mean_bits_match_tf(oracle, shape, data, dtype, seed):
    axes = sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1)))
    code = _MEAN_BITS % dict(seed=seed, shape=tuple(shape), dtype=dtype[0], bits=dtype[1],
                             axes=axes)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there
