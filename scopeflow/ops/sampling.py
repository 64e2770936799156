"""Sampling ops: candidate samplers, Multinomial, RandomShuffle, RandomGamma, RandomPoissonV2,
random_crop. Keys come from the run context (`ctx.rng(seed, seed2)`), seeds from TF's rules.

Seeded log-uniform and uniform candidate samplers draw TF's own candidates (its CPU kernel's
Philox words, tries and expected counts; `_tf_candidates`), so `tf.nn.nce_loss` and
`sampled_softmax_loss` under `tf.set_random_seed` give TF's losses. Otherwise unique candidate
sampling (TF: draw with replacement, reject repeats) is drawn as a Gumbel top-k, which gives
the same distribution over the sampled sequence with a static shape; the number of draws TF
would have needed (it enters the expected counts) is drawn from its geometric waiting times.
"""

import collections

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops import philox_rejection as _rej
from scopeflow.ops.eigen_sum import cpus
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, static_value, tensor, typed_op
from scopeflow.ops.philox_dists import _pair, _u64_to_double
from scopeflow.ops.registry import ANY, INDEX, spec
from scopeflow.ops.value_checks import check_elements

__all__ = ["all_candidate_sampler", "fixed_unigram_candidate_sampler",
           "learned_unigram_candidate_sampler", "log_uniform_candidate_sampler", "multinomial",
           "categorical", "random_crop", "random_gamma", "random_poisson", "random_shuffle",
           "uniform_candidate_sampler"]


def _seeds(seed):
    from scopeflow.ops.random import get_seed
    s1, s2 = get_seed(seed)
    return s1 or 0, s2 or 0


# ---- candidate samplers ---------------------------------------------------------------------
def _sampler_shape(true_classes, **attrs):
    d = true_classes.shape._dims
    n = attrs["num_sampled"]
    return [spec((n,), _dt.int64), spec((d[0] if d else None, attrs["num_true"]), _dt.float32),
            spec((n,), _dt.float32)]


def _log_uniform_probs(classes, range_max):
    # TF: log((c + 2) / (c + 1)) / log1p(range) in double, returned as float
    c = classes.astype(jnp.float64)
    return (jnp.log((c + 2.0) / (c + 1.0)) / np.log1p(range_max)).astype(jnp.float32)


def _expected(p, num_sampled, tries, unique):
    if not unique:
        return p * num_sampled
    return jnp.where(tries == num_sampled, p * num_sampled, -jnp.expm1(tries * jnp.log1p(-p)))


def _sample(key, probs_all, num_sampled, unique):
    """(candidates, number of draws with replacement TF needed) from class probabilities."""
    k1, k2 = jax.random.split(key)
    logp = jnp.log(probs_all)
    if not unique:
        c = jax.random.categorical(k1, logp, shape=(num_sampled,))
        return c, jnp.asarray(num_sampled, jnp.float32)
    g = jax.random.gumbel(k1, logp.shape)
    _, c = jax.lax.top_k(logp + g, num_sampled)
    taken = jnp.cumsum(probs_all[c]) - probs_all[c]  # probability mass already drawn
    waits = jax.random.geometric(k2, jnp.clip(1.0 - taken, 1e-12, 1.0), (num_sampled,))
    return c, jnp.sum(waits).astype(jnp.float32)


def _log_uniform_value(words, range_max):
    """LogUniformSampler::Sample: int64(exp(RandDouble() * log1p(range))) - 1, mod range."""
    u = _u64_to_double(*words)
    return (jnp.exp(u * np.log1p(range_max)).astype(jnp.int64) - 1) % range_max


def _uniform_value(words, range_max):
    """UniformSampler::Sample: Rand64() % range (TF rejects the lowest (2^64 mod range)
    words first; a chance below range / 2^64 per draw, not modelled)."""
    lo, hi = words
    r = lo.astype(jnp.uint64) | (hi.astype(jnp.uint64) << np.uint64(32))
    return (r % np.uint64(range_max)).astype(jnp.int64)


_TF_VALUES = {"LogUniformCandidateSampler": _log_uniform_value,
              "UniformCandidateSampler": _uniform_value}


