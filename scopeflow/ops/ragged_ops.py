"""TF's ragged kernels: RaggedTensorToTensor, RaggedTensorToSparse, RaggedRange.

Their output sizes follow the row splits' values, so each is a host op (ops/dynamic_shape.py):
one NumPy function run between the compiled steps of a run. Signatures: op_defs_ragged.json.

    >>> import scopeflow as tf
    >>> tf.ragged.range([2, 0]).flat_values.op.type
    'RaggedRange'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import dims_of, partial_shape
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import check_allowed
from scopeflow.ops.registry import ANY, ShapeError, spec


# ---- RaggedTensorToTensor -------------------------------------------------------------------
def _to_tensor_shape(shape, values, default_value, row_partition_tensors, *,
                     row_partition_types, **attrs):
    ragged_rank = len(row_partition_types) - (row_partition_types[0] == b"FIRST_DIM_SIZE"
                                              or row_partition_types[0] == "FIRST_DIM_SIZE")
    vdims, ddims = dims_of(values), dims_of(default_value)
    want = partial_shape(shape)
    rank = None if vdims is None else ragged_rank + len(vdims)
    if want is not None and rank is not None and len(want) != rank:
        raise ShapeError("rt_input.shape and shape=[%s] are incompatible: rt_input.rank = %d "
                         "but shape.rank = %d" % (",".join("?" * len(want)), rank, len(want)))
    if want is not None and rank is not None:
        for i, d in enumerate(vdims[1:]):
            j = ragged_rank + 1 + i
            if d is not None and want[j] is not None and d != want[j]:
                raise ShapeError("rt_input.shape and shape=%s are incompatible: "
                                 "rt_input.shape[%d] = %d but shape[%d] = %d"
                                 % (_dims(want), j, d, j, want[j]))
    if ddims is not None and vdims is not None and ddims:
        if len(ddims) > len(vdims) - 1:
            raise ShapeError("default_value.shape=%s and rt_input.flat_values.shape=%s are "
                             "incompatible: default_value.rank = %d  must be less than "
                             "rt_input.flat_values.rank = %d" % (
                                 _dims(ddims), _dims(vdims), len(ddims), len(vdims)))
        for i in range(1, len(ddims) + 1):
            a, b = ddims[-i], vdims[-i]
            if a is not None and b is not None and a != 1 and a != b:
                raise ShapeError("default_value.shape=%s and rt_input.flat_values.shape=%s are "
                                 "incompatible: default_value.shape[%d] = %d but "
                                 "rt_input.flat_values.shape[%d] = %d" % (
                                     _dims(ddims), _dims(vdims), -i, a, -i, b))
    if rank is None:
        return spec(want, values.dtype.base_dtype)
    out = list(want) if want is not None else [None] * rank
    for i, d in enumerate(vdims[1:]):
        j = ragged_rank + 1 + i
        if out[j] is None:
            out[j] = d
    return spec(tuple(out), values.dtype.base_dtype)


def _dims(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _levels(partition_types, tensors):
    """(nrows, [(parent row of each element, its position in that row)] per ragged level)."""
    types = [t.decode() if isinstance(t, bytes) else t for t in partition_types]
    tensors = [np.asarray(t).astype(np.int64) for t in tensors]
    if types[0] == "FIRST_DIM_SIZE":
        nrows, types, tensors = int(tensors[0]), types[1:], tensors[1:]
    else:
        nrows = len(tensors[0]) - 1
    levels, parents = [], nrows
    for kind, t in zip(types, tensors):
        if kind == "ROW_SPLITS":
            if len(t) != parents + 1 and levels:
                raise BadValue("Invalid row split size.")
            lengths = np.diff(t)
            rows = np.repeat(np.arange(len(lengths)), np.maximum(lengths, 0))
            pos = np.arange(len(rows)) - np.repeat(t[:-1], np.maximum(lengths, 0))
        elif kind == "VALUE_ROWIDS":
            rows = t
            starts = np.searchsorted(t, np.arange(parents))
            pos = np.arange(len(t)) - starts[np.clip(t, 0, max(parents - 1, 0))] \
                if len(t) else np.zeros(0, np.int64)
            lengths = np.bincount(t, minlength=parents) if len(t) else np.zeros(parents)
        else:
            raise BadValue("Unsupported partition type: %s" % kind)
        levels.append((rows, pos, int(lengths.max()) if len(lengths) else 0))
        parents = len(rows)
    return nrows, levels


@host_op("RaggedTensorToTensor", _to_tensor_shape,
         types={"shape": ANY, "row_partition_tensors": ANY}, lists=("row_partition_tensors",))
def _ragged_to_tensor(shape, values, default_value, row_partition_tensors, *,
                      row_partition_types):
    """Flat `values` placed at their ragged positions of a dense tensor of `default_value`."""
    nrows, levels = _levels(row_partition_types, row_partition_tensors)
    values = np.asarray(values)
    inner = values.shape[1:]
    dims = [nrows] + [lv[2] for lv in levels] + list(inner)
    shape = np.asarray(shape)
    if shape.ndim == 1:
        if len(shape) != len(dims):
            raise BadValue("shape.rank must match the ragged tensor's rank")
        for i, s in enumerate(shape):
            if s < -1:
                raise BadValue("Dimension %d must be >= -1" % s)
            if s >= 0:
                dims[i] = int(s)
    out_inner = tuple(dims[1 + len(levels):])
    if out_inner != tuple(inner):
        raise BadValue("Input shape of dense values (%s) incompatible with output shape (%s)"
                       % (list(inner), list(out_inner)))
    out = np.empty(dims, values.dtype)
    out[...] = np.broadcast_to(np.asarray(default_value, values.dtype), out_inner)
    # index of each flat value along every outer dimension, innermost level first
    idx = [np.arange(len(values))]
    for rows, pos, _ in reversed(levels):
        child = idx[-1]
        idx[-1] = pos[child]
        idx.append(rows[child])
    idx = idx[::-1]  # (dim 0 first)
    keep = np.ones(len(values), bool)
    for d, i in enumerate(idx):
        keep &= i < dims[d]
    out[tuple(i[keep] for i in idx)] = values[keep]
    return out


# ---- RaggedTensorToSparse -------------------------------------------------------------------
def _to_sparse_shape(rt_nested_splits, rt_dense_values, **attrs):
    vdims = dims_of(rt_dense_values)
    rank = None if vdims is None else len(rt_nested_splits) + len(vdims)
    n = None if vdims is None or None in vdims else int(np.prod(vdims))
    return [spec((n, rank), _dt.int64), spec((n,), rt_dense_values.dtype.base_dtype),
            spec((rank,), _dt.int64)]


@host_op("RaggedTensorToSparse", _to_sparse_shape,
         types={"rt_nested_splits": ANY}, lists=("rt_nested_splits",), multi=True)
def _ragged_to_sparse(rt_nested_splits, rt_dense_values):
    """(indices, values, dense_shape) of a ragged tensor's values in row-major order."""
    splits = [np.asarray(s).astype(np.int64) for s in rt_nested_splits]
    for s in splits:
        if len(s) == 0 or s[0] != 0 or (np.diff(s) < 0).any():
            raise BadValue("Invalid ragged splits: first element of ragged splits  must be 0 "
                           "but is %d" % (s[0] if len(s) else 0) if not len(s) or s[0] != 0
                           else "Invalid ragged splits: ragged splits must be sorted")
    values = np.asarray(rt_dense_values)
    for outer, inner in zip(splits, splits[1:]):
        if outer[-1] != len(inner) - 1:
            raise BadValue("Final value of ragged splits must match the length the "
                           "corresponding ragged values")
    if splits[-1][-1] != len(values):
        raise BadValue("Final value of ragged splits must match the length the "
                       "corresponding ragged values")
    nrows, levels = _levels(["ROW_SPLITS"] * len(splits), splits)
    idx = [np.arange(len(values))]
    for rows, pos, _ in reversed(levels):
        child = idx[-1]
        idx[-1] = pos[child]
        idx.append(rows[child])
    outer = np.stack(idx[::-1], axis=1) if len(values) else np.zeros((0, len(idx)), np.int64)
    inner = values.shape[1:]
    n_inner = int(np.prod(inner)) if inner else 1
    inner_idx = np.indices(inner).reshape(len(inner), -1).T if inner else np.zeros((1, 0))
    indices = np.concatenate([np.repeat(outer, n_inner, axis=0),
                              np.tile(inner_idx, (len(values), 1))], axis=1).astype(np.int64)
    dense_shape = [nrows] + [lv[2] for lv in levels] + list(inner)
    return indices, values.reshape(-1), np.asarray(dense_shape, np.int64)


