"""`tf.decode_raw`, `tf.decode_csv`, `tf.io.serialize_tensor / parse_tensor`: host kernels.

Their inputs are strings made at run time (records of a reader or a dataset), so each op runs
on the host between compiled stages, on NumPy object arrays of bytes.

>>> import scopeflow as tf
>>> tf.decode_raw(tf.placeholder(tf.string, [None]), tf.int16).shape.as_list()
[None, None]
"""

import base64

import numpy as np
from google.protobuf.message import DecodeError
from tensorboard.compat.proto import tensor_pb2

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.io.parse_example import host_only
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import ANY, ShapeError, op, spec


def _strings(x):
    """A host value of a string tensor as an object array of bytes (fed `str` encoded)."""
    a = np.asarray(x, dtype=object)
    out = np.empty(a.shape, dtype=object)
    out.reshape(-1)[:] = [b if isinstance(b, bytes) else str(b).encode() for b in a.reshape(-1)]
    return out


def _fail(op_, message):
    return run_error(InvalidArgumentError, op_, message)


# ---- DecodeRaw ------------------------------------------------------------------------------
_RAW_TYPES = ("float16", "float32", "float64", "int32", "uint16", "uint8", "int16", "int8",
              "int64", "complex64", "complex128", "bool", "bfloat16")


def _decode_raw_shape(bytes, *, out_type, little_endian):  # noqa: A002 - TF's arg name
    dims = bytes.shape._dims
    return spec(None if dims is None else tuple(dims) + (None,), out_type)


_decode_raw = op("DecodeRaw", infer=_decode_raw_shape, types={"bytes": _dt.string})(
    lambda bytes, *, out_type, little_endian: host_only("DecodeRaw")())  # noqa: A006


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Reinterprets the bytes of each string as a vector of `out_type` numbers.

    >>> import scopeflow as tf
    >>> tf.decode_raw(tf.constant([b"ab"]), tf.uint8).op.type
    'DecodeRaw'
    """
    if input_bytes is None:
        input_bytes = bytes
    out_type = _dt.as_dtype(out_type)
    if out_type.name not in _RAW_TYPES:
        raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list of "
                        "allowed values: %s" % (out_type.name, ", ".join(_RAW_TYPES)))
    return _decode_raw(input_bytes, name=name, out_type=out_type, little_endian=little_endian)


@host_kernel("DecodeRaw")
def _decode_raw_host(ctx, op_, data):
    out_type = op_._attrs["out_type"]
    data = _strings(data)
    np_type = np.dtype(out_type.as_numpy_dtype)
    if not op_._attrs["little_endian"] and np_type.itemsize > 1:
        np_type = np_type.newbyteorder(">")
    flat = [bytes(b) for b in data.reshape(-1)]
    size = len(flat[0]) if flat else 0
    for i, b in enumerate(flat):
        if len(b) != size:
            raise _fail(op_, "DecodeRaw requires input strings to all be the same size, but "
                             "element %d has size %d != %d" % (i, size, len(b)))
    if size % np_type.itemsize:
        raise _fail(op_, "Input to DecodeRaw has length %d that is not a multiple of %d, the "
                         "size of %s" % (size, np_type.itemsize, _c_name(out_type)))
    n = size // np_type.itemsize
    out = np.frombuffer(b"".join(flat), dtype=np_type).reshape(data.shape + (n,))
    return [out.astype(np_type.newbyteorder("="))]


def _c_name(dtype):
    """TF's C type names in messages: float, double, int16, ..."""
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


# ---- DecodeCSV ------------------------------------------------------------------------------
_CSV_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.string)


def _decode_csv_shape(records, record_defaults, *, OUT_TYPE, field_delim,  # noqa: N803
                      use_quote_delim, na_value, select_cols):
    for d in record_defaults:
        dims = d.shape._dims
        if dims is not None and (len(dims) > 1 or (dims and dims[0] not in (None, 0, 1))):
            raise ShapeError("Shape of a default must be a length-0 or length-1 vector, or a "
                             "scalar.")
    return [spec(records.shape._dims, t) for t in OUT_TYPE]


