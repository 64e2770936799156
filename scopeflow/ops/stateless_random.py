"""TF's stateless random ops: the output is a function of (shape, seed) alone, bit for bit
TF's CPU kernels.

V1 ops take a `seed` of shape [2] and scramble it into a Philox key and counter (TF's
GenerateKey: one Philox block of the seed under a fixed key); V2 ops take that key and counter
(StatelessRandomGetKeyCounter makes them) and an algorithm id. Either way the samples are the
stateful ops' transforms (philox_dists) over the generator at that key and counter.

>>> import scopeflow as tf
>>> k, c = get_key_counter(tf.constant([1, 2]))
>>> k.op.type, k.dtype.name, c.shape.as_list()
('StatelessRandomGetKeyCounter', 'uint64', [2])
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.ops import philox_dists as _tfr
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of
from scopeflow.ops.eigen_sum import cpus
from scopeflow.ops.op_util import check_allowed, typed_op
from scopeflow.ops.philox import KeyStream, philox_rounds
from scopeflow.ops.random import _out_shape, _run_error, _shape_text, run_shape
from scopeflow.ops.registry import ANY, INDEX, spec
from scopeflow.ops.sampling import _multinomial_shape

_FLOATS = ("float16", "bfloat16", "float32", "float64")
_INTS = ("int32", "int64", "uint32", "uint64")
_SEED_KEY = (0x3EC8F720, 0x02461E29)  # GenerateKey's key for scrambling a seed
_PHILOX, _AUTO = 1, 3  # TF's algorithm ids (RNG_ALG_PHILOX, RNG_ALG_AUTO_SELECT)
_U32 = np.uint64(0xFFFFFFFF)


# ---- shape rules -----------------------------------------------------------------------------
def _check_dtype(dtype, allowed):
    if dtype.name not in allowed:
        raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of "
                        "allowed values: %s" % (dtype.name, ", ".join(allowed)))


def _check_seed(seed):
    check_rank(seed, 1)
    d = dims_of(seed)
    if d is not None and d[0] is not None and d[0] != 2:
        raise ShapeError("Dimension must be 2 but is %d" % d[0])


def _check_v2(key, counter, alg):
    check_rank(key, 1)
    check_rank(counter, 1)
    check_rank(alg, 0)
    d = dims_of(key)
    if d is not None and d[0] is not None and d[0] != 1:
        raise ShapeError("Dimension must be 1 but is %d" % d[0])


def _key_counter_spec(seed):
    _check_seed(seed)
    return [spec((1,), _dt.uint64), spec((2,), _dt.uint64)]


def _v2_spec(shape, key, counter, alg, *, dtype):
    _check_dtype(dtype, _FLOATS)
    _check_v2(key, counter, alg)
    return _out_shape(shape), dtype


def _v2_int_spec(shape, key, counter, alg, minval=None, maxval=None, *, dtype=None):
    dtype = dtype or minval.dtype.base_dtype
    _check_dtype(dtype, _INTS)
    _check_v2(key, counter, alg)
    return _out_shape(shape), dtype


def _v1_spec(shape, seed, *, dtype=_dt.float32):
    _check_dtype(dtype, _FLOATS)
    _check_seed(seed)
    return _out_shape(shape), dtype


def _v1_int_spec(shape, seed, minval=None, maxval=None, *, dtype=None):
    dtype = dtype or minval.dtype.base_dtype
    _check_dtype(dtype, _INTS)
    _check_seed(seed)
    return _out_shape(shape), dtype


def _multinomial_spec(logits, num_samples, seed, *, output_dtype=_dt.int64):
    _check_seed(seed)
    return _multinomial_shape(logits, num_samples, output_dtype=output_dtype)


# ---- streams ---------------------------------------------------------------------------------
def _words64(x):
    """(low, high) uint32 words of a uint64 array."""
    return (x & _U32).astype(jnp.uint32), (x >> np.uint64(32)).astype(jnp.uint32)


def _as_u64(x):
    """A seed value as TF reads it into uint64 (an int32 sign-extended)."""
    x = jnp.asarray(x)
    if x.dtype in (jnp.int32, jnp.int64):
        return jax.lax.bitcast_convert_type(x.astype(jnp.int64), jnp.uint64)
    return x.astype(jnp.uint64)


def _seed_key_counter(ctx, seed):
    """TF's GenerateKey: the seed's Philox block under a fixed key gives (key, counter high)."""
    if np.shape(seed) != (2,):
        raise _run_error(ctx, "seed must have shape [2], not %s" % _shape_text(np.shape(seed)))
    s = _as_u64(seed)
    (a, b), (c, d) = _words64(s[0]), _words64(s[1])
    m = philox_rounds(a, b, c, d, jnp.uint32(_SEED_KEY[0]), jnp.uint32(_SEED_KEY[1]))
    return m  # key = m[0], m[1]; counter = 0, 0, m[2], m[3]


def _seed_stream(ctx, seed):
    m = _seed_key_counter(ctx, seed)
    return KeyStream(m[0], m[1], m[2], m[3], jnp.uint64(0))


def _v2_stream(ctx, key, counter, alg):
    """The generator of a V2 op, after TF's checks of key, counter and algorithm."""
    if np.shape(key) != (1,):
        raise _run_error(ctx, "key must have shape [1], not %s. (Note that batched keys are "
                              "not supported yet.)" % _shape_text(np.shape(key)))
    alg = jnp.asarray(alg, jnp.int32)
    length = np.shape(counter)[0] if np.ndim(counter) == 1 else -1
    need = jnp.where((alg == _PHILOX) | (alg == _AUTO), 1, alg)  # (TF's counter-size rule)
    shape = _shape_text(np.shape(counter))
    ctx.check(need <= length, errors.InvalidArgumentError, lambda n: (
        "counter must be a vector with length at least %d; got shape: %s. (Note that batched "
        "counters are not supported yet.)" % (int(n), shape)), [need])
    ctx.check((alg == _PHILOX) | (alg == _AUTO), errors.InvalidArgumentError,
              lambda a: "Unsupported algorithm id: %d" % int(a), [alg])
    k = _words64(_as_u64(key).reshape(-1)[0])
    c = jnp.concatenate([_as_u64(counter).reshape(-1), jnp.zeros([2], jnp.uint64)])
    return KeyStream(k[0], k[1], *_words64(c[1]), c[0])