# ---- RaggedRange ----------------------------------------------------------------------------
def _range_shape(starts, limits, deltas, *, Tsplits=_dt.int64, **attrs):  # noqa: N803
    for name, t in (("starts", starts), ("limits", limits), ("deltas", deltas)):
        d = dims_of(t)
        if d is not None and len(d) > 1:
            raise ShapeError("Shape must be at most rank 1 but is rank %d" % len(d))
    n = None
    for t in (starts, limits, deltas):
        d = dims_of(t)
        if d and d[0] is not None:
            if n is not None and d[0] != n:
                raise ShapeError("Dimensions must be equal, but are %d and %d" % (d[0], n))
            n = d[0]
    if all(dims_of(t) == () for t in (starts, limits, deltas)):
        n = 1
    return [spec((None if n is None else n + 1,), _dt.as_dtype(Tsplits)),
            spec((None,), starts.dtype.base_dtype)]


@host_op("RaggedRange", _range_shape, multi=True)
def _ragged_range(starts, limits, deltas, *, Tsplits=_dt.int64):  # noqa: N803
    """Row i: range(starts[i], limits[i], deltas[i]); scalars broadcast."""
    arrays = [np.asarray(a) for a in (starts, limits, deltas)]
    sizes = {a.shape[0] for a in arrays if a.ndim == 1}
    if len(sizes) > 1:
        raise BadValue("starts, limits, and deltas must have the same shape")
    n = sizes.pop() if sizes else 1
    s, lim, d = [np.broadcast_to(a, (n,)) for a in arrays]
    rows, lengths = [], []
    for a, b, c in zip(s, lim, d):
        if c == 0:
            raise BadValue("Requires delta != 0")
        size = _range_size(a, b, c)
        rows.append(a + c * np.arange(size, dtype=arrays[0].dtype))
        lengths.append(size)
    splits = np.concatenate([[0], np.cumsum(lengths)]).astype(
        _dt.as_dtype(Tsplits).as_numpy_dtype)
    values = np.concatenate(rows).astype(arrays[0].dtype) if rows else \
        np.zeros(0, arrays[0].dtype)
    return splits, values