def _tf_candidates(stream, op_type, num_sampled, unique, range_max):
    """(candidates, tries) as TF's RangeSampler draws them: try t reads words 2t, 2t+1 of
    the single-sample stream (one generator call per two tries); unique sampling keeps the
    first `num_sampled` distinct values, in order, and counts every try."""
    value = _TF_VALUES[op_type]

    def at(t):  # t: uint64 try numbers
        return value(_pair(stream.words(t >> np.uint64(1)), (t & np.uint64(1)) == 0),
                     range_max)

    if not unique:
        return at(jnp.arange(num_sampled, dtype=jnp.uint64)), num_sampled

    def body(st):
        picked, tries, out = st
        v = at(tries)
        new = ~jnp.any(out == v)
        out = out.at[picked].set(jnp.where(new, v, out[picked]), mode="drop")
        return picked + new.astype(jnp.int32), tries + np.uint64(1), out

    init = (jnp.int32(0), jnp.uint64(0), jnp.full((num_sampled,), -1, jnp.int64))
    _, tries, out = jax.lax.while_loop(lambda st: st[0] < num_sampled, body, init)
    return out, tries.astype(jnp.int32)


def _tf_expected(p, num_sampled, tries):
    """ExpectedCountHelper in float: p * n when every try was kept, else
    -expm1(tries * log1p(-p))."""
    tries = jnp.asarray(tries, jnp.int32)
    return jnp.where(tries == num_sampled, p * jnp.float32(num_sampled),
                     -jnp.expm1(tries.astype(jnp.float32) * jnp.log1p(-p)))


def _tf_sampler(ctx, op_type, probs_all, true_classes, attrs):
    from scopeflow.ops.random import tf_stream
    n, range_max = attrs["num_sampled"], attrs["range_max"]
    # ReserveSamples32(2048 * num_sampled): 512 generator calls per sampled candidate
    stream = tf_stream(ctx, attrs["seed"], attrs["seed2"], 512 * n)
    c, tries = _tf_candidates(stream, op_type, n, attrs["unique"], range_max)
    if op_type == "UniformCandidateSampler":
        true_p = jnp.full(true_classes.shape, 1.0 / range_max, jnp.float32)
    else:
        true_p = _log_uniform_probs(true_classes, range_max)
    return c, _tf_expected(true_p, n, tries), _tf_expected(probs_all[c], n, tries)


def _make_sampler(op_type, probs_fn):
    def kernel(ctx, true_classes, *, num_true, num_sampled, unique, range_max, seed=0,
               seed2=0, **extra):
        check_elements(ctx, true_classes, (true_classes < 0) | (true_classes >= range_max),
                       lambda pos, v: "`true_candidate` out of range [0, %d), received %d"
                       % (range_max, v))
        probs_all = probs_fn(jnp.arange(range_max), range_max, extra)
        if (seed or seed2) and op_type in _TF_VALUES:
            return _tf_sampler(ctx, op_type, probs_all, true_classes,
                               {"num_sampled": num_sampled, "unique": unique,
                                "range_max": range_max, "seed": seed, "seed2": seed2})
        c, tries = _sample(ctx.rng(seed, seed2), probs_all, num_sampled, unique)
        true_p = probs_all[jnp.clip(true_classes, 0, range_max - 1).astype(jnp.int32)]
        return (c.astype(jnp.int64), _expected(true_p, num_sampled, tries, unique),
                _expected(probs_all[c], num_sampled, tries, unique))

    return typed_op(op_type, infer=_sampler_shape, types={"true_classes": _dt.int64},
                    context=True, stateful=True, multi=True, fold=False)(kernel)


def _unigram_probs(classes, range_max, extra):
    unigrams = np.asarray(extra.get("unigrams") or [1.0] * range_max, np.float64)
    reserved = extra.get("num_reserved_ids", 0)
    w = np.concatenate([np.zeros(reserved), unigrams ** extra.get("distortion", 1.0)])
    w = w[:range_max]
    return jnp.asarray(w / w.sum(), jnp.float32)


