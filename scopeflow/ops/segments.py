"""Segment reductions: sorted (Segment*), unsorted (UnsortedSegment*) and sparse (SparseSegment*).

XLA needs the number of segments while compiling: Segment* and SparseSegment* read it from
the segment ids (last + 1; fed ids are compiled into the run's signature, with TF's checks);
UnsortedSegment* from its `num_segments`.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import segments_padded as padded
from scopeflow.ops.array_base import dims_text, scalar_dim
from scopeflow.ops.constant import constant
from scopeflow.ops.op_util import name_scope, named, static_value, tensor, typed_op
from scopeflow.ops.registry import INDEX, ShapeError, spec
from scopeflow.ops.value_checks import check, check_elements


def _n_segments(ids):
    """Output rows: the last id + 1 (ids are sorted; the kernels check them first).

    A traced value raises JAX's concretization error here: the lowering then compiles the fed
    ids into the run's signature (or computes them in an earlier step: lowering/lower.py).
    """
    ids = np.asarray(ids).reshape(-1)
    return int(ids[-1]) + 1 if ids.size else 0


def _check_sparse_ids(ids):
    """TF's SparseSegmentReduction checks of sorted segment ids (ValueError: the op's error)."""
    ids = np.asarray(ids).reshape(-1)
    n = _n_segments(ids)
    if n < 0:
        raise ValueError("segment ids must be >= 0")
    runs = ids[np.r_[True, ids[1:] != ids[:-1]]] if ids.size else ids  # one id per run
    for k, out in enumerate(runs.tolist()):
        if k + 1 < len(runs) and not out < runs[k + 1]:
            raise ValueError("segment ids are not increasing")
        if not 0 <= out < n:
            raise ValueError("Segment id %d out of range [0, %d), possibly because "
                             "'segment_ids' input is not sorted." % (out, n))


def _lowest(dtype):
    return jnp.finfo(dtype).min if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min


def _highest(dtype):
    return jnp.finfo(dtype).max if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).max


@functools.lru_cache(maxsize=None)
def _segment_prod(n):
    """jax.ops.segment_prod with a derivative (JAX has none for repeated ids): each row's is
    the product of the others in its segment, as TF's UnsortedSegmentProd gradient finds it
    (the segment's product over the row, or the product of its non-zeros for its one zero)."""

    @jax.custom_jvp
    def prod(rows, ids):
        return jax.ops.segment_prod(rows, ids, n)

    @prod.defjvp
    def _jvp(primals, tangents):
        rows, ids = primals
        out = prod(rows, ids)
        zero = rows == 0
        zeros = jax.ops.segment_sum(zero.astype(jnp.int32), ids, n)
        non_zero = jax.ops.segment_prod(jnp.where(zero, jnp.ones_like(rows), rows), ids, n)
        at = lambda v: jnp.take(v, ids, axis=0, mode="fill", fill_value=0)  # (ids < 0: none)
        others = jnp.where(zero, jnp.where(at(zeros) == 1, at(non_zero), 0),
                           at(out) / jnp.where(zero, jnp.ones_like(rows), rows))
        return out, jax.ops.segment_sum(others * tangents[0], ids, n)

    return prod


def _segment_reduce(kind, data, ids, n, empty_fill):
    """`kind` over rows of `data` grouped by `ids` (flattened over the ids' dims)."""
    flat_ids = ids.reshape(-1)
    rows = data.reshape((flat_ids.shape[0],) + data.shape[ids.ndim:])
    count = jax.ops.segment_sum(jnp.ones_like(flat_ids), flat_ids, n)
    shape = (n,) + (1,) * (rows.ndim - 1)
    present = (count > 0).reshape(shape)
    if kind == "sum":
        return jax.ops.segment_sum(rows, flat_ids, n)
    if kind == "prod":
        return _segment_prod(n)(rows, flat_ids)
    if kind == "mean":
        s = jax.ops.segment_sum(rows, flat_ids, n)
        return (s / jnp.maximum(count, 1).reshape(shape)).astype(data.dtype)
    fn = jax.ops.segment_max if kind == "max" else jax.ops.segment_min
    out = fn(rows, flat_ids, n)
    return jnp.where(present, out, jnp.asarray(empty_fill(data.dtype), data.dtype))


# ---- sorted segments ------------------------------------------------------------------------
def _segment_shape(data, segment_ids):
    d, s = data.shape._dims, segment_ids.shape._dims
    if s is not None and len(s) != 1:
        raise ShapeError("Shape must be rank 1 but is rank %d" % len(s))
    if d is None:
        return spec(None, data.dtype.base_dtype)
    if s is not None and d and s[0] is not None and d[0] is not None and s[0] != d[0]:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (d[0], s[0]))
    return spec((None,) + tuple(d[1:]), data.dtype.base_dtype)