# ---- draws -----------------------------------------------------------------------------------
def _fill(ctx, shape, stream, draw):
    dims = run_shape(ctx, shape)
    n = int(np.prod(dims, dtype=np.int64))
    if n == 0:
        return None, dims
    return draw(stream, n).reshape(dims), dims


def _float_draw(kind):
    fn = {"uniform": _tfr.uniform, "normal": _tfr.normal,
          "truncated": _tfr.truncated_normal}[kind]

    def draw(ctx, shape, stream, dtype):
        dt = dtype.as_numpy_dtype
        out, dims = _fill(ctx, shape, stream, lambda s, n: fn(s, n, dt))
        return jnp.zeros(dims, dt) if out is None else out

    return draw


def _full_int(stream, n, dtype):
    """UniformFullIntDistribution: every word (32-bit) or word pair (64-bit) as is."""
    dt = jnp.dtype(dtype)
    if dt.itemsize == 8:
        call, slot = _tfr._layout(n, 2)
        a, b = _tfr._pair(stream.words(call), slot == 0)
        bits = a.astype(jnp.uint64) | (b.astype(jnp.uint64) << np.uint64(32))
    else:
        call, slot = _tfr._layout(n, 4)
        from scopeflow.ops.philox import pick
        bits = pick(stream.words(call), slot)
    return jax.lax.bitcast_convert_type(bits, dt)[:n]


def _ranged_int(stream, n, lo, hi, dtype):
    """UniformDistribution over [lo, hi): lo + bits % (hi - lo) in unsigned arithmetic."""
    dt = jnp.dtype(dtype)
    unsigned = jnp.uint64 if dt.itemsize == 8 else jnp.uint32
    bits = jax.lax.bitcast_convert_type(_full_int(stream, n, dt), unsigned)
    lo_u = jax.lax.bitcast_convert_type(jnp.asarray(lo, dt), unsigned)
    hi_u = jax.lax.bitcast_convert_type(jnp.asarray(hi, dt), unsigned)
    rng = jnp.maximum(hi_u - lo_u, unsigned(1))
    return jax.lax.bitcast_convert_type(lo_u + bits % rng, dt)


def _check_range(ctx, shape, minval, maxval):
    for name, v in (("minval", minval), ("maxval", maxval)):
        if jnp.ndim(v) != 0:
            raise _run_error(ctx, "%s must be 0-D, got shape %s"
                             % (name, _shape_text(jnp.shape(v))))
    if int(np.prod(run_shape(ctx, shape))):  # TF: an empty output needs no valid range
        lo, hi = jnp.asarray(minval), jnp.asarray(maxval)
        ctx.check(lo < hi, errors.InvalidArgumentError, lambda a, b: "Need minval < maxval, "
                  "got %d >= %d" % (int(a), int(b)), [lo, hi])


