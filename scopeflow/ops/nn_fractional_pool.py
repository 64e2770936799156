"""Fractional max / average pooling (TF's FractionalMaxPool, FractionalAvgPool and their
gradient ops; tf.nn.fractional_max_pool / fractional_avg_pool, TF1's with `deterministic`,
`seed` and `seed2`).

Each run draws a row and a column pooling sequence (cumulative window starts, output size + 1
entries), then pools each (row window, column window) cell. TF's kernel makes a fresh
GuardedPhiloxRandom from (seed, seed2) on every run, so with seeds set the sequences depend
only on the seeds and sizes: they are drawn here on the host, word for word as TF's
fractional_pool_common.cc does (the rows' draw first, the columns' after the calls it
reserved). With both seeds 0 TF draws fresh random seeds; here the run's PRNG key draws them
(same distribution, not TF's numbers) once per session: TF's kernel draws its seeds once,
when the session creates it, so every run of a session pools alike (deterministic or not).
The pooling itself is compiled: every window is read
at a bounded number of offsets (k + 2 for k = input // output), masked past its end, and
combined in TF's row-major order, so sums and maxima are TF's bit for bit.

    >>> import scopeflow as tf
    >>> x = tf.zeros([1, 9, 10, 2])
    >>> [t.shape.as_list() for t in tf.nn.fractional_max_pool(x, [1., 1.44, 1.73, 1.],
    ...                                                       deterministic=True, seed=3)]
    [[1, 6, 5, 2], [6], [5]]
"""

import collections
import math
import struct

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.philox import Philox32
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.value_checks import check, failed

__all__ = ["fractional_avg_pool", "fractional_max_pool"]

_TYPES = ("float32", "float64", "int32", "int64")
for _t in ("FractionalMaxPool", "FractionalAvgPool"):
    ALLOWED[_t] = ((0, "value", _TYPES),)
ALLOWED["FractionalMaxPoolGrad"] = ((0, "orig_input", _TYPES),)
ALLOWED["FractionalAvgPoolGrad"] = ((1, "out_backprop", _TYPES),)

_NAMES = {"FractionalMaxPool": "max", "FractionalAvgPool": "average"}


def _float_text(v):
    """C++ StrCat of a float: 6 significant digits, 9 where 6 do not round-trip."""
    v = float(np.float32(v))
    text = "%.6g" % v
    return text if float(np.float32(float(text))) == v else "%.9g" % v


def _out_size(n, ratio):
    """TF's floor(n / ratio) in float32 arithmetic."""
    return int(math.floor(np.float32(n) / np.float32(ratio)))


def _check_ratio(op_type, ratio):
    if len(ratio) < 4:
        raise ValueError("Attr 'pooling_ratio' of '%s' Op passed list of length %d less than "
                         "minimum 4." % (op_type, len(ratio)))


def _pool_infer(op_type):
    def infer(value, *, pooling_ratio, **_):
        ratio = list(pooling_ratio)
        _check_ratio(op_type, ratio)
        d = value.shape._dims
        if d is not None and len(d) != 4:
            raise ShapeError("Shape must be rank 4 but is rank %d" % len(d))
        if len(ratio) != 4:
            raise ShapeError("pooling_ratio field must specify 4 dimensions")
        dims = [None] * 4
        if d is not None:
            for i in range(4):
                if d[i] is not None:
                    if ratio[i] < 1:
                        raise ShapeError("pooling_ratio cannot be smaller than 1, got: %s"
                                         % _float_text(ratio[i]))
                    dims[i] = _out_size(d[i], ratio[i])
        dt = value.dtype.base_dtype
        # (TF's rule: the sequences' static length is the output's, one short of the run's)
        return [spec(dims, dt), spec([dims[1]], _dt.int64), spec([dims[2]], _dt.int64)]

    return infer


# ---- pooling sequences (fractional_pool_common.cc) ------------------------------------------
def _generator(seed, seed2, call):
    """TF's single-sample Philox stream of (seed, seed2) from generator call `call`."""
    g = Philox32(seed, seed2)
    g.counter[0], g.counter[1] = call & 0xFFFFFFFF, call >> 32
    return g