def _range_size(start, limit, delta):
    """TF's RaggedRange row size (0 when `limit` lies behind `start`)."""
    if (delta > 0 and limit < start) or (delta < 0 and limit > start):
        return 0
    if np.issubdtype(np.asarray(delta).dtype, np.integer):
        return (abs(int(limit) - int(start)) + abs(int(delta)) - 1) // abs(int(delta))
    return int(np.ceil(abs((limit - start) / delta)))


# ---- RaggedGather ---------------------------------------------------------------------------
def _gather_shape(params_nested_splits, params_dense_values, indices, *,
                  OUTPUT_RAGGED_RANK, **attrs):  # noqa: N803
    check_allowed(indices, "indices", ("int32", "int64"))
    vdims = dims_of(params_dense_values)
    splits_dtype = params_nested_splits[0].dtype.base_dtype
    values = spec(None if vdims is None else (None,) + tuple(vdims[1:]),
                  params_dense_values.dtype.base_dtype)
    return [spec((None,), splits_dtype)] * OUTPUT_RAGGED_RANK + [values]


@host_op("RaggedGather", _gather_shape,
         types={"params_nested_splits": ANY, "params_dense_values": ANY, "indices": ANY},
         lists=("params_nested_splits",), multi=True)
def _ragged_gather(params_nested_splits, params_dense_values, indices, *,
                   OUTPUT_RAGGED_RANK, **attrs):  # noqa: N803
    """The rows of a ragged tensor at `indices` (any rank): outer dims of `indices` become
    uniform ragged levels, as TF's RaggedGather."""
    splits = [np.asarray(s) for s in params_nested_splits]
    dtype = splits[0].dtype
    indices = np.asarray(indices)
    flat = indices.reshape(-1).astype(np.int64)
    nrows = len(splits[0]) - 1
    for i, v in enumerate(flat):
        if not 0 <= v < nrows:
            raise BadValue("indices[%d] = %d is not in [0, %d)" % (i, v, nrows))
    out_splits = []
    for j in range(indices.ndim - 1):  # (uniform levels from the shape of `indices`)
        n, width = int(np.prod(indices.shape[:j + 1])), indices.shape[j + 1]
        out_splits.append(np.arange(n + 1, dtype=dtype) * width)
    starts, limits = splits[0][flat], splits[0][flat + 1]
    levels = []
    for level in splits[1:] + [None]:
        lengths = limits - starts
        levels.append(np.concatenate([[0], np.cumsum(lengths)]).astype(dtype))
        elements = np.concatenate([np.arange(a, b) for a, b in zip(starts, limits)]) \
            if len(starts) else np.zeros(0, np.int64)
        elements = elements.astype(np.int64)
        if level is None:
            break
        starts, limits = level[elements], level[elements + 1]
    if indices.ndim == 0:
        levels = levels[1:]
    values = np.asarray(params_dense_values)[elements]
    return tuple(out_splits + levels) + (values,)