def _int_draw(ctx, shape, stream, dtype, bounds=None):
    dt = dtype.as_numpy_dtype
    if bounds is None:
        out, dims = _fill(ctx, shape, stream, lambda s, n: _full_int(s, n, dt))
    else:
        _check_range(ctx, shape, *bounds)
        out, dims = _fill(ctx, shape, stream, lambda s, n: _ranged_int(s, n, *bounds, dt))
    return jnp.zeros(dims, dt) if out is None else out


# ---- registered ops --------------------------------------------------------------------------
_V2 = {"shape": INDEX, "key": _dt.uint64, "counter": _dt.uint64, "alg": _dt.int32}
_V1 = {"shape": INDEX, "seed": ANY}
_OPTS = {"context": True, "fold": False}  # (each draw would compile a program of its own)


@typed_op("StatelessRandomGetKeyCounter", infer=_key_counter_spec, types={"seed": ANY},
          multi=True, **_OPTS)
def _get_key_counter(ctx, seed):
    m = _seed_key_counter(ctx, seed)
    key = m[0].astype(jnp.uint64) | (m[1].astype(jnp.uint64) << np.uint64(32))
    hi = m[2].astype(jnp.uint64) | (m[3].astype(jnp.uint64) << np.uint64(32))
    return [key.reshape(1), jnp.stack([jnp.uint64(0), hi])]


def get_key_counter(seed, name=None):
    """The (key, counter) TF's V2 stateless ops take for `seed` (StatelessRandomGetKeyCounter)."""
    return _get_key_counter(seed, name=name or "StatelessRandomGetKeyCounter")


def _register_floats():
    out = {}
    for kind, v2, v1 in (("uniform", "StatelessRandomUniformV2", "StatelessRandomUniform"),
                         ("normal", "StatelessRandomNormalV2", "StatelessRandomNormal"),
                         ("truncated", "StatelessTruncatedNormalV2", "StatelessTruncatedNormal")):
        draw = _float_draw(kind)

        def v2_kernel(ctx, shape, key, counter, alg, *, dtype, _draw=draw):
            return _draw(ctx, shape, _v2_stream(ctx, key, counter, alg), dtype)

        def v1_kernel(ctx, shape, seed, *, dtype=_dt.float32, _draw=draw):
            return _draw(ctx, shape, _seed_stream(ctx, seed), dtype)

        out[v2] = typed_op(v2, infer=_v2_spec, types=_V2, **_OPTS)(v2_kernel)
        out[v1] = typed_op(v1, infer=_v1_spec, types=_V1, **_OPTS)(v1_kernel)
    return out


BUILDERS = _register_floats()


@typed_op("StatelessRandomUniformIntV2", infer=_v2_int_spec,
          types=dict(_V2, minval="T", maxval="T"), **_OPTS)
def _uniform_int_v2(ctx, shape, key, counter, alg, minval, maxval):
    dtype = _dt.as_dtype(jnp.asarray(minval).dtype)
    return _int_draw(ctx, shape, _v2_stream(ctx, key, counter, alg), dtype, (minval, maxval))


@typed_op("StatelessRandomUniformFullIntV2", infer=_v2_int_spec, types=_V2, **_OPTS)
def _uniform_full_int_v2(ctx, shape, key, counter, alg, *, dtype=_dt.uint64):
    return _int_draw(ctx, shape, _v2_stream(ctx, key, counter, alg), dtype)


@typed_op("StatelessRandomUniformInt", infer=_v1_int_spec,
          types=dict(_V1, minval="T", maxval="T"), **_OPTS)
def _uniform_int_v1(ctx, shape, seed, minval, maxval):
    dtype = _dt.as_dtype(jnp.asarray(minval).dtype)
    return _int_draw(ctx, shape, _seed_stream(ctx, seed), dtype, (minval, maxval))


@typed_op("StatelessRandomUniformFullInt", infer=_v1_int_spec, types=_V1, **_OPTS)
def _uniform_full_int_v1(ctx, shape, seed, *, dtype=_dt.uint64):
    return _int_draw(ctx, shape, _seed_stream(ctx, seed), dtype)


@typed_op("StatelessMultinomial", infer=_multinomial_spec,
          types={"num_samples": _dt.int32, "seed": ANY}, **_OPTS)
def _multinomial(ctx, logits, num_samples, seed, *, output_dtype=_dt.int64):
    n = int(np.asarray(num_samples))  # the output width must be static
    stream = _seed_stream(ctx, seed)
    batch = logits.shape[0]
    if batch * n == 0:
        return jnp.zeros((batch, n), output_dtype.as_numpy_dtype)
    return _tfr.multinomial(stream, logits, n, cpus()).astype(output_dtype.as_numpy_dtype)


def check_seed_dtype(seed):
    """TF's TypeError for a seed tensor that is not int32 or int64."""
    check_allowed(seed, "seed", ("int32", "int64"))
