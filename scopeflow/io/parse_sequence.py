"""`tf.io.parse_single_sequence_example`: one serialized `tf.train.SequenceExample` to tensors.

TF builds one `ParseSequenceExampleV2` op under "ParseSingleSequenceExample/
ParseSequenceExample"; it runs on the host like ParseExampleV2 (parse_example.py).

>>> import scopeflow as tf
>>> ctx, seq = tf.parse_single_sequence_example(
...     tf.placeholder(tf.string, []), sequence_features={
...         "tok": tf.FixedLenSequenceFeature([], tf.int64)})
>>> seq["tok"].shape.as_list()
[None]
"""

import math

import numpy as np
from google.protobuf.message import DecodeError

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.errors import InvalidArgumentError
from scopeflow.io.example_protos import SequenceExample
from scopeflow.io.parse_example import (
    _TYPE_TEXT,
    _array,
    _default_tensor,
    _np_type,
    _ParseError,
    _text,
    host_only,
)
from scopeflow.io.parsing_config import (
    FixedLenFeature,
    FixedLenSequenceFeature,
    VarLenFeature,
    feature_dims,
)
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.sparse_tensor import SparseTensor


class _Params:
    """Sorted sparse and dense keys of one feature dict (context or feature lists)."""

    def __init__(self, features, dense_class):
        self.sparse_keys, self.sparse_types = [], []
        self.dense_keys, self.dense_types, self.dense_features = [], [], []
        for key in sorted(features or {}):
            feat = features[key]
            if isinstance(feat, VarLenFeature):
                self.sparse_keys.append(key)
                self.sparse_types.append(_dt.as_dtype(feat.dtype))
            elif isinstance(feat, dense_class):
                if feat.shape is None:
                    raise ValueError("Missing shape for feature %s. Received feature=%s."
                                     % (key, feat))
                self.dense_keys.append(key)
                self.dense_types.append(_dt.as_dtype(feat.dtype))
                self.dense_features.append(feat)
            else:
                raise ValueError("Unsupported %s %s for key '%s'"
                                 % (type(feat).__name__, feat, key))
        self.dense_shapes = [TensorShape(feature_dims(f))
                             for f in self.dense_features]


def _shapes(serialized, debug_name, *keys_and_defaults, Ncontext_sparse,  # noqa: N803
            Nfeature_list_sparse, Nfeature_list_dense, context_sparse_types,
            feature_list_sparse_types, feature_list_dense_types, context_dense_shapes,
            feature_list_dense_shapes, **attrs):
    idx = lambda n: spec([None, n], _dt.int64)  # noqa: E731
    out = [idx(1)] * Ncontext_sparse + [spec([None], t) for t in context_sparse_types]
    out += [spec([1], _dt.int64)] * Ncontext_sparse
    out += [spec(s._dims, t) for s, t in zip(context_dense_shapes, attrs["Tcontext_dense"])]
    out += [idx(2)] * Nfeature_list_sparse
    out += [spec([None], t) for t in feature_list_sparse_types]
    out += [spec([2], _dt.int64)] * Nfeature_list_sparse
    out += [spec((None,) + s._dims, t)
            for s, t in zip(feature_list_dense_shapes, feature_list_dense_types)]
    out += [spec([], _dt.int64)] * Nfeature_list_dense
    return out


_KEY_INPUTS = ("context_sparse_keys", "context_dense_keys", "context_ragged_keys",
               "feature_list_sparse_keys", "feature_list_dense_keys", "feature_list_ragged_keys")