def _rand_double(x0, x1):
    """random::Uint64ToDouble: 52 mantissa bits (x0's low 20, x1) in [1, 2), minus 1."""
    bits = (1023 << 52) | ((x0 & 0xFFFFF) << 32) | x1
    return struct.unpack("<d", struct.pack("<Q", bits))[0] - 1.0


def _pseudo_bound(n_in, n_out):
    alpha = n_in / n_out
    k = n_in // n_out
    return alpha, min((k + 2) / alpha - 1, (n_in + 1 - k) / alpha - (n_out - 1))


def _reserved(n_out, pseudo):
    """Generator calls one sequence reserves: ReserveSamples32(2) or (n_out)."""
    return 1 if pseudo else (n_out + 3) // 4


def _base_diff(n_in, n_out):
    k, rem = divmod(n_in, n_out)
    return np.array([k + 1] * rem + [k] * (n_out - rem), np.int64)


def pooling_sequence(n_in, n_out, seed, seed2, call, pseudo):
    """TF's GeneratePoolingSequence with the generator at call `call`: the cumulative
    sequence (int64, n_out + 1 entries)."""
    g = _generator(seed, seed2, call)
    if pseudo:
        alpha, max_u = _pseudo_bound(n_in, n_out)
        x0 = g.next()
        u = _rand_double(x0, g.next()) * max_u
        cum = [1] + [int(math.ceil(alpha * (i + u))) for i in range(1, n_out)] + [n_in + 1]
        diff = np.diff(np.array(cum, np.int64))
    else:
        diff = _base_diff(n_in, n_out)
        for i in range(n_out - 1):  # RandomShuffle with uniform(n) = word % n
            j = i + g.next() % (n_out - i)
            diff[i], diff[j] = diff[j], diff[i]
    return np.concatenate([[0], np.cumsum(diff)]).astype(np.int64)


def _random_sequence(key, n_in, n_out, pseudo):
    """A sequence drawn from a JAX key (both seeds 0: TF's seeds are random too)."""
    if pseudo:
        alpha, max_u = _pseudo_bound(n_in, n_out)
        u = jax.random.uniform(key, (), jnp.float64) * max_u
        i = jnp.arange(1, n_out, dtype=jnp.float64)
        mid = jnp.ceil(alpha * (i + u)).astype(jnp.int64)
        cum = jnp.concatenate([jnp.array([1], jnp.int64), mid,
                               jnp.array([n_in + 1], jnp.int64)])
        diff = cum[1:] - cum[:-1]
    else:
        diff = jnp.asarray(_base_diff(n_in, n_out))[jax.random.permutation(key, n_out)]
    return jnp.concatenate([jnp.zeros(1, jnp.int64), jnp.cumsum(diff)])


