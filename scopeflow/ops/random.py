"""Stateful random ops and TF's seed rules (graph seed + op seed), with TF's op names.

A seeded op (seed or seed2 set) reproduces TF's CPU kernel bit for bit: TF's Philox stream
and transforms (scopeflow.ops.philox, philox_dists), skipped ahead by what each run
reserves, as TF's kernel skips its generator, so run k of a session gives TF's run k.
Unseeded ops draw from JAX's generator (faster), fresh each run.
"""

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape, dimension_value
from scopeflow.lowering.stages import batch_kernel
from scopeflow.ops import philox_dists as _tfr
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.philox import Stream
from scopeflow.ops.registry import ANY, INDEX, ShapeError, op

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1
_op_seed_counts = weakref.WeakKeyDictionary()  # graph -> next implicit op seed


def get_seed(op_seed):
    """`tf.random.get_seed`: the (graph seed, op seed) pair a random op uses.

    >>> get_seed(5)
    (87654321, 5)
    """
    g = default_graph()
    global_seed = g.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = _op_seed_counts.get(g, 0)
            _op_seed_counts[g] = op_seed + 1
        seeds = (global_seed % _MAXINT32, op_seed % _MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed % _MAXINT32)
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def set_random_seed(seed):
    """`tf.set_random_seed`: the graph-level seed of the default graph.

    >>> import scopeflow as tf
    >>> tf.set_random_seed(1); tf.get_seed(None), tf.get_seed(None)
    ((1, 0), (1, 1))
    """
    default_graph().seed = seed


# ---- registered ops ------------------------------------------------------------------------
def _out_shape(shape):
    """Static output shape from a shape tensor: its value, else its length, else unknown."""
    if shape.shape.ndims is not None and shape.shape.ndims != 1:  # (TF's shape function)
        raise ShapeError("Shape must be rank 1 but is rank %d" % shape.shape.ndims)
    value = constant_value(shape)
    if value is not None:
        from scopeflow.ops.array_base import dims_of_shape_value
        return TensorShape._of(dims_of_shape_value(np.reshape(value, [-1])))
    if shape.shape.ndims == 1:  # TF's MakeShapeFromShapeTensor: [None, 2] from Shape(x)
        from scopeflow.ops.array_base import partial_shape
        dims = partial_shape(shape)
        if dims is not None:
            return TensorShape._of(dims)
    return TensorShape(None)


def _sample_spec(shape, *, seed=0, seed2=0, dtype):
    return _out_shape(shape), dtype


_TYPES = {"shape": INDEX}
# The random ops below are never folded (fold=False): a draw depends on the run's traced
# counter, so running one eagerly at trace time gives no known value, and each of its small
# Philox steps would compile an XLA program of its own (seconds on a first run).


def tf_stream(ctx, seed, seed2, reserved):
    """The executing op's TF generator for this execution, which reserves `reserved` calls:
    they start after those its earlier executions reserved (earlier runs, earlier iterations
    of enclosing loops), each by its own shapes."""
    return Stream(seed, seed2, ctx.philox_offset(reserved))


def _seeded(seed, seed2):
    return bool(seed) or bool(seed2)


def _sample(ctx, shape, seed, seed2, draw):
    """Output of a PhiloxRandomOp: `draw(stream, n)` reshaped to `shape`."""
    shape = run_shape(ctx, shape)
    n = int(np.prod(shape, dtype=np.int64))
    stream = tf_stream(ctx, seed, seed2, _tfr.reserved_calls("fill", n))
    return draw(stream, n).reshape(shape)


@op("RandomStandardNormal", infer=_sample_spec, types=_TYPES, context=True, stateful=True,
    fold=False)
def _random_standard_normal(ctx, shape, *, seed=0, seed2=0, dtype):
    dt = dtype.as_numpy_dtype
    if _seeded(seed, seed2):
        return _sample(ctx, shape, seed, seed2, lambda s, n: _tfr.normal(s, n, dt))
    return jax.random.normal(ctx.rng(seed, seed2), run_shape(ctx, shape), dt)


@op("TruncatedNormal", infer=_sample_spec, types=_TYPES, context=True, stateful=True,
    fold=False)