_parse_sequence_example_v2 = op(
    "ParseSequenceExampleV2", infer=_shapes, multi=True, lists=("context_dense_defaults",),
    types=dict({k: _dt.string for k in ("serialized", "debug_name") + _KEY_INPUTS},
               feature_list_dense_missing_assumed_empty=_dt.bool, context_dense_defaults=ANY))(
    lambda serialized, debug_name, context_sparse_keys, context_dense_keys, context_ragged_keys,
    feature_list_sparse_keys, feature_list_dense_keys, feature_list_ragged_keys,
    feature_list_dense_missing_assumed_empty, context_dense_defaults, **attrs:
    host_only("ParseSequenceExampleV2")())


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """(context dict, feature-list dict) of tensors parsed from one SequenceExample.

    >>> import scopeflow as tf
    >>> ctx, _ = tf.parse_single_sequence_example(
    ...     tf.placeholder(tf.string, []), {"n": tf.FixedLenFeature([], tf.int64)})
    >>> ctx["n"].name
    'ParseSingleSequenceExample/ParseSequenceExample/ParseSequenceExampleV2:0'
    """
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.op_util import name_scope
    if not (context_features or sequence_features):
        raise ValueError("Both context_features and sequence_features are None, but at least "
                         "one should have values.")
    ctx = _Params(context_features, FixedLenFeature)
    seq = _Params(sequence_features, FixedLenSequenceFeature)
    assumed_empty = []
    for key, feat in zip(seq.dense_keys, seq.dense_features):
        if feat.allow_missing and feat.default_value is not None:
            raise ValueError("Value feature_list.dense_defaults[%s] must be None" % key)
        assumed_empty.append(bool(feat.allow_missing))
    with name_scope(name, "ParseSingleSequenceExample", [serialized, example_name]):
        with name_scope(name, "ParseSingleExample", [serialized, example_name]):
            serialized = convert_to_tensor(serialized, name="serialized")
            if serialized.shape.ndims not in (None, 0):
                raise ValueError("Input serialized must be a scalar")
        with name_scope(name, "ParseSequenceExample", [serialized]):
            defaults = [_default_tensor(k, f, t) for k, f, t in
                        zip(ctx.dense_keys, ctx.dense_features, ctx.dense_types)]
            outs = _parse_sequence_example_v2(
                serialized, [] if example_name is None else example_name, ctx.sparse_keys,
                ctx.dense_keys, [], seq.sparse_keys, seq.dense_keys, [], assumed_empty,
                defaults, name=name or "ParseSequenceExampleV2",
                Ncontext_sparse=len(ctx.sparse_keys), Nfeature_list_sparse=len(seq.sparse_keys),
                Nfeature_list_dense=len(seq.dense_keys), context_sparse_types=ctx.sparse_types,
                context_ragged_value_types=[], context_ragged_split_types=[],
                Tcontext_dense=ctx.dense_types, feature_list_dense_types=seq.dense_types,
                feature_list_sparse_types=seq.sparse_types, feature_list_ragged_value_types=[],
                feature_list_ragged_split_types=[], context_dense_shapes=ctx.dense_shapes,
                feature_list_dense_shapes=seq.dense_shapes)
            return _outputs(outs, ctx, seq)


def _outputs(outs, ctx, seq):
    """The two dicts of the op's outputs, in TF's order."""
    n, m = len(ctx.sparse_keys), len(seq.sparse_keys)
    context = {k: SparseTensor(outs[i], outs[n + i], outs[2 * n + i])
               for i, k in enumerate(ctx.sparse_keys)}
    pos = 3 * n
    for k in ctx.dense_keys:
        context[k] = outs[pos]
        pos += 1
    lists = {k: SparseTensor(outs[pos + i], outs[pos + m + i], outs[pos + 2 * m + i])
             for i, k in enumerate(seq.sparse_keys)}
    pos += 3 * m
    for k in seq.dense_keys:
        lists[k] = outs[pos]
        pos += 1
    return context, lists


# ---- the host kernel ------------------------------------------------------------------------
def _ctx_values(features, key, dtype):
    """A context feature's values (None when absent), TF's context wording on a wrong type."""
    if key not in features:
        return None
    return _list_values(features[key], key, dtype, None)


def _context_dense(features, key, dtype, shape, default):
    vals = _ctx_values(features, key, dtype)
    want = math.prod(shape)
    if vals is None:
        if default.size == 0:
            raise _ParseError("Inconsistent max number of elements for feature %s: expected %d, "
                              "but found 0" % (key, want))
        return default.reshape(shape)
    if len(vals) != want:
        raise _ParseError("Inconsistent max number of elements for feature %s: expected %d, but "
                          "found %d" % (key, want, len(vals)))
    return _array(vals, dtype).reshape(shape)


