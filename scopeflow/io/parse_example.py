"""`tf.io.parse_example / parse_single_example`: serialized `tf.train.Example`s to tensors.

TF builds one `ParseExampleV2` op (under "ParseExample", or "ParseSingleExample/ParseExample")
whose inputs are the records, the sorted sparse and dense keys and the dense defaults. The
records are strings made at run time (a reader, a dataset), so the op is a host kernel: it
decodes them with the `tf.train.Example` protobuf class and fills NumPy arrays.

>>> import scopeflow as tf
>>> ser = tf.placeholder(tf.string, [None])
>>> out = tf.parse_example(ser, {"a": tf.FixedLenFeature([2], tf.float32)})
>>> out["a"].name
'ParseExample/ParseExampleV2:0'
"""

import math

import numpy as np
from google.protobuf.message import DecodeError

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.io.example_protos import Example as _Example
from scopeflow.io.example_protos import Feature as _Feature
from scopeflow.io.example_wire import fast_parse as _fast
from scopeflow.io.example_wire import FLOAT as _FLOAT
from scopeflow.io.example_wire import _varint
from scopeflow.io.example_wire import packed as _packed
from scopeflow.io.example_wire import tf_entries as _tf_entries
from scopeflow.io.parsing_config import (
    FixedLenSequenceFeature,
    ParseSpec,
    SparseFeature,
    VarLenFeature,
    default_name,
    feature_dims,
)
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.sparse_tensor import SparseTensor

# what the messages call each dtype, and the Feature field ("kind") holding it
_TYPE_TEXT = {"float32": "float", "int64": "int64", "string": "string"}
_KIND = {"float32": "float_list", "int64": "int64_list", "string": "bytes_list"}
_KIND_TEXT = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}


def host_only(op_type):
    """The JAX kernel of a host op: never called (the Session runs the host kernel)."""

    def kernel(*args, **attrs):
        raise NotImplementedError("%s runs on the host, not in a compiled program" % op_type)

    return kernel


# ---- the op ---------------------------------------------------------------------------------
def _parse_shapes(serialized, names, sparse_keys, dense_keys, ragged_keys, dense_defaults, *,
                  Tdense, num_sparse, sparse_types, ragged_value_types,  # noqa: N803
                  ragged_split_types, dense_shapes):
    dims = serialized.shape._dims
    cols = None if dims is None else len(dims) + 1
    out = [spec([None, cols], _dt.int64) for _ in range(num_sparse)]
    out += [spec([None], t) for t in sparse_types]
    out += [spec([cols], _dt.int64) for _ in range(num_sparse)]
    for t, shape in zip(Tdense, dense_shapes):
        out.append(spec(None if dims is None else tuple(dims) + tuple(shape._dims), t))
    return out


_parse_example_v2 = op("ParseExampleV2", infer=_parse_shapes, multi=True,
                       types={"serialized": _dt.string, "names": _dt.string,
                              "sparse_keys": _dt.string, "dense_keys": _dt.string,
                              "ragged_keys": _dt.string, "dense_defaults": ANY},
                       lists=("dense_defaults",))(
    lambda serialized, names, sparse_keys, dense_keys, ragged_keys, dense_defaults, **attrs:
    host_only("ParseExampleV2")())


# ---- graph building -------------------------------------------------------------------------
def _default_tensor(key, feat, dtype):
    """The dense default input TF makes for one dense feature (Const, or key_<k> + Reshape)."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.ops.array import reshape
    from scopeflow.ops.constant import constant, convert_to_tensor
    if isinstance(feat, FixedLenSequenceFeature):
        if feat.default_value is None:
            return convert_to_tensor(b"" if dtype is _dt.string else 0, dtype=dtype)
        value = convert_to_tensor(feat.default_value, dtype=dtype,
                                  name=default_name("padding_", key))
        return _reshape_to_scalar(value)
    if feat.default_value is None:
        return constant([], dtype=dtype)
    if isinstance(feat.default_value, Tensor):
        return feat.default_value
    value = convert_to_tensor(feat.default_value, dtype=dtype, name=default_name("key_", key))
    return reshape(value, feature_dims(feat))


def _reshape_to_scalar(value):
    """`array_ops.reshape(value, [])` as TF builds it: the empty shape list converts to a
    float32 "shape" first, then to the int32 "shape_1" the op takes."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.constant import constant
    from scopeflow.ops.op_util import name_scope
    with name_scope(None, "Reshape", [value]) as scope:
        constant([], dtype=_dt.float32, name="shape")
        shape = constant([], dtype=_dt.int32, name="shape_1")
        return reshape(value, shape, name=scope)


