"""Sparse segment reductions and their gradients over a fed SparseTensor's entries padded to a
bucket (lowering/entries.py): `tf.nn.embedding_lookup_sparse` of a `tf.sparse_placeholder`.

The entries past the real count `n` (copies of the last real one) are dropped from every sum,
count and check; the output's rows (the last real segment id + 1) are static, part of the
padded program's signature. Sums run in entry order, as the unpadded kernels', so the real
entries give the same bits. The V2 gradient (distinct ids, sorted) runs compiled here too,
its rows padded to the bucket with the smallest id and zero rows, as an optimizer's padded
deduplication does (ops/dynamic_shape.py): those add nothing to the smallest id's row.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow.ops.value_checks import check, check_elements


def real_of(ctx, t, size):
    """(traced count, mask of real entries) of sink input `t`, or (None, None) unpadded."""
    from scopeflow.lowering.entries import count_of
    n = count_of(ctx, t)
    if n is None:
        return None, None
    return n, jnp.arange(size) < n


def check_segment_ids(ctx, seg, real, rows):
    """TF's SparseSegmentReduction checks on the real segment ids, run by run: "segment ids
    are not increasing", then the run's id in [0, rows)."""
    size = seg.shape[0]
    if size == 0:
        return
    pos = jnp.arange(size)
    prev = jnp.concatenate([seg[:1], seg[:-1]])
    start = real & ((pos == 0) | (seg != prev))
    nxt = jnp.concatenate([seg[1:], seg[-1:]])
    follows = jnp.concatenate([real[1:], jnp.zeros((1,), bool)])
    bad_order = follows & (nxt != seg) & (seg > nxt)  # at the last entry of run k
    bad_range = start & ((seg < 0) | (seg >= rows))
    run = jnp.cumsum(start) - 1
    none = size + 1
    k_order = jnp.min(jnp.where(bad_order, run, none))
    k_range = jnp.min(jnp.where(bad_range, run, none))
    ok = (k_order == none) & (k_range == none)
    value = seg[jnp.argmax(bad_range)].astype(jnp.int64)
    data = jnp.stack([(k_order > k_range).astype(jnp.int64), value])

    def text(d):
        if not int(d[0]):
            return "segment ids are not increasing"
        return ("Segment id %d out of range [0, %d), possibly because 'segment_ids' input is "
                "not sorted." % (int(d[1]), rows))
    check(ctx, ok, text, [data])


def segments(ctx, data, indices, segment_ids, n_real, real, scale):
    """SparseSegmentSum/Mean/SqrtN of padded entries."""
    from scopeflow.lowering.entries import rows_of
    rows = rows_of(ctx, ctx.op._inputs[2])
    limit = np.shape(data)[0]
    check_segment_ids(ctx, segment_ids, real, rows)
    check_elements(ctx, indices, ((indices < 0) | (indices >= limit)) & real,
                   lambda pos, v: "Bad: indices%s == %d out of range [0, %d)" % (pos, v, limit))
    seg = jnp.where(real, segment_ids, rows)  # (padded entries: dropped)
    picked = jnp.take(data, jnp.where(real, indices, 0), axis=0)
    s = jnp.zeros((rows,) + picked.shape[1:], picked.dtype).at[seg].add(picked, mode="drop")
    if scale is None:
        return s
    count = jnp.zeros((rows,), segment_ids.dtype).at[seg].add(1, mode="drop")
    div = scale(jnp.maximum(count, 1).astype(data.dtype))
    return s / div.reshape((rows,) + (1,) * (s.ndim - 1))


def sorted_segments(ctx, kind, data, segment_ids, real, reduce):
    """Segment* (sorted) of padded entries: TF's checks on the real ids, then `reduce(ids,
    rows)` with the padded entries' ids out of range (dropped)."""
    from scopeflow.lowering.entries import rows_of
    rows = rows_of(ctx, ctx.op._inputs[1])
    check_segment_ids(ctx, segment_ids, real, rows)
    return reduce(jnp.where(real, segment_ids, rows), rows)


def grad_rows(grad, segment_ids, real, scale):
    """Per entry, its segment's gradient row times 1, 1 / count or 1 / sqrt(count) (padded
    entries counted in no segment)."""
    rows = grad[segment_ids]
    if scale is None:
        return rows
    n = grad.shape[0]
    ones = jnp.ones(segment_ids.shape, grad.dtype) if real is None else real.astype(grad.dtype)
    seg = segment_ids if real is None else jnp.where(real, segment_ids, n)
    count = jnp.zeros((n,), grad.dtype).at[seg].add(ones, mode="drop")
    w = (1 / scale(jnp.maximum(count, 1), jnp))[segment_ids]
    return rows * w.reshape((-1,) + (1,) * (rows.ndim - 1))


def grad_v2(grad, indices, segment_ids, real, scale):
    """SparseSegment*GradV2 compiled: (summed rows per distinct id, sorted, then zero rows;
    the distinct ids, then repeats of the smallest), both as long as `indices`."""
    size = indices.shape[0]
    if size == 0:
        return jnp.zeros((0,) + grad.shape[1:], grad.dtype), indices
    if real is None:
        real = jnp.ones((size,), bool)
    top = jnp.iinfo(indices.dtype).max
    keyed = jnp.where(real, indices, top)
    unique, where = jnp.unique(keyed, size=size, fill_value=top, return_inverse=True)
    unique = jnp.where(unique == top, unique[0], unique)
    rows = grad_rows(grad, segment_ids, real, scale)
    out = jnp.zeros((size,) + grad.shape[1:], grad.dtype)
    out = out.at[jnp.where(real, where.reshape(-1), size)].add(rows, mode="drop")
    return out, unique
