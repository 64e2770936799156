"""Tensor values as TF's runtime prints them in messages (`Tensor::SummarizeValue`)."""

import numpy as np

__all__ = ["summarize_value", "summarize_value_v2"]


def summarize_value(value, max_entries=3):
    """A tensor value as TF's `Tensor::SummarizeValue` writes it in assertion messages.

    >>> summarize_value(np.array([[1.0, 2.5], [3.25, 4.0]], np.float32), 3)
    '[1 2.5][3.25...]...'
    """
    a = np.asarray(value)
    n = a.size
    limit = n if max_entries < 0 else min(max_entries, n)
    if a.dtype.kind == "c":
        return " ".join("?" for _ in range(limit)) + ("..." if max_entries < n else "")
    flat = a.reshape(-1)
    fmt = _formatter(a.dtype)
    if a.dtype.kind == "b" and limit == 0:  # TF's bool summary stops before the "..."
        return ""
    if a.ndim == 0:
        return fmt(flat[0]) if limit else "..."
    parts, index = [], [0]
    _one_dim(0, a.shape, limit, flat, fmt, index, parts)
    return "".join(parts) + ("..." if n > limit else "")


def summarize_value_v2(value, max_entries=3):
    """A tensor value as TF's `SummarizeValue(n, print_v2=true)` writes it for tf.print and
    tf.strings.format: the first and last `max_entries` of each dimension, numpy-like. Bytes
    of strings stand as the characters of the same codes (latin-1).

    >>> summarize_value_v2(np.arange(10), 2)
    '[0 1 ... 8 9]'
    """
    a = np.asarray(value)
    if a.dtype.kind == "c":
        limit = a.size if max_entries < 0 else min(max_entries, a.size)
        text = " ".join("?" for _ in range(limit)) + ("..." if max_entries < a.size else "")
        return "[%s]" % text if a.ndim else text
    fmt = _formatter(a.dtype, quoted=True)
    if a.ndim == 0:
        return fmt(a.reshape(-1)[0]) if a.size else ""
    ends = a.size if max_entries < 0 else min(max_entries, a.size)
    out = []
    _one_dim_v2(a, 0, ends, fmt, out)
    return "".join(out)


def _one_dim_v2(a, dim, ends, fmt, out):
    """TF's PrintOneDimV2 at dimension `dim` of the full value: `[first ends ... last ends]`,
    sub-arrays apart by TF's PrintDimSpacing (newlines, then indentation)."""
    if a.ndim == 0:
        out.append(fmt(a[()]))
        return
    space = " " if a.ndim == 1 else "\n" * (a.ndim - 1) + " " * (dim + 1)
    n = a.shape[0]
    out.append("[")
    for i in range(min(ends, n)):
        if i:
            out.append(space)
        _one_dim_v2(a[i, ...], dim + 1, ends, fmt, out)
    if n > 2 * ends:
        out.append(space + "...")
    for i in range(max(ends, n - ends), n):
        out.append(space)
        _one_dim_v2(a[i, ...], dim + 1, ends, fmt, out)
    out.append("]")


def _one_dim(dim, shape, limit, flat, fmt, index, out):
    """TF's PrintOneDim: nested brackets, '...' where the element budget runs out."""
    if index[0] >= limit:
        return
    if dim == len(shape) - 1:
        for i in range(shape[dim]):
            if index[0] >= limit:
                if dim != 0:
                    out.append("...")
                return
            if i > 0:
                out.append(" ")
            out.append(fmt(flat[index[0]]))
            index[0] += 1
        return
    for _ in range(shape[dim]):
        opened = index[0] < limit
        if opened:
            out.append("[")
        _one_dim(dim + 1, shape, limit, flat, fmt, index, out)
        if index[0] < limit or opened:
            out.append("]")


def _formatter(dtype, quoted=False):
    if dtype.kind == "f" or dtype.name == "bfloat16":
        if dtype == np.float64:
            return lambda v: _shortest(_daz(v, dtype), 15, 17, float)
        return lambda v: _shortest(_daz(v, dtype), 6, 9, lambda s: float(np.float32(s)))
    if dtype.kind == "b":
        return lambda v: "1" if v else "0"
    if dtype.kind in "OSU":
        return _utf8_quoted if quoted else _c_escape
    return lambda v: str(int(v))


def _daz(v, dtype):
    """The element as TF's kernels read it: their threads run with denormals-are-zero, so a
    subnormal float32 or float64 prints as 0 (float16 and bfloat16 widen by integer shifts)."""
    v = float(v)
    if dtype in (np.float32, np.float64) and 0 < abs(v) < np.finfo(dtype).tiny:
        return 0.0
    return v


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def _c_escape(v):
    """absl::CEscape, as TF prints string elements."""
    data = v if isinstance(v, bytes) else str(v).encode()
    return "".join(_ESCAPES.get(b) or (chr(b) if 0x20 <= b < 0x7F else "\\%03o" % b)
                   for b in data)


def _utf8_quoted(v):
    """absl::Utf8SafeCEscape in quotes, as tf.print writes string elements: bytes from 0x80 up
    kept (as the latin-1 characters of their codes)."""
    data = v if isinstance(v, bytes) else str(v).encode()
    return '"%s"' % "".join(_ESCAPES.get(b) or (chr(b) if 0x20 <= b != 0x7F else "\\%03o" % b)
                            for b in data)


def _shortest(v, digits, more, parse):
    """TF's FloatToBuffer / DoubleToBuffer: %g with few digits unless that loses the value."""
    s = "%.*g" % (digits, v)
    if not np.isnan(v) and parse(s) != v:
        s = "%.*g" % (more, v)
    return s