def _truncated_normal(ctx, shape, *, seed=0, seed2=0, dtype):
    dt = dtype.as_numpy_dtype
    if _seeded(seed, seed2):
        return _sample(ctx, shape, seed, seed2, lambda s, n: _tfr.truncated_normal(s, n, dt))
    return jax.random.truncated_normal(ctx.rng(seed, seed2), -2.0, 2.0, run_shape(ctx, shape), dt)


@batch_kernel("TruncatedNormal")
def _truncated_normal_batch(ctx, ops):
    """Seeded truncated normals of fully known shapes, one computation per dtype: a program
    initializing many variables compiles the rejection sampler once."""
    by_dtype = {}
    for o in ops:
        dims = o._outputs[0]._shape._dims
        if _seeded(o._attrs["seed"], o._attrs["seed2"]) and dims is not None \
                and None not in dims:
            by_dtype.setdefault(o._attrs["dtype"].as_numpy_dtype, []).append((o, tuple(dims)))
    out = {}
    for dt, members in by_dtype.items():
        if len(members) < 2:
            continue
        streams, sizes = [], []
        for o, dims in members:
            ctx.op = o
            n = int(np.prod(dims, dtype=np.int64))
            streams.append(tf_stream(ctx, o._attrs["seed"], o._attrs["seed2"],
                                     _tfr.reserved_calls("fill", n)))
            sizes.append(n)
        for (o, dims), v in zip(members, _tfr.truncated_normal_many(streams, sizes, dt)):
            out[o] = v.reshape(dims)
    return out


@op("RandomUniform", infer=_sample_spec, types=_TYPES, context=True, stateful=True,
    fold=False)
def _random_uniform(ctx, shape, *, seed=0, seed2=0, dtype):
    dt = dtype.as_numpy_dtype
    if _seeded(seed, seed2):
        return _sample(ctx, shape, seed, seed2, lambda s, n: _tfr.uniform(s, n, dt))
    return jax.random.uniform(ctx.rng(seed, seed2), run_shape(ctx, shape), dt)


def _uniform_int_spec(shape, minval, maxval, *, seed=0, seed2=0, Tout):
    return _out_shape(shape), Tout


@op("RandomUniformInt", infer=_uniform_int_spec, types={"shape": INDEX, "minval": ANY,
                                                         "maxval": ANY},
    context=True, stateful=True, fold=False)
def _random_uniform_int(ctx, shape, minval, maxval, *, seed=0, seed2=0, Tout):
    for name, v in (("minval", minval), ("maxval", maxval)):
        if jnp.ndim(v) != 0:
            raise _run_error(ctx, "%s must be 0-D, got shape %s"
                             % (name, _shape_text(jnp.shape(v))))
    dims = run_shape(ctx, shape)
    if int(np.prod(dims)):  # TF: zero impossible things are fine
        lo, hi = jnp.asarray(minval), jnp.asarray(maxval)
        ctx.check(lo < hi, errors.InvalidArgumentError, lambda v: "Need minval < maxval, got "
                  "%d >= %d" % (int(v[0]), int(v[1])), [jnp.stack([lo, hi]).astype(np.int64)])
    dt = Tout.as_numpy_dtype
    if _seeded(seed, seed2):
        return _sample(ctx, shape, seed, seed2,
                       lambda s, n: _tfr.uniform_int(s, n, minval, maxval, dt))
    return jax.random.randint(ctx.rng(seed, seed2), dims, minval, maxval, dt)


def _run_error(ctx, message):
    from scopeflow.lowering.context import run_error
    return run_error(errors.InvalidArgumentError, ctx.op, message)


def run_shape(ctx, shape, debug=False):
    """The dims of a run's shape value (TF's tensor::MakeShape and its errors); `debug`: the
    kernel names the tensor as RandomGamma does."""
    value = np.asarray(shape)
    if value.ndim != 1:
        what = (": " + _debug_string(value)) if debug else " " + _shape_text(value.shape)
        raise _run_error(ctx, "shape must be a vector of {int32,int64}, got shape" + what)
    for d in value.tolist():
        if d < 0:
            raise _run_error(ctx, "Dimension %d must be >= 0" % d)
    return tuple(int(d) for d in value.tolist())


