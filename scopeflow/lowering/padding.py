"""A smaller batch run by the program compiled for a larger one, where that is exact and cheaper.

An evaluation loop over 1050 examples in batches of 100 ends with a batch of 50; its run has
new feed shapes, and compiling them costs as much as the first batch's compile. Where the
run's fetches are computed row by row (lowering/rows.py) and a program of the same signature
is compiled for `B > b` rows, the Session pads the fed batch to `B` rows with copies of its
last row (so a value check that fails on a padded row fails on a real row first, with TF's
message), runs that program and keeps the first `b` rows of each batched fetch. A program
that splits the batch into `k` towers (`tf.split(x, k)`, rows.py) has each tower's part padded
on its own: the fed rows, as `k` segments of `b / k`, each padded to `B / k` with copies of its
last row, so tower `i` gets its own rows first and the padded program's tower `i` computes them
as the exact one's does, and each fetched segment keeps its first `b / k` rows (a `b` that `k`
does not divide is compiled, and fails as in TF). Under `exact` its values are the unpadded
run's bit for bit, as for one device: every op on a row's way computes it alike at any size.
Where the program has value checks it is not padded (a failing row's position would be
another's), nor where `k` does not divide `b`.

Which programs: `SCOPEFLOW_PAD_BATCHES` = `exact` (the default) pads only runs whose batched
ops all compute a row with the same bits whatever the batch size (rows.EXACT); `rows` also
pads runs through matmuls, convolutions and other float sums, whose rows XLA:CPU may round
differently at another batch size (a [b, 144] x [144, 512] matmul: every b <= 50 differs from
the same rows of b = 51..128 in the last bits, [b, 784] x [784, 1024] for b <= 16, most shapes
for b = 1, as Eigen picks its blocking and threads by size; TF's Eigen kernels do the same);
`0` never pads. A run that writes a variable is never padded.

When: padding costs a run of `B` rows for `b`; compiling costs once. The Session pays the
padding (the padded run's time times (B - b) / B) until it adds up to what compiling the
`B`-row program took, then compiles `b` rows as before (the rent-or-buy rule: never more than
twice the cheaper choice). A program read back from the disk cache cost little to "compile",
so there the exact program is read back after one padded run.

>>> import numpy as np, scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 2])
>>> y = x * 2.0 + 1.0
>>> with tf.Session() as s:
...     _ = s.run(y, {x: np.ones([4, 2])})
...     print(s.run(y, {x: np.ones([3, 2])}).shape)  # the 4-row program, 3 rows kept
(3, 2)
"""

import os
import time

import numpy as np

from scopeflow.lowering import cache, rows

_MODES = ("exact", "rows", "0")


def _env_mode():
    text = os.environ.get("SCOPEFLOW_PAD_BATCHES", "").strip().lower() or "exact"
    text = {"off": "0", "false": "0", "1": "exact"}.get(text, text)
    if text not in _MODES:
        raise ValueError("SCOPEFLOW_PAD_BATCHES must be one of exact, rows, 0; got %r" % text)
    return text


_mode = [_env_mode()]


def mode():
    """Which runs of a smaller batch are padded: 'exact', 'rows' or '0' (none)."""
    return _mode[0]


def set_mode(m):
    """Sets `mode()` for the process (as SCOPEFLOW_PAD_BATCHES does at start-up); the old."""
    if m not in _MODES:
        raise ValueError("the padding mode is one of %s, got %r" % (", ".join(_MODES), m))
    old, _mode[0] = _mode[0], m
    return old


class _Batches:
    """Per Program: its rows, the batch sizes compiled per signature with what each compile
    took, and what padding each smaller batch has cost so far."""

    __slots__ = ("compiled", "rent", "rows")

    def __init__(self, prog):
        self.rows = rows.analyse(prog)
        self.compiled = {}  # pattern -> {B: seconds its compile took}
        self.rent = {}  # (pattern, b) -> seconds padding cost; inf: compiled for b now


def _batches(prog):
    b = prog.__dict__.get("_batches")
    if b is None:
        b = prog._batches = _Batches(prog)
    return b


def _pattern(prog, rs, feeds, sig):
    """(rows, the signature without the batch size) of `feeds`, or None: not one batch size."""
    n = None
    for i in rs.feeds:
        a = feeds[i]
        if type(a) is not np.ndarray or a.ndim == 0 or (n is not None and a.shape[0] != n):
            return None
        n = a.shape[0]
    batched = set(rs.feeds)
    key = tuple((feeds[i].shape[1:] if i in batched else feeds[i].shape, feeds[i].dtype)
                for i in prog.feed_pos)
    return n, (key, sig)


