"""TF's CPU RandomGamma and RandomPoisson(V2) kernels over its Philox stream, vectorized.

Facts from tensorflow/core/kernels/random_op.cc and random_poisson_op.cc: output number o
(alpha/rate-major: o = param_index * samples_per_param + sample_index) owns the generator
calls from o * 256 on; it is stored at sample_index * num_params + param_index. All math is
in double. Uniforms are UniformDistribution<double> (two per call) and normals
NormalDistribution<double> (Box-Muller, two per call), each refilled from the next call when
its buffer is empty and consumed from the buffer's end (element 1, then 0).
Gamma: alpha == 1 is -log1p(-u); otherwise Marsaglia-Tsang with the alpha < 1 boost
(d = alpha + 2/3 and a last uniform ** (1 / alpha)). Poisson: Knuth's product of uniforms
below rate 10, Hormann's transformed rejection (one call per attempt) from 10 on.

Every output runs its own rejection loop from its own counter, so a whole output is one
`while_loop` over attempts with every element's state in arrays (done elements stand still).

>>> import numpy as np
>>> from scopeflow.ops.philox import Stream
>>> from scopeflow.lowering.lower import x64
>>> with x64():  # 64-bit counters, as inside a run
...     np.asarray(gamma(Stream(87654321, 5), np.float64([1.0]), 2)).shape
(2, 1)
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import libm64
from scopeflow.ops.philox_dists import _u64_to_double, box_muller_double
from scopeflow.ops.rounding import round_each as rounded  # no fused multiply-add, as TF

_SKIP = 256  # kReservedSamplesPerOutput: generator calls owned by one output
_MAX_ATTEMPTS = 1 << 14  # TF loops forever on a NaN rate; this only bounds that case


def reserved_calls(n):
    """Generator calls one run reserves: ReserveRandomOutputs(n, 256)."""
    return n * _SKIP


def _uniforms(words):
    """UniformDistribution<double>: the two doubles of one call (from words 0-1 and 2-3)."""
    return _u64_to_double(words[0], words[1]), _u64_to_double(words[2], words[3])


class _Buffer:
    """A distribution's two-value buffer per element: (value 0, value 1, remaining)."""

    @staticmethod
    def empty(n):
        z = jnp.zeros((n,), jnp.float64)
        return (z, z, jnp.zeros((n,), jnp.int32))

    @staticmethod
    def take(buf, want, call, fresh):
        """Elements where `want` take one value; those with an empty buffer refill it from
        `fresh()` (the two values of call `call`) and move `call` on. Returns (value, buffer,
        call)."""
        b0, b1, rem = buf
        need = want & (rem == 0)
        f0, f1 = fresh()
        b0, b1 = jnp.where(need, f0, b0), jnp.where(need, f1, b1)
        rem = jnp.where(need, 2, rem) - want.astype(jnp.int32)
        value = jnp.where(rem == 1, b1, b0)
        return value, (b0, b1, rem), call + need.astype(call.dtype)


def _loop(step, state, done_of):
    def cond(c):
        i, st = c
        return jnp.any(~done_of(st)) & (i < _MAX_ATTEMPTS)

    def body(c):
        i, st = c
        return i + 1, step(st)

    return jax.lax.while_loop(cond, body, (jnp.int32(0), state))[1]


def _param_major(params, samples):
    """(per-output parameter, per-output first call) in TF's output order o."""
    n = params.shape[0] * samples
    o = jnp.arange(n, dtype=jnp.uint64)
    return jnp.repeat(params, samples), o * np.uint64(_SKIP)


def _to_sample_major(flat, samples, num_params):
    """Output o = (p, s) is stored at s * num_params + p: a (samples, num_params) array."""
    return flat.reshape(num_params, samples).T


