"""String ops: as_string, strings.join / string_join, strings.length.

Strings are not XLA values: these kernels work on NumPy object arrays of bytes, which the
lowering keeps on the host (string constants never enter XLA). Their inputs must be known
when the run is traced (constants, or values computed from constants).
"""

import builtins

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import ShapeError, dims_of, dims_text, merge_dims
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.value_checks import check


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


def _format_error(kind, dtype_name, precision, scientific, shortest, fill):
    """TF's AsString attribute checks, in its order ('' when the attributes are fine)."""
    if builtins.len(fill) > 1:
        return "Fill string must be one or fewer characters"
    if kind == "O":
        return ""
    if kind in "iub" and (scientific or shortest):
        return "scientific and shortest format not supported for datatype %s" % dtype_name
    if kind in "iub" and precision > -1:
        return "precision not supported for datatype %s" % dtype_name
    if scientific and shortest:
        return "Cannot select both scientific and shortest notation"
    if fill and fill not in " +-0#":
        return 'Fill argument not supported: "%s"' % fill
    return ""


@op("AsString", infer=_as_string_shape, types={"input": ANY}, context=True)
def _as_string(ctx, input, *, precision=-1, scientific=False, shortest=False,  # noqa: A002
               width=-1, fill=""):
    a = _host(input, "AsString")
    fill = fill.decode() if isinstance(fill, bytes) else fill
    name = _dt.as_dtype(a.dtype).name if a.dtype != object else "string"
    message = _format_error(a.dtype.kind, name, precision, scientific, shortest, fill)
    if message:
        check(ctx, False, message)
        return _bytes_array([b""] * a.size, a.shape)
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


@op("StringJoin", infer=_join_shape, lists=("inputs",), types={"inputs": _dt.string},
    context=True)
def _string_join(ctx, inputs, *, separator=""):
    arrays = [_host(x, "StringJoin") for x in inputs]
    shapes = [a.shape for a in arrays if a.shape]  # scalars repeat, the rest must agree
    for other in shapes[1:]:
        if other != shapes[0]:
            check(ctx, False, "Input shapes do not match: %s vs. %s"
                  % (dims_text(shapes[0]), dims_text(other)))
            return _bytes_array([b""] * int(np.prod(shapes[0])), shapes[0])
    shape = shapes[0] if shapes else ()
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
def _substr_shape(input, pos, len, **attrs):  # noqa: A002
    p, n = dims_of(pos), dims_of(len)
    if p is not None and n is not None and builtins.len(p) != builtins.len(n):
        raise ShapeError("Shape must be rank %d but is rank %d" % (builtins.len(n),
                                                                   builtins.len(p)))
    if p is not None and n is not None and p != n:  # TF compares the dims, unknown ones too
        raise ShapeError("pos and len shapes must match: %s vs. %s" % (dims_text(p),
                                                                     dims_text(n)))
    return input.shape, _dt.string


@op("Substr", infer=_substr_shape, types={"input": _dt.string}, context=True)
def _substr(ctx, input, pos, len, *, unit="BYTE"):  # noqa: A002
    a = _host(input, "Substr")
    p, n = _host(pos, "Substr"), _host(len, "Substr")
    same = p.shape == a.shape or not p.shape
    shape = np.broadcast_shapes(a.shape, p.shape, n.shape)
    a, p, n = (np.broadcast_to(x, shape).reshape(-1) for x in (a, p, n))
    out = []
    for i, (s, start, k) in enumerate(zip(a, p, n)):
        b = _as_bytes(s)
        text = b.decode("utf-8", "replace") if unit == "UTF8_CHAR" else b
        size = builtins.len(text)
        if not -size <= start <= size:  # TF: pos in [-size, size], negative from the end
            where = str(i) if same else "(%s)" % ", ".join(
                str(int(j)) for j in np.unravel_index(i, shape))
            shown = "" if unit == "UTF8_CHAR" else "b'%s' " % _shown(b)
            check(ctx, False, "pos %d out of range for string %sat index %s"
                  % (start, shown, where))
            return _bytes_array([b""] * a.size, shape)
        start = start + size if start < 0 else start
        if k < 0:  # a negative length: to the end for bytes, nothing for characters
            k = 0 if unit == "UTF8_CHAR" else size
        piece = text[start:start + k]
        out.append(piece.encode() if unit == "UTF8_CHAR" else piece)
    return _bytes_array(out, shape)


def _shown(b):
    """A string's bytes as TF's message prints them (UTF-8 text, else one char a byte)."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


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
