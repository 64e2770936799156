"""scopeflow.ops.libm64.log1p gives the C library's log1p bit for bit on (-1, 0] (TF's uniforms:
multiples of 2**-52; off that grid its correction term differs in rare last bits)."""

import math

import numpy as np

from scopeflow.lowering.lower import x64
from scopeflow.ops.libm64 import log1p


def test_log1p_matches_libm_on_uniform_range():
    rng = np.random.default_rng(7)
    u = np.floor(rng.random(60000) * 2.0 ** 52) / 2.0 ** 52  # TF's double uniforms
    small = np.floor(rng.random(20000) * 2.0 ** 20) / 2.0 ** 52
    edges = np.array([0.0, 2.0 ** -52, 0.25, 0.5, 0.2928932, 0.2929, 0.7071, 1 - 2.0 ** -52])
    edges = np.floor(edges * 2.0 ** 52) / 2.0 ** 52  # a uniform's grid
    x = -np.concatenate([u, small, 1 - small, edges])
    import jax
    with x64():
        got = np.asarray(jax.jit(log1p)(x))
    want = np.array([math.log1p(v) for v in x])
    assert np.array_equal(got.view(np.int64), want.view(np.int64))
