"""tf.sparse.cross / cross_hashed: SparseCross, the row-wise product of feature lists.

    >>> import scopeflow as tf
    >>> a = tf.SparseTensor([[0, 0]], ["a"], [1, 1])
    >>> tf.sparse.cross_hashed([a, tf.constant([["d"]])], 10).values.dtype.name
    'int64'

Per batch row, every combination of one feature from each input (sparse inputs first, then
dense ones; the last input varies fastest), joined as "a_X_d" or hashed with FarmHash's
Fingerprint64 and FingerprintCat64 as TF's kernel. A row where an input has no feature gets
no entry. It runs on the host (dynamic_shape.py): the number of entries follows the values.
"""

import itertools

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.dynamic_shape import host_op
from scopeflow.ops.fingerprint import fingerprint64
from scopeflow.ops.registry import ANY, spec
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["sparse_cross", "sparse_cross_hashed"]

_M = (1 << 64) - 1
_MUL = 0xc6a4a7935bd1e995
_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_I64_MAX = (1 << 63) - 1


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1, fp2):
    """TF's FingerprintCat64: combines two 64-bit fingerprints (unsigned)."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _M) * _MUL) & _M
    result = (result * _MUL) & _M
    result = (_shift_mix(result) * _MUL) & _M
    return _shift_mix(result)


def _as_bytes(v):
    return v if isinstance(v, bytes) else str(v).encode()


def _feature_hash(v):
    if isinstance(v, (bytes, str)):
        return fingerprint64(_as_bytes(v))
    return int(v) & _M  # an int64 feature is its own hash


def _text(v):
    return _as_bytes(v) if isinstance(v, (bytes, str)) else str(int(v)).encode()


def _cross_shape(indices, values, shapes, dense_inputs, **attrs):
    return [spec((None, 2), _dt.int64), spec((None,), attrs["out_type"]),
            spec((2,), _dt.int64)]


def _columns(indices, values, shapes, dense_inputs):
    """Per input, a function batch row -> its features (in the order of the entries)."""
    cols = []
    for idx, val in zip(indices, values):
        rows = {}
        for r, v in zip(np.asarray(idx).reshape(-1, 2)[:, 0], list(val)):
            rows.setdefault(int(r), []).append(v)
        cols.append(lambda b, rows=rows: rows.get(b, []))
    for d in dense_inputs:
        d = np.asarray(d)
        cols.append(lambda b, d=d: list(d[b]))
    return cols


def _batch_size(shapes, dense_inputs):
    if len(shapes):
        return int(np.asarray(shapes[0])[0])
    return int(np.asarray(dense_inputs[0]).shape[0])


@host_op("SparseCross", _cross_shape, multi=True, lists=("indices", "values", "shapes",
                                                         "dense_inputs"),
         types=dict.fromkeys(("indices", "values", "shapes", "dense_inputs"), ANY))
def sparse_cross_op(indices, values, shapes, dense_inputs, *, hashed_output, num_buckets,
                    hash_key, out_type, internal_type, **attrs):
    """Crosses of one feature per input, per batch row; strings or FingerprintCat64 hashes."""
    if hashed_output:
        def join(combo):
            h = hash_key
            for v in combo:
                h = fingerprint_cat64(h, _feature_hash(v))
            return h % num_buckets if num_buckets > 0 else h % _I64_MAX
        return _crossed(indices, values, shapes, dense_inputs, join)
    return _crossed(indices, values, shapes, dense_inputs,
                    lambda combo: b"_X_".join(_text(v) for v in combo))


def _cross_v2_shape(indices, values, shapes, dense_inputs, sep, **attrs):
    return [spec((None, 2), _dt.int64), spec((None,), _dt.string), spec((2,), _dt.int64)]


@host_op("SparseCrossV2", _cross_v2_shape, multi=True,
         lists=("indices", "values", "shapes", "dense_inputs"),
         types={**dict.fromkeys(("indices", "values", "shapes", "dense_inputs"), ANY),
                "sep": _dt.string})
def sparse_cross_v2_op(indices, values, shapes, dense_inputs, sep, **attrs):
    """String crosses joined by the scalar string `sep` (tf.sparse.cross)."""
    sep = _as_bytes(np.asarray(sep, dtype=object).item())
    return _crossed(indices, values, shapes, dense_inputs,
                    lambda combo: sep.join(_text(v) for v in combo))


def _crossed(indices, values, shapes, dense_inputs, join):
    """(indices, values, dense shape) of `join` over every combination of one feature per
    input, per batch row (the last input varying fastest)."""
    cols = _columns(indices, values, shapes, dense_inputs)
    out_idx, out_val, width = [], [], 0
    n = _batch_size(shapes, dense_inputs)
    for b in range(n):
        k = 0
        for combo in itertools.product(*[c(b) for c in cols]):
            out_val.append(join(combo))
            out_idx.append((b, k))
            k += 1
        width = max(width, k)
    hashed = bool(out_val) and not isinstance(out_val[0], bytes)
    vals = np.asarray(out_val, np.int64) if hashed else np.asarray(out_val, dtype=object)
    return (np.asarray(out_idx, np.int64).reshape(-1, 2), vals, np.asarray([n, width], np.int64))


def _cross_inputs(inputs, message):
    """TF's checks and casts: (sparse inputs, their values, dense inputs, internal type)."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops.math_cast import cast
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    if not all(isinstance(i, (SparseTensor, Tensor)) for i in inputs):
        raise TypeError(message)
    sparse = [i for i in inputs if isinstance(i, SparseTensor)]
    internal = _dt.string
    values, dense_in = [], []
    for out, items in ((values, [s.values for s in sparse]),
                       (dense_in, [i for i in inputs if not isinstance(i, SparseTensor)])):
        for v in items:
            if v.dtype.base_dtype != _dt.string:
                v, internal = cast(v, _dt.int64), _dt.int64
            out.append(v)
    return sparse, values, dense_in, internal


