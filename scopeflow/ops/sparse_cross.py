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
    cols = _columns(indices, values, shapes, dense_inputs)
    out_idx, out_val, width = [], [], 0
    for b in range(_batch_size(shapes, dense_inputs)):
        feats = [c(b) for c in cols]
        k = 0
        for combo in itertools.product(*feats):
            if hashed_output:
                h = hash_key
                for v in combo:
                    h = fingerprint_cat64(h, _feature_hash(v))
                out_val.append(h % num_buckets if num_buckets > 0 else h % _I64_MAX)
            else:
                out_val.append(b"_X_".join(_text(v) for v in combo))
            out_idx.append((b, k))
            k += 1
        width = max(width, k)
    n = _batch_size(shapes, dense_inputs)
    vals = (np.asarray(out_val, np.int64) if hashed_output
            else np.asarray(out_val, dtype=object))
    return (np.asarray(out_idx, np.int64).reshape(-1, 2), vals, np.asarray([n, width], np.int64))


def _cross(inputs, hashed_output, num_buckets, hash_key, name):
    from scopeflow.ops.math_cast import cast
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    from scopeflow.core.tensor import Tensor
    if not all(isinstance(i, (SparseTensor, Tensor)) for i in inputs):
        raise TypeError("All inputs must be SparseTensors")
    sparse = [i for i in inputs if isinstance(i, SparseTensor)]
    dense = [i for i in inputs if not isinstance(i, SparseTensor)]
    internal = _dt.string
    values = []
    for v in [s.values for s in sparse]:
        if v.dtype.base_dtype != _dt.string:
            v, internal = cast(v, _dt.int64), _dt.int64
        values.append(v)
    dense_in = []
    for d in dense:
        if d.dtype.base_dtype != _dt.string:
            d, internal = cast(d, _dt.int64), _dt.int64
        dense_in.append(d)
    out_type = _dt.int64 if hashed_output else _dt.string
    ind, val, shape = sparse_cross_op(
        [s.indices for s in sparse], values, [s.dense_shape for s in sparse], dense_in,
        hashed_output=hashed_output, num_buckets=num_buckets,
        hash_key=hash_key or _DEFAULT_HASH_KEY, out_type=out_type, internal_type=internal,
        sparse_types=[v.dtype.base_dtype for v in values],
        dense_types=[d.dtype.base_dtype for d in dense_in], N=len(sparse),
        name=name or "SparseCross")
    return SparseTensor(ind, val, shape)


def sparse_cross(inputs, name=None, separator=None):
    """`tf.sparse.cross`: string crosses "a_X_b" (TF1's SparseCross op; `separator` unused).

    >>> import scopeflow as tf
    >>> tf.sparse.cross([tf.constant([["a"]]), tf.constant([["b"]])]).values.dtype.name
    'string'
    """
    return _cross(inputs, False, 0, None, name)


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """`tf.sparse.cross_hashed`: hashed crosses, modulo `num_buckets` when it is positive.

    >>> import scopeflow as tf
    >>> tf.sparse.cross_hashed([tf.constant([[1]]), tf.constant([[2]])], 5).values.dtype.name
    'int64'
    """
    return _cross(inputs, True, num_buckets, hash_key, name)