def _debug_string(value):
    """TF's Tensor::DebugString: type, shape and the first three values."""
    flat = value.reshape(-1).tolist()

    def dim(i, start):  # TF's PrintOneDim: inner dimensions in brackets
        if i == value.ndim - 1:
            return " ".join(str(v) for v in flat[start:start + value.shape[i]][:3])
        step = int(np.prod(value.shape[i + 1:]))
        return "".join("[%s]" % dim(i + 1, start + k * step) for k in range(value.shape[i]))

    text = str(flat[0]) if value.ndim == 0 else dim(0, 0)
    return "Tensor<type: %s shape: %s values: %s>" % (value.dtype.name, _shape_text(value.shape),
                                                     text)


def _shape_text(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


# ---- public functions ----------------------------------------------------------------------
def _scope(name, default_name, values):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


def shape_tensor(shape):
    """TF's shape_util.shape_tensor: an int32 (or int64) tensor named 'shape'."""
    dtype = None
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype, shape = _dt.int32, np.zeros([0], np.int32)
        else:
            shape = tuple(map(dimension_value, shape))
    return convert_to_tensor(shape, dtype=dtype, name="shape")


def _normal_like(kind, shape, mean, stddev, dtype, seed, name):
    from scopeflow.ops.math import add
    dtype = _dt.as_dtype(dtype)
    with _scope(name, kind, [shape, mean, stddev]) as name:
        shape_t = shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        seed1, seed2 = get_seed(seed)
        sampler = _random_standard_normal if kind == "random_normal" else _truncated_normal
        rnd = sampler(shape_t, seed=seed1 or 0, seed2=seed2 or 0, dtype=dtype)
        return add(_rounded(rnd * stddev_t), mean_t, name=name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """`tf.random_normal`: samples of N(mean, stddev²), op `random_normal`.

    >>> import scopeflow as tf
    >>> tf.random_normal([2, 3]).name
    'random_normal:0'
    """
    return _normal_like("random_normal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """`tf.truncated_normal`: normal samples redrawn beyond two standard deviations."""
    return _normal_like("truncated_normal", shape, mean, stddev, dtype, seed, name)


_UNIFORM_DTYPES = (_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64, _dt.int32, _dt.int64)


def random_uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None):
    """`tf.random_uniform`: samples from [minval, maxval), op `random_uniform`.

    >>> import scopeflow as tf
    >>> tf.random_uniform([2], maxval=10, dtype=tf.int32).op.type
    'RandomUniformInt'
    """
    dtype = _dt.as_dtype(dtype)
    if dtype not in _UNIFORM_DTYPES:
        raise ValueError("Argument `dtype` got invalid value %s. Accepted dtypes are %r."
                         % (dtype, _UNIFORM_DTYPES))
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dtype)
        maxval = 1
    with _scope(name, "random_uniform", [shape, minval, maxval]) as name:
        return _uniform_in_scope(shape_tensor(shape), minval, maxval, dtype, seed, name)


def _uniform_in_scope(shape, minval, maxval, dtype, seed, name):
    from scopeflow.ops.math import add, multiply
    min_is_zero = isinstance(minval, int) and not isinstance(minval, bool) and minval == 0
    max_is_one = isinstance(maxval, int) and not isinstance(maxval, bool) and maxval == 1
    if not min_is_zero or not max_is_one or dtype.is_integer:
        minval = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
    seed1, seed2 = get_seed(seed)
    seeds = {"seed": seed1 or 0, "seed2": seed2 or 0}
    if dtype.is_integer:
        return _random_uniform_int(shape, minval, maxval, name=name, Tout=dtype, **seeds)
    result = _random_uniform(shape, dtype=dtype, **seeds)
    if min_is_zero:
        return result if max_is_one else multiply(result, maxval)
    return add(_rounded(result * (maxval - minval)), minval, name=name)


def _rounded(product):
    """`product` (a Mul) is rounded before the Add that follows, as in TF (see math.py)."""
    from scopeflow.ops.math import ROUNDED_PRODUCTS
    ROUNDED_PRODUCTS.add(product.op)
    return product