def gamma(stream, alpha, samples):
    """RandomGamma: (samples, num_alphas) float64 Gamma(alpha, 1) values, TF's bits.

    `alpha` is a flat float64 array (the op's alpha as TF reads it into double)."""
    a, base = _param_major(alpha, samples)
    n = a.shape[0]
    small = a < 1
    d = a + jnp.where(small, 2.0 / 3, -1.0 / 3)
    c = 1.0 / 3 / jnp.sqrt(d)
    call0 = jnp.zeros((n,), jnp.uint64)

    def step(st):
        call, nbuf, ubuf, done, res = st
        live = ~done
        x, nbuf, call = _Buffer.take(
            nbuf, live, call, lambda: box_muller_double(*stream.words(base + call)))
        v = 1 + rounded(c * x)
        live = live & ~(v <= 0)  # a NaN goes on, as in TF
        v = v * v * v
        u, ubuf, call = _Buffer.take(ubuf, live, call,
                                     lambda: _uniforms(stream.words(base + call)))
        xx = x * x
        ok = live & ((u < 1 - 0.0331 * xx * xx)
                     | (jnp.log(u) < 0.5 * x * x + d * (1 - v + jnp.log(v))))
        r = d * v
        b, ubuf, call = _Buffer.take(ubuf, ok & small, call,
                                     lambda: _uniforms(stream.words(base + call)))
        r = jnp.where(small, r * jnp.power(b, 1 / a), r)
        return call, nbuf, ubuf, done | ok, jnp.where(ok, r, res)

    z = jnp.zeros((n,), jnp.float64)
    st = (call0, _Buffer.empty(n), _Buffer.empty(n), a == 1, z)
    res = _loop(step, st, lambda s: s[3])[4]
    # alpha == 1: an exponential from the first uniform (element 1 of call 0)
    expo = -libm64.log1p(-_uniforms(stream.words(base))[1])
    return _to_sample_major(jnp.where(a == 1, expo, res), samples, alpha.shape[0])


def poisson(stream, rate, samples, highest):
    """RandomPoissonV2: (samples, num_rates) float64 integral values, TF's bits.

    `rate` is flat float64; `highest` is the output dtype's largest value as a double."""
    r, base = _param_major(rate, samples)
    n = r.shape[0]
    zeros = jnp.zeros((n,), jnp.float64)
    call0 = jnp.zeros((n,), jnp.uint64)
    knuth = r < 10

    # Knuth: x = the number of uniforms before their product reaches exp(-rate); one call
    # (two uniforms, element 1 first) per step
    exp_neg = jnp.exp(-r)

    def knuth_step(st):
        call, prod, x, done = st
        u1, u0 = _uniforms(stream.words(base + call))[::-1]
        for u in (u1, u0):
            prod = jnp.where(done, prod, prod * u)
            hit = ~done & (prod <= exp_neg) & (x <= highest)
            x = jnp.where(done | hit, x, x + 1)
            done = done | hit
        return call + np.uint64(1), prod, x, done

    st = (call0, jnp.ones((n,), jnp.float64), zeros, ~knuth)
    k_knuth = _loop(knuth_step, st, lambda s: s[3])[2]

    # Hormann's transformed rejection; constants per rate
    log_rate = jnp.log(r)
    b = 0.931 + rounded(2.53 * jnp.sqrt(r))
    a = -0.059 + rounded(0.02483 * b)
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)

    def hormann_step(st):
        call, k_out, done = st
        v, u = _uniforms(stream.words(base + call))
        u = u - 0.5
        us = 0.5 - jnp.abs(u)
        k = jnp.floor(rounded((2 * a / us + b) * u) + r + 0.43)
        ok_k = ~(k > highest)
        quick = ok_k & (us >= 0.07) & (v <= v_r)
        reject = ~ok_k | (k < 0) | ((us < 0.013) & (v > us))
        s = jnp.log(v * inv_alpha / (a / (us * us) + b))
        t = -r + rounded(k * log_rate) - jax.lax.lgamma(k + 1)
        ok = ~done & (quick | (~reject & (s <= t)))
        return call + np.uint64(1), jnp.where(ok, k, k_out), done | ok

    special = jnp.isnan(r) | jnp.isposinf(r)  # TF: infinity; NaN: TF never finishes
    st = (call0, zeros, knuth | special)
    k_h = _loop(hormann_step, st, lambda s: s[2])[1]
    out = jnp.where(knuth, k_knuth, jnp.where(special, r, k_h))
    return _to_sample_major(out, samples, rate.shape[0])