def _types(values, dense_in):
    return dict(sparse_types=[v.dtype.base_dtype for v in values],
                dense_types=[d.dtype.base_dtype for d in dense_in], N=len(values))


def _cross(inputs, hashed_output, num_buckets, hash_key, name):
    sparse, values, dense_in, internal = _cross_inputs(inputs, "All inputs must be SparseTensors")
    out_type = _dt.int64 if hashed_output else _dt.string
    ind, val, shape = sparse_cross_op(
        [s.indices for s in sparse], values, [s.dense_shape for s in sparse], dense_in,
        hashed_output=hashed_output, num_buckets=num_buckets,
        hash_key=hash_key or _DEFAULT_HASH_KEY, out_type=out_type, internal_type=internal,
        **_types(values, dense_in), name=name or "SparseCross")
    return SparseTensor(ind, val, shape)


def sparse_cross(inputs, name=None, separator=None):
    """`tf.sparse.cross`: string crosses "a_X_b", joined by `separator` (TF's SparseCrossV2).

    >>> import scopeflow as tf
    >>> tf.sparse.cross([tf.constant([["a"]]), tf.constant([["b"]])]).values.op.type
    'SparseCrossV2'
    """
    from scopeflow.ops.constant import constant
    sep = constant("_X_" if separator is None else separator, _dt.string)
    sparse, values, dense_in, _ = _cross_inputs(inputs,
                                                "All inputs must be Tensor or SparseTensor.")
    ind, val, shape = sparse_cross_v2_op(
        [s.indices for s in sparse], values, [s.dense_shape for s in sparse], dense_in, sep,
        **_types(values, dense_in), name=name or "SparseCrossV2")
    return SparseTensor(ind, val, shape)


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """`tf.sparse.cross_hashed`: hashed crosses, modulo `num_buckets` when it is positive.

    >>> import scopeflow as tf
    >>> tf.sparse.cross_hashed([tf.constant([[1]]), tf.constant([[2]])], 5).values.dtype.name
    'int64'
    """
    return _cross(inputs, True, num_buckets, hash_key, name)
