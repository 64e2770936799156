"""Values a run finishes on the host: what XLA cannot hold, such as serialized Summary protos.

A kernel returns `host_value(fn, *args)`: when every argument is known at trace time, `fn`
runs at once (its result is then a constant of the program); otherwise the traced arguments
become outputs of the compiled program and `fn` runs on their values after each run. An
argument may itself be a host value (MergeSummary over ScalarSummary outputs).

>>> import numpy as np
>>> host_value(lambda a: a * 2, np.asarray(3))
6
"""

import jax
import numpy as np


class HostValue:
    """`fn(*args)`, computed after the run (see the module docstring)."""

    __slots__ = ("fn", "args")

    def __init__(self, fn, args):
        self.fn = fn
        self.args = tuple(args)


def host_value(fn, *args):
    """`fn(*args)` now when every argument is known, else a HostValue for after the run."""
    if any(isinstance(a, (HostValue, jax.core.Tracer)) for a in args):
        return HostValue(fn, args)
    return fn(*[np.asarray(a) for a in args])


def host_kind(v, dyn):
    """The fetch kind of host value `v`: ("host", fn, kinds of its arguments); traced
    arguments are appended to `dyn` (the program's outputs)."""
    parts = []
    for a in v.args:
        if isinstance(a, HostValue):
            parts.append(host_kind(a, dyn))
        elif isinstance(a, jax.core.Tracer):
            parts.append(("dyn", len(dyn), a.ndim))
            dyn.append(a)
        else:
            parts.append(("static", np.asarray(a)))
    return ("host", v.fn, tuple(parts))


def remap(kind, where):
    """`kind` with its "dyn" outputs renumbered by `where` (after packing)."""
    if kind[0] == "dyn":
        return where[kind[1]]
    if kind[0] == "host":
        return ("host", kind[1], tuple(remap(k, where) for k in kind[2]))
    return kind


def packed_outputs(kinds):
    """Indices of the packed outputs that `kinds` read, host arguments included."""
    out = set()
    for k in kinds:
        if k[0] == "packed":
            out.add(k[1])
        elif k[0] == "host":
            out |= packed_outputs(k[2])
    return out
