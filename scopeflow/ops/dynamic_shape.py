"""Ops whose output shape depends on input values: Where, Unique, ListDiff, DynamicPartition, ...

    >>> import scopeflow as tf
    >>> m = tf.placeholder(tf.bool, [None])
    >>> tf.where(m).shape.as_list()
    [None, 1]

Each op is one `registry.op` entry (TF's type and shape rule) whose work is one NumPy function.
In a Session.run it is a host op (lowering/stages.py): it runs on the host between compiled
stages, so the size of its output can follow the values. Its JAX kernel runs the same NumPy
function when the inputs are known at trace time (constants, graph-time folding); on traced
inputs it can only use output sizes found by the host step (the forward pass `tf.gradients`
re-runs, see `known_outputs`), and otherwise raises TF's UnimplementedError: a host op cannot
run inside tf.while_loop or tf.cond.
"""

import inspect

import jax
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.array_base import check_rank, dims_of, merge_dims, static_value
from scopeflow.ops.registry import ANY, ShapeError, op, spec

_P = inspect.Parameter


class BadValue(ValueError):
    """Raised by a NumPy function on inputs TF's kernel rejects (InvalidArgumentError, or the
    class given as `error`)."""

    def __init__(self, message, error=InvalidArgumentError):
        super().__init__(message)
        self.error = error


def known_outputs(ctx, op_):
    """Values of `op_`'s outputs computed by the host step of this run, or None.

    The SymbolicGradient kernel re-runs the forward ops it differentiates; for a host op among
    them it passes the host step's outputs (gradients.py), which fix the output sizes.
    """
    known = getattr(ctx, "host_values", None) if ctx is not None else None
    if not known or any(t not in known for t in op_._outputs):
        return None
    return [known[t] for t in op_._outputs]


def _traced(args):
    for a in args:
        if isinstance(a, list):
            if _traced(a):
                return True
        elif isinstance(a, jax.core.Tracer):
            return True
    return False


def _np(a):
    return [np.asarray(x) for x in a] if isinstance(a, list) else np.asarray(a)


def _typed(op_, out, multi):
    outs = list(out) if multi else [out]
    return [np.asarray(v, dtype=t._dtype.base_dtype.as_numpy_dtype)
            for v, t in zip(outs, op_._outputs)]


def _regroup(values, counts):
    if counts is None:
        return list(values)
    out, i = [], 0
    for c in counts:
        if c < 0:
            out.append(values[i])
            i += 1
        else:
            out.append(list(values[i:i + c]))
            i += c
    return out


# op types registered by `host_op`: inside tf.cond / tf.while_loop their JAX kernel runs them
# when their output sizes are known there (static inputs, or `traced`), and raises otherwise
SIZED_HOST_OPS = set()


def host_op(op_type, infer, *, types=None, lists=(), multi=False, traced=None):
    """Registers `op_type` from `fn(*numpy inputs, **attrs)`: host kernel + JAX kernel.

    `traced(ctx, *inputs, **attrs)` may compute the op on traced inputs (static output sizes
    from constants or `known_outputs`); it returns None when it cannot.
    """

    SIZED_HOST_OPS.add(op_type)

    def deco(fn):
        def kernel(ctx, *args, **attrs):
            if not _traced(args):
                try:
                    return fn(*[_np(a) for a in args], **attrs)
                except BadValue as e:
                    if ctx is None:
                        raise
                    raise run_error(e.error, ctx.op, str(e)) from None
            out = traced(ctx, *args, **attrs) if traced is not None else None
            if out is None:
                o = ctx.op
                raise run_error(UnimplementedError, o, "%s (op '%s') has an output whose size "
                                "depends on the values of its inputs: it runs on the host "
                                "between the compiled steps of a run, which cannot happen "
                                "inside tf.while_loop or tf.cond. Compute it outside the loop "
                                "or branch." % (o._type, o._name))
            return out

        params = list(inspect.signature(fn).parameters.values())
        kernel.__signature__ = inspect.Signature([_P("ctx", _P.POSITIONAL_OR_KEYWORD)] + params)
        kernel.__name__, kernel.__doc__ = fn.__name__, fn.__doc__
        build = op(op_type, infer=infer, types=types, lists=lists, context=True,
                   multi=multi)(kernel)

        @host_kernel(op_type)
        def run_on_host(ctx, op_, *values):
            try:
                out = fn(*_regroup(values, op_._arg_counts), **op_._attrs)
            except BadValue as e:
                raise run_error(e.error, op_, str(e)) from None
            return _typed(op_, out, multi)

        return build

    return deco


# ---- Where, Unique, UniqueWithCounts, ListDiff ----------------------------------------------
def _where_shape(input):  # noqa: A002
    d = dims_of(input)
    return spec((None, None if d is None else len(d)), _dt.int64)


