"""The input values a shape rule read, for TF's shape-error context.

TF's shape functions ask for the values of some inputs (an axis, a shape, a perm); where a
rule then fails, the error names the node and its input shapes, and then the values it was
given: "... with input shapes: [2,3], [2,4], [] and with computed input tensors: input[2] =
<0>." (or "with input tensors computed as partial shapes: input[1] = [4]" for a shape
argument). Here a rule reads values through array_base's `static_value` / `partial_shape`;
while an op's rule runs (`requesting`), those reads of the op's own inputs are noted.

>>> import numpy as np
>>> with requesting(["a", "b"]) as asked:
...     note_value("b", np.array([1, 1]))
>>> suffix(asked)
' and with computed input tensors: input[1] = <1 1>'
"""

import contextlib
import threading

import numpy as np

from scopeflow.core.shape import dims_str

_STATE = threading.local()  # .inputs: the op's inputs while its rule runs; .asked: {i: ...}
_MAX_VALUES = 256  # TF's SummarizeValue(256)


@contextlib.contextmanager
def requesting(inputs):
    """Notes the reads of `inputs` (flat) during the block; yields {index: (kind, value)}."""
    old = getattr(_STATE, "inputs", None), getattr(_STATE, "asked", None)
    asked = {}
    _STATE.inputs, _STATE.asked = inputs, asked
    try:
        yield asked
    finally:
        _STATE.inputs, _STATE.asked = old


def _index(t):
    inputs = getattr(_STATE, "inputs", None)
    if inputs is None:
        return None
    for i, x in enumerate(inputs):
        if x is t:
            return i
    return None


def note_value(t, value):
    """A rule read input `t`'s value (None: not computable)."""
    i = _index(t)
    if i is not None and value is not None and i not in _STATE.asked:
        _STATE.asked[i] = ("t", value)


def note_partial(t, dims):
    """A rule read input `t` as a shape (dims tuple with None, or None: unknown rank)."""
    i = _index(t)
    if i is not None and dims is not None:
        _STATE.asked[i] = ("p", dims)


def suffix(asked):
    """TF's text after the input shapes for the values `asked` (empty when none)."""
    values = ["input[%d] = <%s>" % (i, _summary(v)) for i, (k, v) in sorted(asked.items())
              if k == "t"]
    shapes = ["input[%d] = %s" % (i, dims_str(v)) for i, (k, v) in sorted(asked.items())
              if k == "p"]
    out = ""
    if values:
        out += " and with computed input tensors: " + ", ".join(values)
    if shapes:
        out += " and with input tensors computed as partial shapes: " + ",".join(shapes)
    return out


def _summary(value):
    """TF's Tensor::SummarizeValue: elements joined by spaces, inner dims in brackets."""
    a = np.asarray(value)
    flat = [_element(x) for x in a.reshape(-1)[:_MAX_VALUES].tolist()]
    more = "..." if a.size > _MAX_VALUES else ""
    if a.ndim <= 1 or a.size > _MAX_VALUES:
        return " ".join(flat) + more
    return _nested(flat, a.shape)


def _nested(flat, shape):
    if len(shape) == 1:
        return " ".join(flat)
    step = len(flat) // shape[0] if shape[0] else 0
    return "".join("[%s]" % _nested(flat[k * step:(k + 1) * step], shape[1:])
                   for k in range(shape[0]))


def _element(x):
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, float):
        return "%g" % x
    return str(x)