def parse_example(serialized, features, name=None, example_names=None):
    """Parses a batch of serialized Examples into a dict of Tensors and SparseTensors.

    >>> import scopeflow as tf
    >>> ser = tf.placeholder(tf.string, [None])
    >>> tf.parse_example(ser, {"v": tf.VarLenFeature(tf.int64)})["v"].dense_shape.shape
    TensorShape([2])
    """
    from scopeflow.core.shape import TensorShape
    from scopeflow.ops.op_util import name_scope
    spec_ = ParseSpec(features)
    with name_scope(name, "ParseExample", [serialized, example_names]):
        defaults = [_default_tensor(k, f, t) for k, f, t in
                    zip(spec_.dense_keys, spec_.dense_features, spec_.dense_types)]
        outs = _parse_example_v2(
            serialized, [] if example_names is None else example_names, spec_.sparse_keys,
            spec_.dense_keys, [], defaults, name=name or "ParseExampleV2", Tdense=spec_.dense_types,
            num_sparse=len(spec_.sparse_keys), sparse_types=spec_.sparse_types,
            ragged_value_types=[], ragged_split_types=[],
            dense_shapes=[TensorShape(s) for s in spec_.dense_shapes])
        n = len(spec_.sparse_keys)
        sparse = {k: SparseTensor(outs[i], outs[n + i], outs[2 * n + i])
                  for i, k in enumerate(spec_.sparse_keys)}
    result = {}
    for key, feat in spec_.features.items():
        if isinstance(feat, VarLenFeature):
            result[key] = sparse[key]
        elif isinstance(feat, SparseFeature):
            from scopeflow.io.sparse_feature import sparse_merge
            result[key] = sparse_merge(sparse, feat)
    for i, key in enumerate(spec_.dense_keys):
        result[key] = outs[3 * n + i]
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized Example (a scalar string) into a dict of tensors.

    >>> import scopeflow as tf
    >>> one = tf.placeholder(tf.string, [])
    >>> tf.parse_single_example(one, {"a": tf.FixedLenFeature([], tf.int64)})["a"].name
    'ParseSingleExample/ParseExample/ParseExampleV2:0'
    """
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.op_util import name_scope
    if not features:
        raise ValueError("Invalid argument: features cannot be None.")
    with name_scope(name, "ParseSingleExample", [serialized, example_names]):
        serialized = convert_to_tensor(serialized, name="serialized")
        if serialized.shape.ndims not in (None, 0):
            raise ValueError("Input serialized must be a scalar")
        return parse_example(serialized, features, name, example_names)


# ---- the host kernel ------------------------------------------------------------------------
class _ParseError(Exception):
    pass


class _Where:
    """Where a record sits, as TF's messages say it: "Name: n, Key: k, Index: i.  " (batch) or
    "Key: k.  " (one record)."""

    def __init__(self, name, index, single):
        self.name, self.index, self.single = name, index, single

    def key(self, key):
        if self.single:
            return "Key: %s.  " % key
        return "Name: %s, Key: %s, Index: %d.  " % (self.name, key, self.index)

    def missing(self, key, dtype):
        return "%sFeature: %s (data type: %s) is required but could not be found." % (
            "" if self.single else "Name: %s, " % self.name, key, _TYPE_TEXT[dtype.name])


def _record(data, wanted, where):
    """The Example in `data` as TF's fast parser reads it (example_wire.tf_entries): TF's
    errors for a record it refuses, or for a wanted Feature it cannot read; a wanted Feature
    is its first list only (TF's kind is the first field's)."""
    entries = _tf_entries(data)
    if entries is None:
        raise _ParseError("Could not parse example input, value: '%s'"
                          % data.decode("utf-8", "replace"))
    last = {}
    for key, value in entries:
        key = _text(key)
        if key in wanted:
            if value and value[0] not in (0x0A, 0x12, 0x1A):
                raise _ParseError("Unsupported datatype.")
            last[key] = value
    try:
        example, whole = _Example.FromString(data), True
    except (DecodeError, RuntimeError, TypeError):  # (bytes after a Feature's list, say)
        example, whole = _Example(), False
    features = example.features.feature
    for key, value in last.items():
        if value:
            try:
                size, i = _varint(value, 1)
            except IndexError:
                size = i = len(value)
            if whole and i + size >= len(value):
                continue  # (protobuf read the same)
            value = value[:i + size]  # (TF reads the first list and nothing after it)
        elif whole:
            continue
        try:
            features[key].CopyFrom(_Feature.FromString(value))
        except (DecodeError, RuntimeError, TypeError, IndexError):
            floats = _cut_floats(value)
            if floats is None:
                raise _ParseError("%sCan't parse serialized Example." % where.key(key)) from None
            features[key].float_list.value[:] = floats
    return example


def _cut_floats(value):
    """The floats of a Feature that is one packed FloatList whose byte length is no multiple
    of 4 (protobuf refuses it; TF's fast parser keeps the whole floats), else None."""
    if value[:1] != b"\x12":
        return None
    try:
        size, i = _varint(value, 1)
    except IndexError:
        return None
    if i + size != len(value):
        return None
    return _packed(value, i, i + size, _FLOAT)


def _values(features, key, dtype, where, dense):
    """The values of feature `key` as a list (None when absent or empty of any kind)."""
    if key not in features:
        return None
    feature = features[key]
    kind = feature.WhichOneof("kind")
    if kind is None:
        return None
    if kind != _KIND[dtype.name]:
        if dense:
            raise _ParseError("%sData types don't match. Data type: %s but expected type: %s"
                              % (where.key(key), _KIND_TEXT[kind], _TYPE_TEXT[dtype.name]))
        raise _ParseError("%sData types don't match. Expected type: %s, Actual type: %s"
                          % (where.key(key), _TYPE_TEXT[dtype.name], _KIND_TEXT[kind]))
    return getattr(feature, kind).value  # the proto's container: numpy copies it in C


def _array(values, dtype):
    if dtype is _dt.string:
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    return np.array(values, dtype=dtype.as_numpy_dtype)


def _shape_text(shape):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in shape)