_SORTED_EMPTY = {"max": lambda dt: 0, "min": lambda dt: 0}


def _sorted_op(op_type, kind):
    def kernel(ctx, data, segment_ids):
        if np.ndim(data) == 0:  # (a tensor fed with a rank the graph did not know)
            raise ValueError("input must be at least rank 1")
        real = None if ctx is None else padded.real_of(ctx, ctx.op._inputs[0],
                                                       np.shape(data)[0])[1]
        if real is not None:  # a SparseTensor's entries padded (lowering/entries.py)
            return padded.sorted_segments(ctx, kind, data, segment_ids, real,
                                          lambda ids, n: _segment_reduce(
                                              kind, data, ids, n, _SORTED_EMPTY.get(kind)))
        _check_sorted(ctx, np.shape(data), np.asarray(segment_ids))
        n = _n_segments(segment_ids)
        return _segment_reduce(kind, data, segment_ids, n, _SORTED_EMPTY.get(kind))

    return typed_op(op_type, infer=_segment_shape, types={"segment_ids": INDEX},
                    context=True)(kernel)


def _check_sorted(ctx, data_shape, ids):
    """TF's SegmentReductionOp checks, in its order, on host (constant) ids."""
    if ids.ndim != 1 or not data_shape or len(ids) != data_shape[0]:
        return check(ctx, False, "segment_ids should be the same size as dimension 0 of input.")
    rows = int(ids[-1]) + 1 if len(ids) else 0
    if rows < 0:
        return check(ctx, False, "segment ids must be >= 0")
    for i in range(len(ids)):
        cur = int(ids[i])
        if i + 1 < len(ids) and cur > int(ids[i + 1]):
            return check(ctx, False, "segment ids are not increasing")
        if (i + 1 == len(ids) or cur != int(ids[i + 1])) and not 0 <= cur < rows:
            return check(ctx, False, "Segment id %d out of range [0, %d), possibly because "
                         "'segment_ids' input is not sorted." % (cur, rows))
    return None


SEGMENT = {t: _sorted_op(t, k) for t, k in (("SegmentSum", "sum"), ("SegmentMean", "mean"),
                                            ("SegmentMax", "max"), ("SegmentMin", "min"),
                                            ("SegmentProd", "prod"))}


def _public_sorted(op_type):
    def f(data, segment_ids, name=None):
        return SEGMENT[op_type](data, segment_ids, name=name or op_type)

    name = "segment_" + op_type[len("Segment"):].lower()
    f.__doc__ = "`tf.math.%s`: %s over rows with equal (sorted) segment ids." % (name, op_type)
    return named(f, name)


segment_sum, segment_mean, segment_max, segment_min, segment_prod = (
    _public_sorted(t) for t in SEGMENT)


# ---- unsorted segments ----------------------------------------------------------------------
def _unsorted_shape(data, segment_ids, num_segments):
    d, s = data.shape._dims, segment_ids.shape._dims
    if d is None or s is None:
        return spec(None if d is None else None, data.dtype.base_dtype)
    if len(s) > len(d):
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (len(s), len(d)))
    for a, b in zip(d, s):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
    n = scalar_dim(num_segments, 2)  # (read after the checks above, as TF's rule does)
    return spec((n,) + tuple(d[len(s):]), data.dtype.base_dtype)


_UNSORTED_EMPTY = {"max": _lowest, "min": _highest}


def _unsorted_op(op_type, kind):
    def kernel(ctx, data, segment_ids, num_segments):
        n = int(np.asarray(num_segments))  # XLA needs the output length while compiling
        check(ctx, n >= 0, "Input num_segments == %d must not be negative." % n)
        n = max(n, 0)
        _check_unsorted(ctx, data, segment_ids, n)
        real = None if ctx is None else padded.real_of(ctx, ctx.op._inputs[0],
                                                       np.shape(data)[0])[1]
        if real is not None:  # padded entries (lowering/entries.py): dropped
            segment_ids = jnp.where(real, segment_ids, n)
        return _segment_reduce(kind, data, segment_ids, n, _UNSORTED_EMPTY.get(kind))

    return typed_op(op_type, infer=_unsorted_shape, context=True,
                    types={"segment_ids": INDEX, "num_segments": INDEX})(kernel)