_decode_csv = op("DecodeCSV", infer=_decode_csv_shape, multi=True, lists=("record_defaults",),
                 types={"records": _dt.string, "record_defaults": ANY})(
    lambda records, record_defaults, **attrs: host_only("DecodeCSV")())


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Splits CSV lines into columns, typed and defaulted by `record_defaults`.

    >>> import scopeflow as tf
    >>> a, b = tf.decode_csv(tf.constant(["1,x"]), [[0], [""]])
    >>> a.dtype, b.name
    (tf.int32, 'DecodeCSV:1')
    """
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.op_util import name_scope
    if select_cols is not None and any(select_cols[i] >= select_cols[i + 1]
                                       for i in range(len(select_cols) - 1)):
        raise ValueError("select_cols is not strictly increasing.")
    if select_cols is not None and select_cols[0] < 0:
        raise ValueError("select_cols contains negative values.")
    if select_cols is not None and len(select_cols) != len(record_defaults):
        raise ValueError("Length of select_cols and record_defaults do not match.")
    with name_scope(name, "DecodeCSV", [records]) as scope:
        records = convert_to_tensor(records, dtype=_dt.string, name="records")
        defaults = [convert_to_tensor(d, name="record_defaults_%d" % i)
                    for i, d in enumerate(record_defaults)]
        for d in defaults:
            if d.dtype.base_dtype not in _CSV_TYPES:
                raise TypeError("Value passed to parameter 'record_defaults' has DataType %s not "
                                "in list of allowed values: float32, float64, int32, int64, "
                                "string" % d.dtype.base_dtype.name)
        return _decode_csv(records, defaults, name=scope,
                           OUT_TYPE=[d.dtype.base_dtype for d in defaults],
                           field_delim=field_delim, use_quote_delim=use_quote_delim,
                           na_value=na_value, select_cols=list(select_cols or []))


class _CsvError(Exception):
    pass


def _fields(line, delim, quotes, select):
    """The fields of one CSV line (TF's rules for quotes and line breaks)."""
    if line and b'"' not in line and b"\n" not in line and b"\r" not in line:
        fields = line.split(delim)  # the common case, same result as the scan below
        return fields if select is None else [f for c, f in enumerate(fields) if c in select]
    out, i, n, col = [], 0, len(line), 0
    while i < n:
        if line[i] in b"\r\n":
            i += 1
            continue
        field = bytearray()
        if quotes and line[i:i + 1] == b'"':
            i += 1
            while i < n - 1 and (line[i:i + 1] != b'"' or line[i + 1:i + 2] != delim):
                if line[i:i + 1] != b'"':
                    field += line[i:i + 1]
                    i += 1
                elif line[i + 1:i + 2] == b'"':
                    field += b'"'
                    i += 2
                else:
                    raise _CsvError("Quote inside a string has to be escaped by another quote")
            if not (i < n and line[i:i + 1] == b'"' and (i == n - 1 or
                                                         line[i + 1:i + 2] == delim)):
                raise _CsvError("Quoted field has to end with quote followed by delim or end")
            i += 2
        else:
            while i < n and line[i:i + 1] != delim:
                c = line[i:i + 1]
                if (quotes and c == b'"') or c in (b"\n", b"\r"):
                    raise _CsvError("Unquoted fields cannot have quotes/CRLFs inside")
                field += c
                i += 1
            i += 1
        if select is None or col in select:
            out.append(bytes(field))
        col += 1
    if line and line[-1:] == delim and (select is None or col in select):
        out.append(b"")
    return out


_NUMBER = {"int32": (int, np.int32, "int32"), "int64": (int, np.int64, "int64"),
           "float32": (float, np.float32, "float"), "float64": (float, np.float64, "double")}


def _convert(field, dtype, col, record):
    if dtype is _dt.string:
        return field
    parse, np_type, text = _NUMBER[dtype.name]
    s = field.decode("utf-8", "replace").strip()
    try:
        if parse is int:
            if not s.lstrip("+-").isdigit():
                raise ValueError
            v = int(s)
            info = np.iinfo(np_type)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(s)
    except ValueError:
        raise _CsvError("Field %d in record %d is not a valid %s: %s"
                        % (col, record, text, field.decode("utf-8", "replace"))) from None


@host_kernel("DecodeCSV")
def _decode_csv_host(ctx, op_, records, *defaults):
    attrs = op_._attrs
    records = _strings(records)
    types = attrs["OUT_TYPE"]
    delim = attrs["field_delim"]
    delim = delim.encode() if isinstance(delim, str) else delim
    na = attrs["na_value"]
    na = na.encode() if isinstance(na, str) else na
    select = set(attrs["select_cols"]) if attrs["select_cols"] else None
    cols = [[] for _ in types]
    try:
        for r, line in enumerate(records.reshape(-1)):
            fields = _fields(bytes(line), delim[:1], attrs["use_quote_delim"], select)
            if len(fields) != len(types):
                raise _CsvError("Expect %d fields but have %d in record %d"
                                % (len(types), len(fields), r))
            for c, (field, dtype, default) in enumerate(zip(fields, types, defaults)):
                if field == b"" or field == na:
                    default = np.asarray(default, dtype=object if dtype is _dt.string else None)
                    if default.size == 0:
                        raise _CsvError("Field %d is required but missing in record %d!" % (c, r))
                    cols[c].append(default.reshape(-1)[0])
                else:
                    cols[c].append(_convert(field, dtype, c, r))
    except _CsvError as e:
        raise _fail(op_, str(e)) from None
    out = []
    for values, dtype in zip(cols, types):
        a = np.empty(len(values), dtype=object) if dtype is _dt.string else \
            np.asarray(values, dtype=dtype.as_numpy_dtype)
        if dtype is _dt.string:
            a[:] = values
        out.append(a.reshape(records.shape))
    return out


# ---- SerializeTensor / ParseTensor ------------------------------------------------------------
_serialize_tensor = op("SerializeTensor", infer=lambda tensor, **a: spec((), _dt.string))(
    lambda tensor: host_only("SerializeTensor")())


def serialize_tensor(tensor, name=None):
    """A tensor as a serialized TensorProto (a scalar string).

    >>> import scopeflow as tf
    >>> tf.io.serialize_tensor(tf.constant([1, 2])).op.type
    'SerializeTensor'
    """
    return _serialize_tensor(tensor, name=name)


_parse_tensor = op("ParseTensor", infer=lambda serialized, *, out_type: spec(None, out_type),
                   types={"serialized": _dt.string})(
    lambda serialized, *, out_type: host_only("ParseTensor")())


def parse_tensor(serialized, out_type, name=None):
    """The tensor a serialized TensorProto holds (its dtype must be `out_type`).

    >>> import scopeflow as tf
    >>> tf.io.parse_tensor(tf.placeholder(tf.string, []), tf.float32).shape.ndims is None
    True
    """
    return _parse_tensor(serialized, name=name, out_type=_dt.as_dtype(out_type))


@host_kernel("SerializeTensor")
def _serialize_tensor_host(ctx, op_, value):
    dtype = op_._inputs[0].dtype.base_dtype
    a = np.asarray(value, dtype=object if dtype is _dt.string else dtype.as_numpy_dtype)
    tp = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum)
    tp.tensor_shape.SetInParent()
    for d in a.shape:
        tp.tensor_shape.dim.add(size=d)
    if dtype is _dt.string:  # TF's AsProtoTensorContent: strings one by one, else raw bytes
        tp.string_val.extend(bytes(b) if isinstance(b, bytes) else str(b).encode()
                             for b in a.reshape(-1))
    else:
        tp.tensor_content = np.ascontiguousarray(a).tobytes()
    return [tp.SerializeToString()]


@host_kernel("ParseTensor")
def _parse_tensor_host(ctx, op_, serialized):
    from scopeflow.checkpoint.attrs import tensor_value
    data = _strings(serialized).item()
    try:
        proto = tensor_pb2.TensorProto.FromString(data)
    except (DecodeError, RuntimeError):
        raise _fail(op_, "Could not parse `serialized` as TensorProto, base64: %s"
                    % base64.b64encode(data).decode()) from None
    want = op_._attrs["out_type"]
    got = _dt.as_dtype(proto.dtype)
    if got is not want:
        raise _fail(op_, "Type mismatch between parsed tensor (%s) and dtype (%s)"
                    % (_c_name(got), _c_name(want)))
    return [tensor_value(proto)]