def _check_count(vals, key, dtype, shape, where):
    """TF's errors for a dense feature holding the wrong number of values."""
    seq = bool(shape) and shape[0] is None
    stride = math.prod(shape[1:] if seq else shape)
    n, t = len(vals), _TYPE_TEXT[dtype.name]
    if seq and stride and n % stride:
        if where.single:
            raise _ParseError("Error while parsing feature with key %s: number of elements "
                              "should be divisible by %d, found %d instead" % (key, stride, n))
        raise _ParseError("%sNumber of %s values is not a multiple of stride length. Saw %d "
                          "values but output shape is: %s"
                          % (where.key(key), t, n, _shape_text(shape)))
    if not seq and n != stride:
        if where.single:
            raise _ParseError("%sCan't parse serialized Example: Some %s_list slice was not "
                              "parsed." % (where.key(key), "bytes" if t == "string" else t))
        raise _ParseError("%sNumber of %s values != expected.  Values size: %d but output "
                          "shape: %s" % (where.key(key), t, n, _shape_text(shape)))
    return stride


def _dense(examples, key, dtype, shape, default, wheres):
    """(batch,) + shape values of one dense feature; `shape[0]` None for a sequence feature."""
    seq = bool(shape) and shape[0] is None
    np_type = _np_type(dtype)
    stride = math.prod(shape[1:] if seq else shape)
    rows = []
    for ex, where in zip(examples, wheres):
        vals = _values(ex.features.feature, key, dtype, where, True)
        if vals is None:
            if not seq and default.size == 0:
                raise _ParseError(where.missing(key, dtype))
        elif len(vals) != stride or seq:
            _check_count(vals, key, dtype, shape, where)
        rows.append(vals)
    if not seq:  # one (batch, stride) array filled row by row from the proto containers
        out = np.empty((len(rows), stride), dtype=np_type)
        flat_default = default.reshape(-1)
        for i, v in enumerate(rows):
            out[i] = flat_default if v is None else v
        return out.reshape((len(rows),) + tuple(shape))
    n = max([len(v) // stride for v in rows if v] + [0]) if stride else 0
    out = np.full((len(rows), n) + tuple(shape[1:]), default.reshape(()), dtype=np_type)
    for i, v in enumerate(rows):
        if v:
            out[i, :len(v) // stride] = _array(v, dtype).reshape((-1,) + tuple(shape[1:]))
    return out


def _np_type(dtype):
    return object if dtype is _dt.string else dtype.as_numpy_dtype


def _sparse(examples, key, dtype, wheres, scalar):
    """(indices, values, dense_shape) of one VarLenFeature (sparse key) over the batch."""
    idx, vals, longest = [], [], 0
    for b, (ex, where) in enumerate(zip(examples, wheres)):
        feat = ex.features.feature
        v = _values(feat, key, dtype, where, False) or []
        idx.extend([j] if scalar else [b, j] for j in range(len(v)))
        vals.extend(v)
        longest = max(longest, len(v))
    cols = 1 if scalar else 2
    indices = np.asarray(idx, np.int64).reshape(-1, cols)
    shape = np.asarray([longest] if scalar else [len(examples), longest], np.int64)
    return indices, _array(vals, dtype), shape


@host_kernel("ParseExampleV2")
def _parse_example_host(ctx, op_, serialized, names, sparse_keys, dense_keys, ragged_keys,
                        *dense_defaults):
    attrs = op_._attrs
    serialized = np.asarray(serialized, dtype=object)
    scalar = serialized.ndim == 0
    records = [serialized.item() if scalar else r for r in np.ravel(serialized)]
    names = [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n)
             for n in np.ravel(names)]
    fast = _fast(op_, records, sparse_keys, dense_keys, attrs, dense_defaults, scalar)
    if fast is not None:
        return fast
    try:
        wheres = [_Where(names[i] if i < len(names) else "<unknown>", i, scalar)
                  for i in range(len(records))]
        wanted = {_text(k) for k in np.ravel(sparse_keys)} | {_text(k) for k in
                                                              np.ravel(dense_keys)}
        examples = [_record(_bytes(r), wanted, w) for r, w in zip(records, wheres)]
        sparse = [_sparse(examples, _text(k), t, wheres, scalar)
                  for k, t in zip(np.ravel(sparse_keys), attrs["sparse_types"])]
        dense = []
        for k, t, shape, d in zip(np.ravel(dense_keys), attrs["Tdense"], attrs["dense_shapes"],
                                  dense_defaults):
            v = _dense(examples, _text(k), t, list(shape._dims), np.asarray(d, _np_type(t)),
                       wheres)
            dense.append(v[0] if scalar else v)
    except _ParseError as e:
        raise run_error(InvalidArgumentError, op_, str(e)) from None
    return [s[0] for s in sparse] + [s[1] for s in sparse] + [s[2] for s in sparse] + dense


def _bytes(r):
    return r if isinstance(r, bytes) else str(r).encode()


def _text(k):
    return k.decode() if isinstance(k, bytes) else str(k)