@host_op("Where", _where_shape, types={"input": ANY})
def where_op(input):  # noqa: A002
    """Coordinates of the nonzero entries of `input`, one row each, in row-major order."""
    if np.ndim(input) == 0:  # (a value fed with a rank the graph did not know)
        raise BadValue("WhereOp : Unhandled input dimensions: 0")
    return np.argwhere(input).astype(np.int64)


def _unique_shape(x, *, out_idx):
    check_rank(x, 1)
    return [spec((None,), x.dtype.base_dtype), (x.shape, out_idx)]


def _unique(x, out_idx):
    if np.ndim(x) != 1:  # a fed rank
        raise BadValue("unique expects a 1D vector.")
    # TF: first-seen order, and every NaN is a value of its own
    y, first, inv = np.unique(x, return_index=True, return_inverse=True, equal_nan=False)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return y[order], rank[inv.reshape(-1)].astype(out_idx.as_numpy_dtype)


def _padded_unique(ctx, x, *, out_idx):
    """Unique on traced `x` for an op marked `run_compiled` (an optimizer's deduplication,
    train/optimizer.py): the distinct values in first-seen order, padded to len(x) with
    repeats of the smallest, which no entry of `idx` points at."""
    from scopeflow.lowering.stages import RUNS_COMPILED
    if ctx is None or ctx.op not in RUNS_COMPILED:
        return None
    import jax
    import jax.numpy as jnp
    n = x.shape[0]
    y, idx = jnp.unique(x, size=n, return_inverse=True)
    idx = idx.reshape(x.shape)
    # in TF's order, first seen first (a sparse kernel's bad index is named by its offset);
    # the padding, seen nowhere, last
    first = jax.ops.segment_min(jnp.arange(n), idx, num_segments=n)
    order = jnp.argsort(first, stable=True)
    rank = jnp.argsort(order, stable=True)
    return y[order], rank[idx].astype(out_idx.as_numpy_dtype)


@host_op("Unique", _unique_shape, types={"x": ANY}, multi=True, traced=_padded_unique)
def unique_op(x, *, out_idx):
    """The distinct values of `x` (first-seen order) and, per entry, its index among them."""
    return _unique(x, out_idx)


def _unique_counts_shape(x, *, out_idx):
    return _unique_shape(x, out_idx=out_idx) + [spec((None,), out_idx)]


@host_op("UniqueWithCounts", _unique_counts_shape, types={"x": ANY}, multi=True)
def unique_counts_op(x, *, out_idx):
    """`Unique` plus how often each distinct value occurs."""
    y, idx = _unique(x, out_idx)
    return y, idx, np.bincount(idx, minlength=len(y)).astype(out_idx.as_numpy_dtype)


def _list_diff_shape(x, y, *, out_idx):
    check_rank(x, 1)
    check_rank(y, 1)
    return [spec((None,), x.dtype.base_dtype), spec((None,), out_idx)]


@host_op("ListDiff", _list_diff_shape, multi=True)
def list_diff_op(x, y, *, out_idx):
    """Entries of `x` not in `y` (order and repeats kept) and their positions in `x`."""
    for name, v in (("x", x), ("y", y)):
        if np.ndim(v) != 1:  # a fed rank
            raise BadValue("%s should be a 1D vector." % name)
    keep = ~np.isin(x, y)
    return x[keep], np.nonzero(keep)[0].astype(out_idx.as_numpy_dtype)


# ---- DynamicPartition, DynamicStitch, ParallelDynamicStitch ---------------------------------
def _shape_text(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _merge_prefix(dims, prefix):
    """TF's MergePrefix: `dims` starts with `prefix` (same rank or longer)."""
    if len(dims) < len(prefix):
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (len(prefix), len(dims)))
    for a, b in zip(dims, prefix):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
    return tuple(dims[len(prefix):])


def _merge(a, b):
    if a is None or b is None:
        return a if b is None else b
    if len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    return merge_dims(a, b, "")


def _int32(t, arg, op_type):
    if t.dtype.base_dtype is not _dt.int32:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected type of "
                        "int32." % (arg, op_type, t.dtype.base_dtype.name))


def _partition_shape(data, partitions, *, num_partitions):
    _int32(partitions, "partitions", "DynamicPartition")
    if num_partitions < 1:
        raise ValueError("Attr 'num_partitions' of 'DynamicPartition' Op passed %d less than "
                         "minimum 1." % num_partitions)
    d, p = dims_of(data), dims_of(partitions)
    dt = data.dtype.base_dtype
    if p is None or d is None:
        return [spec(None, dt)] * num_partitions
    return [spec((None,) + _merge_prefix(d, p), dt)] * num_partitions


def _partition_traced(ctx, data, partitions, *, num_partitions):
    known = known_outputs(ctx, ctx.op)
    if known is None:
        return None
    import jax.numpy as jnp
    p = jnp.reshape(partitions, (-1,))
    rows = jnp.reshape(data, p.shape + tuple(data.shape[np.ndim(partitions):]))
    return [rows[jnp.nonzero(p == i, size=k.shape[0])[0]] for i, k in enumerate(known)]