def _check_unsorted(ctx, data, ids, n):
    """TF's UnsortedSegmentReductionOp checks (negative ids are dropped, not errors)."""
    d, s = tuple(np.shape(data)), tuple(np.shape(ids))
    if d[:len(s)] != s:
        check(ctx, False, "data.shape = %s does not start with segment_ids.shape = %s"
              % (dims_text(d), dims_text(s)))
    check_elements(ctx, ids, ids >= n, lambda pos, v: "segment_ids%s = %d is out of range "
                   "[0, %d)" % (pos, v, n))
    from scopeflow.ops.cf_run import first_unless_ran
    got = first_unless_ran(ctx, ctx.op.inputs[2]) if ctx is not None else None
    if got is not None and np.ndim(got[0]) == 0:  # a loop that ran no iteration: TF's count
        first, trips = int(got[0]), got[1]
        check_elements(ctx, ids, jnp.logical_and(trips == 0, ids >= first), lambda pos, v: (
            "segment_ids%s = %d is out of range [0, %d)" % (pos, v, first)))


UNSORTED = {t: _unsorted_op(t, k) for t, k in (
    ("UnsortedSegmentSum", "sum"), ("UnsortedSegmentMax", "max"),
    ("UnsortedSegmentMin", "min"), ("UnsortedSegmentProd", "prod"))}


def _public_unsorted(op_type):
    def f(data, segment_ids, num_segments, name=None):
        return UNSORTED[op_type](data, segment_ids, num_segments, name=name or op_type)

    name = "unsorted_segment_" + op_type[len("UnsortedSegment"):].lower()
    f.__doc__ = "`tf.math.%s`: %s into `num_segments` rows." % (name, op_type)
    return named(f, name)


(unsorted_segment_sum, unsorted_segment_max, unsorted_segment_min,
 unsorted_segment_prod) = (_public_unsorted(t) for t in UNSORTED)


def _segment_counts(data, segment_ids, num_segments):
    """Rows per segment, at least 1, shaped to broadcast against the segment sums."""
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    ones = array.ones(array.shape(segment_ids), dtype=data.dtype)
    n = UNSORTED["UnsortedSegmentSum"](ones, segment_ids, num_segments,
                                       name="UnsortedSegmentSum")
    extra = data.shape.ndims - segment_ids.shape.ndims
    nv = static_value(num_segments)
    shape = [int(nv) if nv is not None else -1] + [1] * extra
    n = array.reshape(n, constant(np.asarray(shape, np.int32)))
    return m.maximum(n, 1)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """`tf.math.unsorted_segment_mean`: segment sums divided by the segment sizes."""
    with name_scope(name, "UnsortedSegmentMean"):
        data, segment_ids = tensor(data), tensor(segment_ids)
        num_segments = tensor(num_segments)
        n = _segment_counts(data, segment_ids, num_segments)
        summed = UNSORTED["UnsortedSegmentSum"](data, segment_ids, num_segments,
                                                name="UnsortedSegmentSum")
        return summed / n


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """`tf.math.unsorted_segment_sqrt_n`: segment sums divided by sqrt(segment sizes)."""
    from scopeflow.ops import math as m
    with name_scope(name, "UnsortedSegmentSqrtN"):
        data, segment_ids = tensor(data), tensor(segment_ids)
        num_segments = tensor(num_segments)
        n = _segment_counts(data, segment_ids, num_segments)
        summed = UNSORTED["UnsortedSegmentSum"](data, segment_ids, num_segments,
                                                name="UnsortedSegmentSum")
        return summed / m.sqrt(n)


# ---- sparse segments ------------------------------------------------------------------------
def _sparse_shape(data, indices, segment_ids, **attrs):
    d = data.shape._dims
    for t in (indices, segment_ids):
        if t.shape._dims is not None and len(t.shape._dims) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(t.shape._dims))
    return spec(None if d is None else (None,) + tuple(d[1:]), data.dtype.base_dtype)


def _scaled_sums(rows, ids, n, scale):
    """Sums of `rows` into `n` segments, divided by scale(rows in the segment) unless None."""
    s = jax.ops.segment_sum(rows, ids, n)
    if scale is None:
        return s
    count = jax.ops.segment_sum(jnp.ones_like(ids), ids, n)
    div = scale(jnp.maximum(count, 1).astype(rows.dtype))
    return s / div.reshape((n,) + (1,) * (s.ndim - 1))


