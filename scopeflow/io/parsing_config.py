"""Feature specs of `tf.io.parse_example`: FixedLenFeature, VarLenFeature, ... (TF's tuples).

>>> import scopeflow as tf
>>> FixedLenFeature([2], tf.float32)
FixedLenFeature(shape=[2], dtype=tf.float32, default_value=None)
"""

import collections
import re

from scopeflow import dtypes as _dt

_ALLOWED = (_dt.float32, _dt.int64, _dt.string)


class FixedLenFeature(collections.namedtuple(
        "FixedLenFeature", ["shape", "dtype", "default_value"])):
    """A dense feature of fixed `shape`; `default_value` fills it when the feature is absent."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature of any length, parsed into a SparseTensor."""


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """A dense feature of a variable number of `shape` items (padded with `default_value`)."""

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """A SparseTensor built from an index feature and a value feature."""

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


for _cls in (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature, SparseFeature):
    _cls.__module__ = __name__


class ParseSpec:
    """The feature dict as ParseExampleV2's inputs: sorted sparse and dense keys, types, shapes.

    `sparse` / `dense` are lists of (key, dtype[, shape, default spec]); `composites` maps a
    user key to how its outputs are assembled ("dense", "sparse", or a SparseFeature).
    """

    def __init__(self, features):
        if not features:
            raise ValueError("Argument `features` cannot be None or falsy. Got %s" % (features,))
        self.features = dict(features)
        sparse, dense = {}, []
        for key in sorted(self.features):
            feat = self.features[key]
            if isinstance(feat, VarLenFeature):
                _check_dtype(feat.dtype)
                sparse[key] = _dt.as_dtype(feat.dtype)
            elif isinstance(feat, SparseFeature):
                _check_dtype(feat.dtype)
                for ik in (feat.index_key if isinstance(feat.index_key, (list, tuple))
                           else [feat.index_key]):
                    sparse.setdefault(ik, _dt.int64)
                sparse.setdefault(feat.value_key, _dt.as_dtype(feat.dtype))
            elif isinstance(feat, FixedLenFeature):
                if feat.shape is None:
                    raise ValueError("Missing shape for feature %s. Received feature=%s."
                                     % (key, feat))
                dense.append((key, feat))
            elif isinstance(feat, FixedLenSequenceFeature):
                if not feat.allow_missing:
                    raise ValueError("Unsupported: FixedLenSequenceFeature requires "
                                     "allow_missing to be True.")
                if feat.shape is None:
                    raise ValueError("Missing shape for feature %s. Received feature=%s."
                                     % (key, feat))
                dense.append((key, feat))
            else:
                raise ValueError("Unsupported %s %s for key '%s'"
                                 % (type(feat).__name__, feat, key))
        self.sparse_keys = list(sparse)  # in sorted feature order, a SparseFeature's keys in turn
        self.sparse_types = [sparse[k] for k in self.sparse_keys]
        self.dense_keys = [k for k, _ in dense]
        self.dense_types = [_dt.as_dtype(f.dtype) for _, f in dense]
        self.dense_shapes = [_dense_shape(f) for _, f in dense]
        self.dense_features = [f for _, f in dense]


def _check_dtype(dtype):
    dtype = _dt.as_dtype(dtype)
    if dtype not in _ALLOWED:
        raise TypeError("Value passed to parameter 'sparse_types' has DataType %s not in list "
                        "of allowed values: float32, int64, string" % dtype.name)


def feature_dims(feat):
    """A feature's shape as TF reads it (`tensor_shape.as_shape`: `FixedLenFeature((23), ...)`,
    an int, is one dimension)."""
    from scopeflow.core.shape import TensorShape
    return [int(d) for d in TensorShape(feat.shape).as_list()]


def _dense_shape(feat):
    """Dims of a dense output per example (None leads a sequence feature's shape)."""
    dims = feature_dims(feat)
    return ([None] + dims) if isinstance(feat, FixedLenSequenceFeature) else dims


def default_name(prefix, key):
    """TF's name for a default's constant: "key_a", "padding_q" (odd characters as _)."""
    return prefix + re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
