"""Run-time checks on values that TF's CPU kernels make (index ranges, bounds, arguments).

Each check is one boolean flag in the compiled run (one reduction: the first offending position,
by argmax, and whether it offends) plus a small int64 vector of data for the message; the Session
raises TF's error after the run (lowering/context.py `RunContext.check`). On host values (NumPy,
constant-folded) a failing check raises at once. With `ctx` None (graph-time constant folding)
a failing check raises ValueError, so the value is simply not folded.

    >>> index_text((1, 0), (2, 2))
    '[1,0]'
"""

import numpy as np

from scopeflow.errors import InvalidArgumentError
from scopeflow.ops.array_base import xp


def check(ctx, ok, message, data=(), exc=InvalidArgumentError):
    """`ctx.check(ok, exc, message, data)`; without a run context a failure is a ValueError."""
    if ctx is not None:
        ctx.check(ok, exc, message, data=data)
        return
    if not bool(np.all(np.asarray(ok))):
        raise ValueError("value check failed")


def failed(ctx, message):
    """Whether a kernel's host-side check failed: `message` ('' when none) is then recorded
    for the run to raise, and the kernel returns a stand-in value of its output's shape."""
    if message:
        check(ctx, False, message)
    return bool(message)


def index_text(pos, shape):
    """TF's position of an element: '' for a scalar, '[i]' or '[i,j]' otherwise."""
    if not shape:
        return ""
    return "[%s]" % ",".join(str(int(i)) for i in np.unravel_index(int(pos), shape))


def first_bad(bad):
    """(ok, position) of the first true entry of `bad` (flattened): one argmax."""
    m = xp(bad)
    flat = bad.reshape(-1)
    first = m.argmax(flat)
    return m.logical_not(flat[first]), first


def check_elements(ctx, values, bad, message):
    """Checks no element of `values` is `bad`; `message(position, value)` words the first.

    `position` is TF's index text ('[1,0]', '' for a scalar), `value` the offending element.
    """
    shape = tuple(np.shape(values))
    if int(np.prod(shape)) == 0:
        return
    m = xp(values, bad)
    ok, first = first_bad(bad)
    flat = m.reshape(values, (-1,))
    data = m.stack([m.asarray(first).astype(np.int64), flat[first].astype(np.int64)])
    check(ctx, ok, lambda d: message(index_text(d[0], shape), int(d[1])), [data])


def check_indices(ctx, indices, limit, what="indices"):
    """TF's gather / scatter check: every index in [0, limit).

    >>> check_indices(None, np.array([0, 2]), 3)
    """
    m = xp(indices)
    bad = m.logical_or(indices < 0, indices >= limit)
    check_elements(ctx, indices, bad, lambda pos, v: "%s%s = %d is not in [0, %d)"
                   % (what, pos, v, limit))


def check_index_tuples(ctx, indices, shape, message):
    """gather_nd / scatter_nd: each index tuple (last axis of `indices`) lies inside `shape`.

    `message(position, tuple_text)` words the first bad tuple ('[1, 2]').
    """
    ishape = tuple(np.shape(indices))
    k = ishape[-1] if ishape else 0
    outer = ishape[:-1]
    if k == 0 or int(np.prod(outer)) == 0:
        return
    m = xp(indices)
    limits = m.asarray(np.asarray(shape[:k], np.int64))
    bad = m.any(m.logical_or(indices < 0, indices >= limits), axis=-1)
    ok, first = first_bad(bad)
    rows = m.reshape(indices, (-1, k)).astype(np.int64)
    data = m.concatenate([m.asarray(first).astype(np.int64)[None], rows[first]])

    def text(d):
        return message(index_text(d[0], outer), "[%s]" % ", ".join(str(int(v)) for v in d[1:]))

    check(ctx, ok, text, [data])