def pads(prog):
    """Whether a smaller batch of `prog` may run padded (then nothing is compiled ahead)."""
    m = _mode[0]
    if m == "0":
        return False
    rs = _batches(prog).rows
    return rs is not None and (m == "rows" or rs.exact)


class Padded:
    """How a smaller batch runs in a larger one's program: `b` rows in `big`, as `k`
    segments; the padded feeds; the Rows (fetch axes and segments); the signature's pattern."""

    __slots__ = ("b", "big", "k", "feeds", "rows", "pattern")

    def __init__(self, b, big, k, feeds, rows, pattern):
        self.b, self.big, self.k, self.feeds = b, big, k, feeds
        self.rows, self.pattern = rows, pattern


def plan(prog, feeds, sig, has=None):
    """How to run `feeds` when their exact signature is not compiled: a `Padded` to pad,
    else None (compile). `sig`: the state signature of the cache key; `has(padded feeds)`:
    whether the larger program is compiled (default: `prog`'s cache entry)."""
    if _mode[0] == "0":
        return None
    bs = _batches(prog)
    rs = bs.rows
    if rs is None or (_mode[0] == "exact" and not rs.exact):
        return None
    found = _pattern(prog, rs, feeds, sig)
    if found is None or not found[0]:
        return None
    b, pattern = found
    sizes = bs.compiled.get(pattern)
    bigger = [n for n in sizes if n > b] if sizes else ()
    if not bigger:
        return None
    k = rs.k
    bigger = [n for n in bigger if n % k == 0] if b % k == 0 else ()
    if not bigger:
        return None
    big = min(bigger)
    if bs.rent.get((pattern, b), 0.0) >= sizes[big]:
        return None
    padded = list(feeds)
    for i in rs.feeds:  # copies of each segment's last row: checks on them repeat a real row's
        a = feeds[i]
        parts = a.reshape((k, b // k) + a.shape[1:])
        more = np.repeat(parts[:, -1:], (big - b) // k, axis=1)
        padded[i] = np.concatenate([parts, more], axis=1).reshape((big,) + a.shape[1:])
    if not (cache.has(prog, padded, sig) if has is None else has(padded)):  # evicted
        return None
    return Padded(b, big, k, padded, rs, pattern)


def compiled(prog, feeds, sig, seconds):
    """Notes that `feeds`' signature of `prog` was compiled (or read back) in `seconds`."""
    bs = _batches(prog)
    if bs.rows is None:
        return
    found = _pattern(prog, bs.rows, feeds, sig)
    if found is not None:
        b, pattern = found
        bs.compiled.setdefault(pattern, {})[b] = seconds


def never(prog):
    """`prog` writes variables: its runs are never padded."""
    _batches(prog).rows = None


def checked(prog):
    """`prog` checks values: where it splits the batch into towers it is never padded (a
    failing row's position in the padded batch would be another's)."""
    rs = _batches(prog).rows
    if rs is not None and rs.k > 1:
        _batches(prog).rows = None


def charge(prog, how, seconds):
    """Adds what the padded run `how` (from `plan`) spent on padding rows to its rent."""
    b, big, pattern = how.b, how.big, how.pattern
    rent = _batches(prog).rent
    rent[pattern, b] = rent.get((pattern, b), 0.0) + seconds * (big - b) / big


def cut(values, how):
    """The rows of each batched fetched value that the unpadded run gives: of each of its
    segments (a tower's part, or the batch's k-th), the first b / k rows."""
    out = list(values)
    m, real = how.big // how.k, how.b // how.k
    for j, (a, s) in enumerate(zip(how.rows.axes, how.rows.segments)):
        if a is None:
            continue
        v = np.asarray(out[j])
        if s == 1:
            out[j] = np.ascontiguousarray(v[(slice(None),) * a + (slice(0, real),)])
            continue
        parts = v.reshape(v.shape[:a] + (s, m) + v.shape[a + 1:])
        kept = parts[(slice(None),) * (a + 1) + (slice(0, real),)]
        out[j] = np.ascontiguousarray(kept).reshape(v.shape[:a] + (s * real,) + v.shape[a + 1:])
    return out


def timer():
    return time.perf_counter()