def _list_values(feature, key, dtype, t):
    kind = feature.WhichOneof("kind")
    if kind is None:
        return []
    if kind != {"float32": "float_list", "int64": "int64_list",
                "string": "bytes_list"}[dtype.name]:
        where = ("Context feature: %s" % key if t is None
                 else "Feature list: %s, Index: %d" % (key, t))
        raise _ParseError("Name: <unknown>, %s.  Data types don't match. Expected type: %s"
                          % (where, _TYPE_TEXT[dtype.name]))
    return list(getattr(feature, kind).value)


def _feature_list_dense(lists, key, dtype, shape, assumed_empty):
    if key not in lists:
        if not assumed_empty:
            raise _ParseError("Name: <unknown>, Feature list '%s' is required but could not be "
                              "found.  Did you mean to include it in "
                              "feature_list_dense_missing_assumed_empty or "
                              "feature_list_dense_defaults?" % key)
        return np.zeros((0,) + tuple(shape), _np_type(dtype))
    steps = [_list_values(f, key, dtype, t) for t, f in enumerate(lists[key].feature)]
    flat = [v for s in steps for v in s]
    stride = math.prod(shape)
    if any(len(s) != stride for s in steps):
        raise _ParseError("Feature list '%s' has an unexpected number of values.  Total values "
                          "size: %d is not consistent with output shape: [?,%s]"
                          % (key, len(flat), ",".join(str(d) for d in shape)))
    return _array(flat, dtype).reshape((len(steps),) + tuple(shape))


def _context_sparse(features, key, dtype):
    vals = _ctx_values(features, key, dtype) or []
    return (np.arange(len(vals), dtype=np.int64).reshape(-1, 1), _array(vals, dtype),
            np.asarray([len(vals)], np.int64))


def _list_sparse(lists, key, dtype):
    steps = ([_list_values(f, key, dtype, t) for t, f in enumerate(lists[key].feature)]
             if key in lists else [])
    idx = [[t, j] for t, s in enumerate(steps) for j in range(len(s))]
    return (np.asarray(idx, np.int64).reshape(-1, 2),
            _array([v for s in steps for v in s], dtype),
            np.asarray([len(steps), max([len(s) for s in steps] + [0])], np.int64))


@host_kernel("ParseSequenceExampleV2")
def _parse_sequence_host(ctx, op_, serialized, debug_name, cs_keys, cd_keys, cr_keys, fs_keys,
                         fd_keys, fr_keys, assumed_empty, *defaults):
    a = op_._attrs
    data = np.asarray(serialized, dtype=object).item()
    data = data if isinstance(data, bytes) else str(data).encode()
    try:
        try:
            ex = SequenceExample.FromString(data)
        except (DecodeError, RuntimeError):
            raise _ParseError("Invalid protocol message input, example id: <unknown>") from None
        feats, lists = ex.context.feature, ex.feature_lists.feature_list
        cs = [_context_sparse(feats, _text(k), t)
              for k, t in zip(np.ravel(cs_keys), a["context_sparse_types"])]
        cd = [_context_dense(feats, _text(k), t, list(s._dims), np.asarray(d, _np_type(t)))
              for k, t, s, d in zip(np.ravel(cd_keys), a["Tcontext_dense"],
                                    a["context_dense_shapes"], defaults)]
        fs = [_list_sparse(lists, _text(k), t)
              for k, t in zip(np.ravel(fs_keys), a["feature_list_sparse_types"])]
        fd = [_feature_list_dense(lists, _text(k), t, list(s._dims), bool(e))
              for k, t, s, e in zip(np.ravel(fd_keys), a["feature_list_dense_types"],
                                    a["feature_list_dense_shapes"], np.ravel(assumed_empty))]
    except _ParseError as e:
        raise run_error(InvalidArgumentError, op_, str(e)) from None
    return ([s[0] for s in cs] + [s[1] for s in cs] + [s[2] for s in cs] + cd
            + [s[0] for s in fs] + [s[1] for s in fs] + [s[2] for s in fs] + fd
            + [np.int64(len(v)) for v in fd])
