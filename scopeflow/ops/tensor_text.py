"""Tensor values as TF's runtime prints them in messages (`Tensor::SummarizeValue`)."""

import numpy as np

__all__ = ["summarize_value"]


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


def _formatter(dtype):
    if dtype.kind == "f" or dtype.name == "bfloat16":
        if dtype == np.float64:
            return lambda v: _shortest(float(v), 15, 17, float)
        return lambda v: _shortest(float(v), 6, 9, lambda s: float(np.float32(s)))
    if dtype.kind == "b":
        return lambda v: "1" if v else "0"
    if dtype.kind in "OSU":
        return _c_escape
    return lambda v: str(int(v))


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def _c_escape(v):
    """absl::CEscape, as TF prints string elements."""
    data = v if isinstance(v, bytes) else str(v).encode()
    return "".join(_ESCAPES.get(b) or (chr(b) if 0x20 <= b < 0x7F else "\\%03o" % b)
                   for b in data)


def _shortest(v, digits, more, parse):
    """TF's FloatToBuffer / DoubleToBuffer: %g with few digits unless that loses the value."""
    s = "%.*g" % (digits, v)
    if not np.isnan(v) and parse(s) != v:
        s = "%.*g" % (more, v)
    return s