_SAMPLERS = {
    "LogUniformCandidateSampler": _make_sampler(
        "LogUniformCandidateSampler", lambda c, r, e: _log_uniform_probs(c, r)),
    "UniformCandidateSampler": _make_sampler(
        "UniformCandidateSampler", lambda c, r, e: jnp.full(c.shape, 1.0 / r, jnp.float32)),
    # Learned unigrams start uniform; their counts are not learned across runs here.
    "LearnedUnigramCandidateSampler": _make_sampler(
        "LearnedUnigramCandidateSampler", lambda c, r, e: jnp.full(c.shape, 1.0 / r,
                                                                   jnp.float32)),
    "FixedUnigramCandidateSampler": _make_sampler("FixedUnigramCandidateSampler",
                                                  _unigram_probs),
}

# TF's results are namedtuples named for the op
_RESULTS = {op_type: collections.namedtuple(
    op_type, ["sampled_candidates", "true_expected_count", "sampled_expected_count"])
    for op_type in [*_SAMPLERS, "AllCandidateSampler"]}


def _public_sampler(op_type):
    def f(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None,
          **extra):
        s1, s2 = _seeds(seed)
        return _RESULTS[op_type](*_SAMPLERS[op_type](
            true_classes, name=name or op_type, num_true=int(num_true),
            num_sampled=int(num_sampled), unique=bool(unique), range_max=int(range_max),
            seed=s1, seed2=s2, **extra))

    return f


log_uniform_candidate_sampler = _public_sampler("LogUniformCandidateSampler")
uniform_candidate_sampler = _public_sampler("UniformCandidateSampler")
learned_unigram_candidate_sampler = _public_sampler("LearnedUnigramCandidateSampler")
_fixed = _public_sampler("FixedUnigramCandidateSampler")


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """`tf.nn.fixed_unigram_candidate_sampler` from an explicit `unigrams` list."""
    if vocab_file:
        raise NotImplementedError("vocab_file for fixed_unigram_candidate_sampler")
    return _fixed(true_classes, num_true, num_sampled, unique, range_max, seed, name,
                  distortion=float(distortion), num_reserved_ids=int(num_reserved_ids),
                  unigrams=[float(u) for u in unigrams])


def _all_shape(true_classes, **attrs):
    return _sampler_shape(true_classes, **attrs)


@typed_op("AllCandidateSampler", infer=_all_shape, types={"true_classes": _dt.int64},
          context=True, stateful=True, multi=True)
def _all_sampler(ctx, true_classes, *, num_true, num_sampled, unique, seed=0, seed2=0):
    c = jnp.arange(num_sampled, dtype=jnp.int64)
    return c, jnp.ones(true_classes.shape, jnp.float32), jnp.ones((num_sampled,), jnp.float32)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    s1, s2 = _seeds(seed)
    return _RESULTS["AllCandidateSampler"](*_all_sampler(true_classes, name=name or "AllCandidateSampler",
                                          num_true=int(num_true), num_sampled=int(num_sampled),
                                          unique=bool(unique), seed=s1, seed2=s2))


# ---- Multinomial ----------------------------------------------------------------------------
def _multinomial_shape(logits, num_samples, *, seed=0, seed2=0, output_dtype=_dt.int64):
    from scopeflow.ops.array_base import check_rank, scalar_dim
    check_rank(logits, 2)
    check_rank(num_samples, 0)
    d = logits.shape._dims
    n = scalar_dim(num_samples, 1)  # (TF's MakeDimForScalarInput: a negative count fails)
    return spec(((d[0] if d else None), n), output_dtype)


@typed_op("Multinomial", infer=_multinomial_shape, types={"num_samples": _dt.int32},
          context=True, stateful=True, fold=False)
def _multinomial(ctx, logits, num_samples, *, seed=0, seed2=0, output_dtype=_dt.int64):
    n = int(np.asarray(num_samples))  # the output width must be static
    if n < 0:  # (TF's run-time checks of fed values)
        raise ValueError("num_samples should be non-negative, got %d" % n)
    if np.ndim(logits) == 2 and not logits.shape[1]:
        raise ValueError("num_classes should be positive, got 0")
    if seed or seed2:
        return _tf_multinomial(ctx, logits, n, seed, seed2).astype(output_dtype.as_numpy_dtype)
    key = ctx.rng(seed, seed2)
    out = jax.random.categorical(key, logits, axis=-1, shape=(n, logits.shape[0]))
    return out.T.astype(output_dtype.as_numpy_dtype)


