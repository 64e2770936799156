"""String ops: as_string, strings.join / string_join, strings.length.

Strings are not XLA values: these kernels work on NumPy object arrays of bytes, which the
lowering keeps on the host (string constants never enter XLA). Their inputs must be known
when the run is traced (constants, or values computed from constants).
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import ShapeError, dims_of, merge_dims
from scopeflow.ops.registry import ANY, op, spec


def _host(x, op_type):
    try:
        return np.asarray(x)
    except Exception:  # noqa: BLE001 - a traced value has no host copy
        raise NotImplementedError("%s makes strings, which a compiled (XLA) program cannot hold; "
                                  "its input must be known when the run is traced." % op_type) \
            from None


def _bytes_array(values, shape):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


# ---- AsString -------------------------------------------------------------------------------
def _as_string_shape(input, **attrs):  # noqa: A002
    return input.shape, _dt.string


def _format(precision, scientific, shortest, width, fill, kind):
    """TF's printf format for AsString ('%.2f', '%03d', '%e', ...)."""
    if kind == "b":
        return None
    head = "%" + (fill or "") + (str(width) if width > -1 else "")
    if kind in "iu":
        return head + "d"
    prec = "." + str(precision) if precision > -1 else ""
    return head + prec + ("g" if shortest else "e" if scientific else "f")


@op("AsString", infer=_as_string_shape, types={"input": ANY})
def _as_string(input, *, precision=-1, scientific=False, shortest=False, width=-1,  # noqa: A002
               fill=""):
    a = _host(input, "AsString")
    if a.dtype == object:  # strings pass through
        return a
    fmt = _format(precision, scientific, shortest, width, fill, a.dtype.kind)
    if fmt is None:
        items = [b"true" if v else b"false" for v in a.reshape(-1)]
    elif a.dtype.kind == "c":
        items = [("(" + fmt + "," + fmt + ")") % (v.real, v.imag) for v in a.reshape(-1)]
    else:
        items = [(fmt % v).encode() for v in a.reshape(-1)]
    return _bytes_array([i if isinstance(i, bytes) else i.encode() for i in items], a.shape)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa: A002
              name=None):
    """`tf.as_string`: each element formatted as text (floats as '%f' unless told otherwise).

    >>> import scopeflow as tf
    >>> tf.as_string(tf.constant([1.5])).op.type
    'AsString'
    """
    return _as_string(input, name=name or "AsString", precision=precision,
                      scientific=scientific, shortest=shortest, width=width, fill=fill)


# ---- StringJoin -----------------------------------------------------------------------------
def _join_shape(inputs, *, separator=""):
    out = ()
    for t in inputs:
        d = dims_of(t)
        if d is None:
            return spec(None, _dt.string)
        if not d:
            continue
        if out and len(out) != len(d):
            raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(out), len(d)))
        out = merge_dims(out, d, "") if out else d
    return spec(out, _dt.string)


@op("StringJoin", infer=_join_shape, lists=("inputs",), types={"inputs": _dt.string})
def _string_join(inputs, *, separator=""):
    arrays = [_host(x, "StringJoin") for x in inputs]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    sep = separator.encode() if isinstance(separator, str) else separator
    joined = [sep.join(_as_bytes(v) for v in parts) for parts in zip(*flat)] if flat else []
    return _bytes_array(joined, shape)


def _as_bytes(v):
    return v if isinstance(v, bytes) else str(v).encode()


def string_join(inputs, separator="", name=None):
    """`tf.strings.join` / `tf.string_join`: elementwise concatenation with `separator`."""
    return _string_join(list(inputs), name=name or "StringJoin", separator=separator)


join = string_join


# ---- StringLength ---------------------------------------------------------------------------
@op("StringLength", infer=lambda input, **attrs: (input.shape, _dt.int32),
    types={"input": _dt.string})
def _string_length(input, *, unit="BYTE"):  # noqa: A002
    a = _host(input, "StringLength")
    count = (lambda b: len(_as_bytes(b).decode("utf-8", "replace"))) if unit == "UTF8_CHAR" \
        else (lambda b: len(_as_bytes(b)))
    return np.asarray([count(v) for v in a.reshape(-1)], dtype=np.int32).reshape(a.shape)


def length(input, name=None, unit="BYTE"):  # noqa: A002
    """`tf.strings.length`: bytes (or UTF-8 characters) in each string."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError("Attr 'unit' of 'StringLength' Op passed string '%s' not in: \"BYTE\", "
                         "\"UTF8_CHAR\"." % unit)
    return _string_length(input, name=name or "StringLength", unit=unit)


# ---- Substr ---------------------------------------------------------------------------------
@op("Substr", infer=lambda input, pos, len, **attrs: (input.shape, _dt.string),  # noqa: A006
    types={"input": _dt.string})
def _substr(input, pos, len, *, unit="BYTE"):  # noqa: A002
    a = _host(input, "Substr")
    p, n = np.broadcast_to(_host(pos, "Substr"), a.shape), np.broadcast_to(_host(len, "Substr"),
                                                                          a.shape)
    out = []
    for s, i, k in zip(a.reshape(-1), p.reshape(-1), n.reshape(-1)):
        b = _as_bytes(s)
        if unit == "UTF8_CHAR":
            out.append(b.decode("utf-8", "replace")[i:i + k].encode())
        else:
            out.append(b[i:i + k])
    return _bytes_array(out, a.shape)


def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002
    """`tf.strings.substr` / `tf.substr`: `len` bytes (or UTF-8 characters) from `pos` of each
    string (positions in range; scalar or same-shaped pos and len)."""
    return _substr(input, pos, len, name=name or "Substr", unit=unit)


# ---- StringToHashBucketFast -----------------------------------------------------------------
@op("StringToHashBucketFast", infer=lambda input, **attrs: (input.shape, _dt.int64),
    types={"input": _dt.string})
def _to_hash_bucket_fast(input, *, num_buckets):  # noqa: A002
    from scopeflow.ops.fingerprint import fingerprint64
    a = _host(input, "StringToHashBucketFast")
    return np.asarray([fingerprint64(_as_bytes(v)) % num_buckets for v in a.reshape(-1)],
                      dtype=np.int64).reshape(a.shape)


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """`tf.strings.to_hash_bucket_fast`: FarmHash Fingerprint64 of each string mod
    `num_buckets` (int64), TF's bucket of a string."""
    if num_buckets < 1:
        raise ValueError("Attr 'num_buckets' of 'StringToHashBucketFast' Op passed %d less "
                         "than minimum 1." % num_buckets)
    return _to_hash_bucket_fast(input, name=name or "StringToHashBucketFast",
                                num_buckets=int(num_buckets))