def _sparse_op(op_type, scale):
    def kernel(ctx, data, indices, segment_ids, *, sparse_gradient=False):
        n_real, real = (None, None) if ctx is None else padded.real_of(
            ctx, ctx.op._inputs[1], np.shape(indices)[0])
        if real is not None:  # a fed SparseTensor's entries, padded (lowering/entries.py)
            return padded.segments(ctx, data, indices, segment_ids, n_real, real, scale)
        _check_sparse_ids(segment_ids)
        n = _n_segments(segment_ids)
        limit = np.shape(data)[0]
        check_elements(ctx, indices, (indices < 0) | (indices >= limit), lambda pos, v: "Bad: "
                       "indices%s == %d out of range [0, %d)" % (pos, v, limit))
        return _scaled_sums(jnp.take(data, indices, axis=0), segment_ids, n, scale)

    return typed_op(op_type, infer=_sparse_shape, context=True,
                    types={"indices": INDEX, "segment_ids": INDEX})(kernel)


SPARSE = {"SparseSegmentSum": _sparse_op("SparseSegmentSum", None),
          "SparseSegmentMean": _sparse_op("SparseSegmentMean", lambda c: c),
          "SparseSegmentSqrtN": _sparse_op("SparseSegmentSqrtN", jnp.sqrt)}


def _num_segments_shape(data, indices, segment_ids, num_segments, **attrs):
    d = data.shape._dims
    if d is not None and not d:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    for t, rank in ((indices, 1), (segment_ids, 1), (num_segments, 0)):
        if t.shape._dims is not None and len(t.shape._dims) != rank:
            raise ShapeError("Shape must be rank %d but is rank %d" % (rank, len(t.shape._dims)))
    a, b = indices.shape._dims, segment_ids.shape._dims
    if a is not None and b is not None and None not in (a[0], b[0]) and a[0] != b[0]:
        raise ShapeError("Dimension 0 in both shapes must be equal, but are %d and %d. Shapes "
                         "are %s and %s." % (a[0], b[0], dims_text(a), dims_text(b)))
    v = static_value(num_segments)
    if v is not None and int(v) < 0:
        raise ShapeError("Cannot specify a negative value for num_segments")
    rows = None if v is None else int(v)
    return spec(None if d is None else (rows,) + tuple(d[1:]), data.dtype.base_dtype)


def _num_segments_op(op_type, scale):
    """SparseSegment*WithNumSegments: `num_segments` output rows, empty ones zero. Segment ids
    may be traced (the output length does not depend on them): their checks run with the
    step."""
    def kernel(ctx, data, indices, segment_ids, num_segments, *, sparse_gradient=False):
        if np.ndim(num_segments):
            raise ValueError("num_segments should be a scalar, not shape %s"
                             % dims_text(np.shape(num_segments)))
        if np.shape(indices) != np.shape(segment_ids):
            raise ValueError("segment_ids and indices should have same size.")
        n = int(np.asarray(num_segments))  # XLA needs the output length while compiling
        if n < 0:
            raise ValueError("segment ids must be >= 0")
        ids = jnp.asarray(segment_ids)
        if ids.shape[0]:
            check(ctx, ids[-1] < n, "segment ids must be < num_segments")
            padded.check_segment_ids(ctx, ids, jnp.ones(ids.shape, bool), n)
        limit = np.shape(data)[0]
        check_elements(ctx, indices, (indices < 0) | (indices >= limit), lambda pos, v: "Bad: "
                       "indices%s == %d out of range [0, %d)" % (pos, v, limit))
        return _scaled_sums(jnp.take(data, indices, axis=0, mode="clip"), ids, n, scale)

    return typed_op(op_type, infer=_num_segments_shape, context=True,
                    types={"indices": INDEX, "segment_ids": INDEX, "num_segments": INDEX})(kernel)


WITH_NUM_SEGMENTS = {t: _num_segments_op(t + "WithNumSegments", s) for t, s in (
    ("SparseSegmentSum", None), ("SparseSegmentMean", lambda c: c),
    ("SparseSegmentSqrtN", jnp.sqrt))}


def _public_sparse(op_type):
    def f(data, indices, segment_ids, name=None, num_segments=None, sparse_gradient=False):
        if num_segments is not None:
            return WITH_NUM_SEGMENTS[op_type](data, indices, segment_ids, num_segments,
                                              sparse_gradient=sparse_gradient,
                                              name=name or op_type + "WithNumSegments")
        return SPARSE[op_type](data, indices, segment_ids, sparse_gradient=sparse_gradient,
                               name=name or op_type)

    f.__name__ = "sparse_segment_" + op_type[len("SparseSegment"):].lower()
    f.__doc__ = ("`tf.sparse.segment_%s`: %s (%sWithNumSegments given `num_segments`)."
                 % (f.__name__[len("sparse_segment_"):], op_type, op_type))
    return f


sparse_segment_sum, sparse_segment_mean, sparse_segment_sqrt_n = (
    _public_sparse(t) for t in SPARSE)

from scopeflow.ops import segments_grad  # noqa: F401 - their gradients