def _tf_multinomial(ctx, logits, n, seed, seed2):
    from scopeflow.ops import philox_dists
    from scopeflow.ops.random import tf_stream
    batch = logits.shape[0]
    if batch * n == 0:  # TF's kernel draws nothing for an empty output
        return jnp.zeros((batch, n), jnp.int64)
    stream = tf_stream(ctx, seed, seed2, philox_dists.reserved_calls("multinomial", batch, n))
    return philox_dists.multinomial(stream, logits, n, cpus())


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """`tf.multinomial`: `num_samples` class indices per row of `logits` ('multinomial/...').

    >>> import scopeflow as tf
    >>> tf.multinomial(tf.zeros([2, 3]), 4).shape.as_list()
    [2, 4]
    """
    with name_scope(name, "multinomial", [logits]):
        return _categorical(logits, num_samples, output_dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`tf.random.categorical` ('categorical/Multinomial')."""
    with name_scope(name, "categorical", [logits]):
        return _categorical(logits, num_samples, dtype, seed)


def _categorical(logits, num_samples, dtype, seed):
    logits = tensor(logits, name="logits")
    s1, s2 = _seeds(seed)
    return _multinomial(logits, num_samples, seed=s1, seed2=s2,
                        output_dtype=_dt.as_dtype(dtype or _dt.int64))


# ---- RandomShuffle, random_crop -------------------------------------------------------------
@typed_op("RandomShuffle", types={"value": ANY}, context=True, stateful=True, fold=False)
def _random_shuffle(ctx, value, *, seed=0, seed2=0):
    if value.ndim == 0:
        return value
    size = value.shape[0]
    if seed or seed2:
        if value.size <= 1 or size <= 1:  # TF returns the input and reserves nothing
            return value
        perm = _tf_permutation(ctx, size, seed, seed2)
    else:
        perm = jax.random.permutation(ctx.rng(seed, seed2), size)
    if isinstance(value, np.ndarray) and value.dtype == object:
        # strings cannot enter XLA: the permutation is drawn in the program, applied after it
        from scopeflow.lowering.host import host_value
        return host_value(lambda p: value[np.asarray(p)], perm)
    return jnp.take(jnp.asarray(value), perm, axis=0)


def _tf_permutation(ctx, size, seed, seed2):
    from scopeflow.ops import philox_dists
    from scopeflow.ops.random import tf_stream
    stream = tf_stream(ctx, seed, seed2, philox_dists.reserved_calls("shuffle", size))
    return philox_dists.shuffle_permutation(stream, size)


def random_shuffle(value, seed=None, name=None):
    """`tf.random_shuffle`: `value` with its first dimension permuted."""
    s1, s2 = _seeds(seed)
    return _random_shuffle(value, name=name or "RandomShuffle", seed=s1, seed2=s2)


def random_crop(value, size, seed=None, name=None):
    """`tf.random_crop`: a random `size` slice of `value` (the Slice named 'random_crop')."""
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.random import random_uniform
    from scopeflow.ops.reductions import reduce_all
    from scopeflow.ops.state import with_dependencies
    with name_scope(name, "random_crop", [value, size]) as scope:
        value = tensor(value, name="value")
        size = tensor(size, dtype=_dt.int32, name="size")
        shape = array.shape(value)
        check = Assert(reduce_all(shape >= size), ["Need value.shape >= size, got ", shape, size],
                       summarize=1000)
        shape = with_dependencies([check], shape)
        limit = shape - size + 1
        offset = random_uniform(array.shape(shape), dtype=size.dtype,
                                maxval=size.dtype.max, seed=seed) % limit
        return array.slice(value, offset, size, name=scope)


# ---- RandomGamma, RandomPoissonV2 -----------------------------------------------------------
def _sample_with_param_shape(shape, param, **attrs):
    from scopeflow.ops.array_base import check_rank
    check_rank(shape, 1)
    s = static_value(shape)
    p = param.shape._dims
    dt = attrs.get("dtype") or param.dtype.base_dtype
    if s is None or p is None:
        return spec(None, dt)
    from scopeflow.ops.array_base import dims_of_shape_value
    return spec(dims_of_shape_value(np.reshape(s, [-1])) + tuple(p), dt)


@typed_op("RandomGamma", infer=_sample_with_param_shape, types={"shape": INDEX},
          context=True, stateful=True)  # folded: alpha / rate as NumPy, TF's bits
def _random_gamma(ctx, shape, alpha, *, seed=0, seed2=0):
    out = _run_shape(ctx, shape, debug=True) + alpha.shape
    if seed or seed2:  # TF's kernel, bit for bit
        return _tf_rejection(ctx, out, alpha, seed, seed2, lambda s, p, k: _rej.gamma(s, p, k),
                             alpha.dtype)
    return jax.random.gamma(ctx.rng(seed, seed2), alpha, out, alpha.dtype)


def _tf_rejection(ctx, out, params, seed, seed2, draw, dtype):
    """A seeded gamma/poisson output: `draw(stream, flat float64 params, samples)` gives
    (samples, num_params) doubles, stored as `dtype` (half through float, as Eigen does)."""
    from scopeflow.ops.random import tf_stream
    dtype = np.dtype(dtype)
    num = int(np.prod(out, dtype=np.int64))
    if num == 0:
        return jnp.zeros(out, dtype)
    flat = jnp.reshape(params, [-1]).astype(jnp.float64)
    samples = num // flat.shape[0]
    stream = tf_stream(ctx, seed, seed2, _rej.reserved_calls(num))
    res = draw(stream, flat, samples)
    if dtype == np.float16:
        res = res.astype(jnp.float32)
    elif dtype.kind == "i":  # NumTraits<int>::infinity() (an infinite rate's sample) is 0
        res = jnp.where(jnp.isinf(res), 0.0, res)
    return res.astype(dtype).reshape(out)


def _run_shape(ctx, shape, debug=False):
    """The output dims a run's `shape` value gives, with TF's run-time errors (MakeShape)."""
    from scopeflow.ops.random import run_shape
    return run_shape(ctx, shape, debug)


def random_gamma(shape, alpha, beta=None, dtype=_dt.float32, seed=None, name=None):
    """`tf.random_gamma`: Gamma(alpha, beta) samples of shape `shape + broadcast(alpha, beta)`."""
    from scopeflow.ops import math as m
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "random_gamma", [shape, alpha, beta]):
        shape = tensor(shape, name="shape", dtype=_dt.int32)
        alpha = tensor(alpha, name="alpha", dtype=dtype)
        beta = tensor(beta if beta is not None else 1, name="beta", dtype=dtype)
        bshape = array.broadcast_dynamic_shape(array.shape(alpha), array.shape(beta))
        alpha_b = array.broadcast_to(alpha, bshape)
        s1, s2 = _seeds(seed)
        tiny = np.finfo(dtype.as_numpy_dtype).tiny
        return m.maximum(tiny, _random_gamma(shape, alpha_b, seed=s1, seed2=s2) / beta)


@typed_op("RandomPoissonV2", infer=_sample_with_param_shape, types={"shape": INDEX},
          context=True, stateful=True)  # folded: alpha / rate as NumPy, TF's bits
def _random_poisson(ctx, shape, rate, *, seed=0, seed2=0, dtype=_dt.int64):
    out = _run_shape(ctx, shape) + rate.shape
    dt = dtype.as_numpy_dtype
    if seed or seed2:  # TF's kernel, bit for bit
        high = float(np.finfo(dt).max if dtype.is_floating else np.iinfo(dt).max)
        return _tf_rejection(ctx, out, rate, seed, seed2,
                             lambda s, p, k: _rej.poisson(s, p, k, high), dt)
    draws = jax.random.poisson(ctx.rng(seed, seed2), rate, out)
    return draws.astype(dt)


def random_poisson(lam, shape, dtype=_dt.float32, seed=None, name=None):
    """`tf.random_poisson`: Poisson(lam) samples of shape `shape + lam.shape`."""
    with name_scope(name, "random_poisson", [lam, shape]):
        shape = tensor(shape, name="shape", dtype=_dt.int32)
        s1, s2 = _seeds(seed)
        dtype = _dt.as_dtype(dtype)
        if dtype.name not in _POISSON_DTYPES:
            raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of "
                            "allowed values: %s" % (dtype.name, ", ".join(_POISSON_DTYPES)))
        return _random_poisson(shape, lam, seed=s1, seed2=s2, dtype=dtype)


_POISSON_DTYPES = ("float16", "float32", "float64", "int32", "int64")
