"""Gradients of SparseSegmentSum / Mean / SqrtN (and SegmentSum), as TF builds them.

`sparse_gradient=False`: SparseSegment*Grad, a dense (rows of data, ...) gradient. With
`sparse_gradient=True` (tf.nn.embedding_lookup_sparse's choice): SparseSegment*GradV2, whose
rows are only the distinct indices (sorted), returned as `tf.IndexedSlices`; their number
depends on the values, so it runs on the host (dynamic_shape.py), except for the ids of a
`tf.sparse_placeholder`, where it runs compiled with as many rows as entries
(segments_padded.py), so a step keeps one signature per bucket of entries.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import gradient
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.lowering.entries import is_entries
from scopeflow.ops import segments_padded as padded
from scopeflow.ops.array_base import dims_of, static_value
from scopeflow.ops.dynamic_shape import host_op
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import INDEX, spec

_SCALE = {"Sum": None, "Mean": lambda c, xp: c, "SqrtN": lambda c, xp: xp.sqrt(c)}


def _weights(segment_ids, n_segments, scale, dtype, xp):
    """Per entry, the factor of its segment: 1, 1 / count or 1 / sqrt(count)."""
    if scale is None:
        return None
    if not n_segments:  # (num_segments=0: the forward op's check fails)
        return xp.zeros((len(segment_ids),), dtype)
    count = xp.zeros((n_segments,), dtype)
    if xp is np:
        np.add.at(count, segment_ids, 1)
    else:
        count = count.at[segment_ids].add(1)
    return (1 / scale(xp.maximum(count, 1), xp))[segment_ids]


def _rows(grad, segment_ids, weights):
    if not grad.shape[0]:  # no segments (num_segments=0): the forward op's check fails
        return grad.sum(axis=0, keepdims=True).repeat(len(segment_ids), axis=0)  # (zeros)
    rows = grad[segment_ids]  # (entries, ...)
    if weights is None:
        return rows
    return rows * weights.reshape((-1,) + (1,) * (rows.ndim - 1))


def _dense_shape(grad, indices, segment_ids, output_dim0):
    d = dims_of(grad)
    n = static_value(output_dim0)
    rows = None if n is None else int(n)
    return spec(None if d is None else (rows,) + tuple(d[1:]), grad.dtype.base_dtype)


def _dense_op(kind):
    def kernel(ctx, grad, indices, segment_ids, output_dim0):
        n = int(np.asarray(output_dim0))  # traced: compiled in (lower.py)
        out = jnp.zeros((n,) + tuple(grad.shape[1:]), grad.dtype)
        _, real = (None, None) if ctx is None else padded.real_of(
            ctx, ctx.op._inputs[1], np.shape(indices)[0])
        if real is not None:  # a fed SparseTensor's entries, padded (lowering/entries.py)
            rows = padded.grad_rows(jnp.asarray(grad), segment_ids, real, _SCALE[kind])
            return out.at[jnp.where(real, indices, n)].add(rows, mode="drop")
        w = _weights(segment_ids, grad.shape[0], _SCALE[kind], grad.dtype, jnp)
        return out.at[indices].add(_rows(jnp.asarray(grad), segment_ids, w))

    return typed_op("SparseSegment%sGrad" % kind, infer=_dense_shape, context=True,
                    types={"indices": INDEX, "segment_ids": INDEX,
                           "output_dim0": _dt.int32})(kernel)


def _v2_shape(grad, indices, segment_ids, dense_output_dim0):
    d = dims_of(grad)
    return [spec(None if d is None else (None,) + tuple(d[1:]), grad.dtype.base_dtype),
            spec((None,), indices.dtype.base_dtype)]


def _v2_op(kind):
    def fn(grad, indices, segment_ids, dense_output_dim0):
        """Summed rows for each distinct index (sorted), and those indices."""
        unique, where = np.unique(indices, return_inverse=True)
        w = _weights(segment_ids, grad.shape[0], _SCALE[kind], grad.dtype, np)
        rows = _rows(grad, segment_ids, w)
        out = np.zeros((unique.shape[0],) + grad.shape[1:], grad.dtype)
        np.add.at(out, where.reshape(-1), rows)
        return out, unique

    def traced(ctx, grad, indices, segment_ids, dense_output_dim0):
        """Compiled, for the gradient of a fed SparseTensor's lookup (marked run_compiled):
        rows as many as the entries (segments_padded.py)."""
        from scopeflow.lowering.stages import RUNS_COMPILED
        if ctx is None or ctx.op not in RUNS_COMPILED:
            return None
        _, real = padded.real_of(ctx, ctx.op._inputs[1], np.shape(indices)[0])
        return padded.grad_v2(jnp.asarray(grad), jnp.asarray(indices),
                              jnp.asarray(segment_ids), real, _SCALE[kind])

    fn.__name__ = "sparse_segment_%s_grad_v2" % kind.lower()
    return host_op("SparseSegment%sGradV2" % kind, _v2_shape, multi=True,
                   types={"indices": INDEX, "segment_ids": INDEX,
                          "dense_output_dim0": _dt.int32}, traced=traced)(fn)


DENSE = {k: _dense_op(k) for k in _SCALE}
SPARSE_V2 = {k: _v2_op(k) for k in _SCALE}


def _grad_fn(kind):
    def grad_fn(op, grad):
        from scopeflow.ops.shape_ops import shape
        data, indices, segment_ids = op._inputs[:3]
        nones = [None] * (len(op._inputs) - 1)  # (and num_segments: WithNumSegments)
        if op._attrs.get("sparse_gradient"):
            data_shape = shape(data)
            values, unique = SPARSE_V2[kind](grad, indices, segment_ids, data_shape[0],
                                             name="SparseSegment%sGradV2" % kind)
            if is_entries(indices):  # a sparse_placeholder's ids: compiled, rows padded
                from scopeflow.lowering.stages import run_compiled
                run_compiled(values.op)
            return [IndexedSlices(values, unique, data_shape)] + nones
        dim0 = shape(data)[0]
        return [DENSE[kind](grad, indices, segment_ids, dim0,
                            name="SparseSegment%sGrad" % kind)] + nones

    return grad_fn


for _kind in _SCALE:
    for _suffix in ("", "WithNumSegments"):
        gradient("SparseSegment" + _kind + _suffix, needs=(
            "SparseSegment%sGrad" % _kind, "SparseSegment%sGradV2" % _kind))(_grad_fn(_kind))


@gradient("SegmentSum")
def _segment_sum_grad(op, grad):
    """TF's: each row's gradient is its segment's."""
    from scopeflow.ops.gather import gather
    return [gather(grad, op._inputs[1]), None]