@host_op("DynamicPartition", _partition_shape, types={"data": ANY, "partitions": _dt.int32},
         multi=True, traced=_partition_traced)
def dynamic_partition_op(data, partitions, *, num_partitions):
    """Rows of `data` split into `num_partitions` lists by the value of `partitions`."""
    p = partitions
    if data.shape[:p.ndim] != p.shape:
        raise BadValue("data.shape must start with partitions.shape, got data.shape = %s, "
                       "partitions.shape = %s" % (_shape_text(data.shape), _shape_text(p.shape)))
    bad = np.argwhere((p < 0) | (p >= num_partitions))
    if bad.size:
        at = tuple(bad[0])
        raise BadValue("partitions%s = %d is not in [0, %d)" % (
            _shape_text(at), p[at], num_partitions))
    flat = p.reshape(-1)
    rows = data.reshape(flat.shape + data.shape[p.ndim:])
    return [rows[flat == i] for i in range(num_partitions)]


def _stitch_shape(indices, data):
    n = len(indices)
    if len(data) != n:
        raise ValueError("List argument 'data' to 'dynamic_stitch' Op with length %d must match "
                         "length %d of argument 'indices'." % (len(data), n))
    types = [t.dtype.base_dtype for t in data]
    if any(t is not types[0] for t in types):
        raise TypeError("Tensors in list passed to 'data' of 'DynamicStitch' Op have types [%s] "
                        "that don't all match." % ", ".join(t.name for t in types))
    top, extra = -1, None
    for ix, d in zip(indices, data):
        _int32(ix, "indices", "DynamicStitch")
        v = static_value(ix)
        top = None if v is None or top is None else max([top] + np.ravel(v).tolist())
        ri, rd = dims_of(ix), dims_of(d)
        if ri is None:
            continue
        extra = _merge(extra, None if rd is None else _merge_prefix(rd, ri))
    first = None if top is None else top + 1
    return spec(None if extra is None else (first,) + tuple(extra), types[0])


def _stitch_traced(ctx, indices, data):
    import jax.numpy as jnp
    if _traced(indices):
        known = known_outputs(ctx, ctx.op)
        if known is None:
            return None
        n = known[0].shape[0]
    else:
        n = max([int(np.max(ix)) + 1 for ix in indices if np.size(ix)], default=0)
    rest = tuple(data[0].shape[np.ndim(indices[0]):])
    flat = jnp.concatenate([jnp.reshape(ix, (-1,)) for ix in indices])
    rows = jnp.concatenate([jnp.reshape(d, (-1,) + rest) for d in data] +
                           [jnp.zeros((1,) + rest, data[0].dtype)])
    pos = jnp.arange(flat.shape[0])
    last = jnp.full((n,), -1, pos.dtype).at[flat].max(pos)  # a later index wins, as TF's
    return rows[jnp.where(last < 0, flat.shape[0], last)]


def _stitch(indices, data):
    """merged[indices[m][i, ...]] = data[m][i, ...]; a later (m, i) wins."""
    for m, (ix, d) in enumerate(zip(indices, data)):
        if d.shape[:ix.ndim] != ix.shape:
            raise BadValue("data[%d].shape = %s does not start with indices[%d].shape = %s"
                           % (m, _shape_text(d.shape), m, _shape_text(ix.shape)))
    n = max([int(ix.max()) + 1 for ix in indices if ix.size], default=0)
    rest = data[0].shape[indices[0].ndim:]
    out = np.zeros((n,) + rest, data[0].dtype)
    for ix, d in zip(indices, data):
        flat = ix.reshape(-1)
        bad = np.nonzero(flat < 0)[0]
        if bad.size:
            raise BadValue("indices[%d] is out of range" % bad[0])
        out[flat] = d.reshape(flat.shape + rest)
    return out


_STITCH = dict(infer=_stitch_shape, types={"indices": _dt.int32, "data": ANY},
               lists=("indices", "data"), traced=_stitch_traced)
dynamic_stitch_op = host_op("DynamicStitch", **_STITCH)(_stitch)
parallel_dynamic_stitch_op = host_op("ParallelDynamicStitch", **_STITCH)(_stitch)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """`tf.dynamic_partition`: `data` split into `num_partitions` tensors by `partitions`.

    >>> import scopeflow as tf
    >>> [t.shape.as_list() for t in tf.dynamic_partition(tf.zeros([4, 3]), [0, 1, 0, 1], 2)]
    [[None, 3], [None, 3]]
    """
    return dynamic_partition_op(data, partitions, name=name or "DynamicPartition",
                                num_partitions=num_partitions)


def dynamic_stitch(indices, data, name=None):
    """`tf.dynamic_stitch`: one tensor with merged[indices[m][i]] = data[m][i]."""
    return dynamic_stitch_op(list(indices), list(data), name=name or "DynamicStitch")