# ---- windows ----------------------------------------------------------------------------------
def _windows(seq, n_in, n_out, overlapping):
    """(input index, valid) per (output position, offset): each window's rows or columns
    [seq[i], seq[i + 1] (- 1 unless overlapping)], clipped to the input, at offsets below
    k + 2."""
    seq = jnp.asarray(seq, jnp.int64)
    start = seq[:-1]
    end = jnp.minimum(seq[1:] if overlapping else seq[1:] - 1, n_in - 1)
    width = max(1, min(n_in, n_in // max(n_out, 1) + 2))
    idx = start[:, None] + jnp.arange(width, dtype=jnp.int64)[None, :]
    return jnp.clip(idx, 0, max(n_in - 1, 0)), idx <= end[:, None], start, end


def _cells(x, rows, cols):
    """Each output cell's window values: (batch, out rows, row offsets, out cols, col offsets,
    depth) and the masks of (row offset, col offset) pairs, as (out rows, out cols) arrays."""
    r_idx, r_ok = rows[:2]
    c_idx, c_ok = cols[:2]
    vals = jnp.take(jnp.take(x, r_idx, axis=1), c_idx, axis=3)
    return vals, r_ok, c_ok


def _lowest(dtype):
    dtype = np.dtype(dtype)
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _max_cells(x, rows, cols):
    """Each cell's maximum and its (row, col) input position: the first maximum in row-major
    order (the first element read is taken, then only a larger one), as TF's
    FractionalMaxPoolGrad finds it."""
    vals, r_ok, c_ok = _cells(x, rows, cols)
    best = None
    for a in range(vals.shape[2]):
        for b in range(vals.shape[4]):
            v = vals[:, :, a, :, b, :]
            ok = (r_ok[:, a][:, None] & c_ok[:, b][None, :])[None, :, :, None]
            h = rows[0][:, a][None, :, None, None]
            w = cols[0][:, b][None, None, :, None]
            if best is None:
                best, bh, bw = v, jnp.broadcast_to(h, v.shape), jnp.broadcast_to(w, v.shape)
                continue
            take = ok & (best < v)
            best, bh, bw = jnp.where(take, v, best), jnp.where(take, h, bh), \
                jnp.where(take, w, bw)
    return best, bh, bw


def _max_pool(x, rows, cols):
    """FractionalMaxPool's output: Eigen's cwiseMax from the lowest value, window order."""
    vals, r_ok, c_ok = _cells(x, rows, cols)
    out = jnp.full(vals[:, :, 0, :, 0, :].shape, _lowest(x.dtype), x.dtype)
    for a in range(vals.shape[2]):
        for b in range(vals.shape[4]):
            v = vals[:, :, a, :, b, :]
            ok = (r_ok[:, a][:, None] & c_ok[:, b][None, :])[None, :, :, None]
            out = jnp.where(ok & (out < v), v, out)
    return out


def _div(a, b):
    """a / b as TF's kernels divide: XLA turns a division by a broadcast into a product with
    the reciprocal (an ulp off), so the divisor, broadcast first, passes an optimization
    barrier."""
    b = jax.lax.optimization_barrier(jnp.broadcast_to(b, a.shape))
    return jax.lax.div(a, b) if jnp.issubdtype(a.dtype, jnp.integer) else a / b


def _avg_pool(x, rows, cols):
    """FractionalAvgPool's output: each window summed in row-major order, over its count."""
    vals, r_ok, c_ok = _cells(x, rows, cols)
    out = jnp.zeros(vals[:, :, 0, :, 0, :].shape, x.dtype)
    for a in range(vals.shape[2]):
        for b in range(vals.shape[4]):
            ok = (r_ok[:, a][:, None] & c_ok[:, b][None, :])[None, :, :, None]
            out = out + jnp.where(ok, vals[:, :, a, :, b, :], jnp.zeros((), x.dtype))
    count = (r_ok.sum(1)[:, None] * c_ok.sum(1)[None, :]).astype(x.dtype)
    return _div(out, count[None, :, :, None])


def _containing(start, end, n_in):
    """For each input index, the (earlier, later) windows that may contain it (index, valid):
    the last window starting at or before it and the one before that, which overlapping
    windows share a boundary with."""
    pos = jnp.arange(n_in, dtype=jnp.int64)
    last = jnp.searchsorted(start, pos, side="right").astype(jnp.int64) - 1
    out = []
    for r in (last - 1, last):
        rc = jnp.clip(r, 0, start.shape[0] - 1)
        out.append((rc, (r >= 0) & (start[rc] <= pos) & (pos <= end[rc])))
    return out


def _scatter_back(value_of, rows, cols, n_rows, n_cols, dtype):
    """Sums, per input cell, `value_of(r, c, ok)` (batch, in rows, in cols, depth) of the
    windows containing it, in TF's output order (row window, then column window)."""
    total = None
    for r, r_ok in _containing(rows[2], rows[3], n_rows):
        for c, c_ok in _containing(cols[2], cols[3], n_cols):
            ok = (r_ok[:, None] & c_ok[None, :])[None, :, :, None]
            v = value_of(r, c, ok)
            total = v if total is None else total + v
    return total.astype(dtype)


def _take2(t, r, c):
    return jnp.take(jnp.take(t, r, axis=1), c, axis=2)


# ---- ops -----------------------------------------------------------------------------------
def _sequences(ctx, op_type, x, ratio, pseudo, overlapping, deterministic, seed, seed2):
    """The kernel's checks and (rows, cols) windows and sequences, or the error message (with
    its class when not InvalidArgumentError)."""
    if len(ratio) != 4:
        return "pooling_ratio field must specify 4 dimensions"
    for r in ratio:
        if r < 1:
            return "pooling_ratio cannot be smaller than 1, got: %s" % _float_text(r)
    if not (ratio[0] == 1 and ratio[3] == 1):
        return UnimplementedError, ("Fractional %s pooling is not yet supported on the batch "
                                    "nor channel dimension." % _NAMES[op_type])
    if not deterministic and (seed or seed2):
        return "Both seed and seed2 should be 0 if deterministic is false."
    if x.ndim != 4:
        return "tensor_in must be 4-dimensional"
    for i in range(4):
        if not x.shape[i] >= np.float32(ratio[i]):
            return ("Pooling ratio is higher than input dimension size for dimension %d. "
                    "Input dim size: %d pooling ratio: %s"
                    % (i, x.shape[i], _float_text(ratio[i])))
    n_in = x.shape[1:3]
    n_out = [_out_size(n, ratio[i + 1]) for i, n in enumerate(n_in)]
    if seed or seed2:
        rseq = pooling_sequence(n_in[0], n_out[0], seed, seed2, 0, pseudo)
        cseq = pooling_sequence(n_in[1], n_out[1], seed, seed2,
                                _reserved(n_out[0], pseudo), pseudo)
    else:
        # (TF 2.21's kernel draws its seeds once, when made: every run of a session pools
        # alike, deterministic or not)
        k1, k2 = jax.random.split(ctx.session_rng())
        rseq = _random_sequence(k1, n_in[0], n_out[0], pseudo)
        cseq = _random_sequence(k2, n_in[1], n_out[1], pseudo)
    rows = _windows(rseq, n_in[0], n_out[0], overlapping)
    cols = _windows(cseq, n_in[1], n_out[1], overlapping)
    return rows, cols, jnp.asarray(rseq, jnp.int64), jnp.asarray(cseq, jnp.int64)


def _pool_kernel(op_type, pool):
    def kernel(ctx, value, *, pooling_ratio, pseudo_random=False, overlapping=False,
               deterministic=False, seed=0, seed2=0):
        x = jnp.asarray(value)
        got = _sequences(ctx, op_type, x, [float(np.float32(r)) for r in pooling_ratio],
                         pseudo_random, overlapping, deterministic, seed, seed2)
        if isinstance(got, str):
            got = InvalidArgumentError, got
        if isinstance(got[0], type):
            check(ctx, False, got[1], exc=got[0])
            return x, jnp.zeros(0, jnp.int64), jnp.zeros(0, jnp.int64)
        rows, cols, rseq, cseq = got
        return pool(x, rows, cols), rseq, cseq

    return kernel


_max_op = typed_op("FractionalMaxPool", infer=_pool_infer("FractionalMaxPool"), multi=True,
                   context=True, fold=False)(_pool_kernel("FractionalMaxPool", _max_pool))
_avg_op = typed_op("FractionalAvgPool", infer=_pool_infer("FractionalAvgPool"), multi=True,
                   context=True, fold=False)(_pool_kernel("FractionalAvgPool", _avg_pool))


def _max_grad_infer(orig_input, orig_output, out_backprop, row_seq, col_seq, **_):
    d = orig_input.shape._dims
    if d is not None and len(d) != 4:
        raise ShapeError("Shape must be rank 4 but is rank %d" % len(d))
    return spec(d if d is not None else (None,) * 4, orig_input.dtype.base_dtype)


@typed_op("FractionalMaxPoolGrad", infer=_max_grad_infer, context=True,
          types={"row_pooling_sequence": _dt.int64, "col_pooling_sequence": _dt.int64})
def _max_pool_grad(ctx, orig_input, orig_output, out_backprop, row_pooling_sequence,
                   col_pooling_sequence, *, overlapping=False):
    x, g = jnp.asarray(orig_input), jnp.asarray(out_backprop)
    if failed(ctx, "orig_input should be a tensor of rank 4" if x.ndim != 4 else ""):
        return jnp.zeros_like(x)
    (_, n_rows, n_cols, _), (_, o_rows, o_cols, _) = x.shape, g.shape
    rows = _windows(row_pooling_sequence, n_rows, o_rows, overlapping)
    cols = _windows(col_pooling_sequence, n_cols, o_cols, overlapping)
    _, bh, bw = _max_cells(x, rows, cols)
    h = jnp.arange(n_rows, dtype=jnp.int64)[None, :, None, None]
    w = jnp.arange(n_cols, dtype=jnp.int64)[None, None, :, None]

    def value_of(r, c, ok):
        hit = ok & (_take2(bh, r, c) == h) & (_take2(bw, r, c) == w)
        return jnp.where(hit, _take2(g, r, c), jnp.zeros((), g.dtype))

    return _scatter_back(value_of, rows, cols, n_rows, n_cols, x.dtype)


def _avg_grad_infer(orig_input_tensor_shape, out_backprop, row_seq, col_seq, **_):
    from scopeflow.ops.array_base import partial_shape
    dims = partial_shape(orig_input_tensor_shape)
    return spec(dims if dims is not None else None, out_backprop.dtype.base_dtype)


@typed_op("FractionalAvgPoolGrad", infer=_avg_grad_infer, context=True,
          types={"orig_input_tensor_shape": _dt.int64, "row_pooling_sequence": _dt.int64,
                 "col_pooling_sequence": _dt.int64})
def _avg_pool_grad(ctx, orig_input_tensor_shape, out_backprop, row_pooling_sequence,
                   col_pooling_sequence, *, overlapping=False):
    shape = [int(s) for s in np.asarray(orig_input_tensor_shape).reshape(-1)]  # static
    g = jnp.asarray(out_backprop)
    if failed(ctx, "" if len(shape) == 4 else "original input tensor shape must be"
              "1-dimensional and 4 elements"):
        return jnp.zeros((0,) * 4, g.dtype)
    _, n_rows, n_cols, _ = shape
    _, o_rows, o_cols, _ = g.shape
    rows = _windows(row_pooling_sequence, n_rows, o_rows, overlapping)
    cols = _windows(col_pooling_sequence, n_cols, o_cols, overlapping)
    counts = ((rows[3] - rows[2] + 1)[:, None] * (cols[3] - cols[2] + 1)[None, :])
    share = _div(g.astype(jnp.float64), counts.astype(jnp.float64)[None, :, :, None])

    def value_of(r, c, ok):
        return jnp.where(ok, _take2(share, r, c), 0.0)

    return _scatter_back(value_of, rows, cols, n_rows, n_cols, g.dtype)


# ---- public functions -----------------------------------------------------------------------
_MaxOut = collections.namedtuple("FractionalMaxPool",
                                 ["output", "row_pooling_sequence", "col_pooling_sequence"])
_AvgOut = collections.namedtuple("FractionalAvgPool",
                                 ["output", "row_pooling_sequence", "col_pooling_sequence"])


def _ratio_list(ratio, fn):
    if not isinstance(ratio, (list, tuple)):
        raise TypeError("Expected list for 'pooling_ratio' argument to '%s' Op, not %r."
                        % (fn, ratio))
    return [float(r) for r in ratio]


def _public(fn_name, op, out, kind):
    def f(value, pooling_ratio, pseudo_random=False, overlapping=False, deterministic=False,
          seed=0, seed2=0, name=None):
        ratio = _ratio_list(pooling_ratio, fn_name)
        return out(*op(value, pooling_ratio=ratio, pseudo_random=bool(pseudo_random),
                       overlapping=bool(overlapping), deterministic=bool(deterministic),
                       seed=int(seed), seed2=int(seed2), name=name))

    f.__name__ = f.__qualname__ = fn_name
    f.__doc__ = ("TF1's `tf.nn.%s`: fractional %s pooling, (output, row_pooling_sequence, "
                 "col_pooling_sequence)." % (fn_name, kind))
    return f


fractional_max_pool = _public("fractional_max_pool", _max_op, _MaxOut, "max")
fractional_avg_pool = _public("fractional_avg_pool", _avg_op, _AvgOut, "average")
