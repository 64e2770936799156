"""TF's seeded random fills computed by three small compiled kernels shared by every graph.

An initialization run (`global_variables_initializer()`) fills variables with uniform,
normal and truncated normal samples of TF's Philox streams (philox.py, philox_dists.py).
Compiling that run as one program costs seconds per net (a transform per variable); here a
kernel computes `UNITS` generator calls of up to `SEGMENTS` streams at a time, the streams
and call numbers passed as arguments, so one compiled program per kernel serves every
variable of every graph (kept in memory, and on disk across processes). The kernels return
raw words or Box-Muller values; the rest of each transform (bits to floats, integer ranges,
the truncated normal's acceptance) is exact integer or comparison work done here in NumPy.

A `Segment` is one op's generator over some calls: unit u of it is call
`base + (u // group) * stride + u % group` of the stream (seed, seed2) skipped `offset` calls
ahead, as `Stream.words` computes it (the carry into the counter's high words included).

>>> import numpy as np
>>> from scopeflow.ops.philox import Stream
>>> from scopeflow.ops.philox_dists import uniform
>>> from scopeflow.lowering.lower import x64
>>> with x64():
...     host = sample([Request("uniform", np.float32, 2, 87654321, 5, 0)])[0]
...     compiled = np.asarray(uniform(Stream(87654321, 5), 2, np.float32))
>>> host.tolist() == compiled.tolist()
True
"""

import dataclasses
import sys
import threading

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.philox import GroupStream
from scopeflow.ops.philox_dists import _call_normals, _columns

UNITS = 1 << 16  # generator calls per kernel call (1 MiB of words)
SEGMENTS = 64  # streams per kernel call
_M64 = (1 << 64) - 1


@dataclasses.dataclass(frozen=True)
class Segment:
    """Calls of one generator: unit u is call base + (u // group) * stride + u % group."""

    seed: int
    seed2: int
    offset: int  # calls skipped before this run (uint64)
    units: int
    group: int = 1
    stride: int = 1
    base: int = 0


# kernel -> (values per call, dtype, transform of the four word arrays)
_KERNELS = {
    "words": (4, np.uint32, lambda w: list(w)),
    "normal32": (4, np.float32, lambda w: _call_normals(w, False)),
    "normal64": (2, np.float64, lambda w: _call_normals(w, True)),
}
_compiled = {}
_lock = threading.Lock()


def _program(kernel):
    transform = _KERNELS[kernel][2]

    def fn(seg, keys, counts):
        # seg (UNITS,) int32: the segment of each unit; keys (SEGMENTS, 4) uint32: key and
        # counter high words; counts (SEGMENTS, 5) uint64: offset, base, group, stride and
        # the segment's unit at this call's unit 0 (two's complement)
        k, c = keys[seg], counts[seg]
        local = jnp.arange(UNITS, dtype=jnp.uint64) + c[:, 4]
        calls = c[:, 1] + (local // c[:, 2]) * c[:, 3] + local % c[:, 2]
        stream = GroupStream(k[:, 0], k[:, 1], k[:, 2], k[:, 3], c[:, 0])
        return _columns(transform(stream.words(calls)))

    return fn


def _kernel(kernel):
    """The compiled `kernel` for the default device (compiled once per process)."""
    from scopeflow.lowering import disk_cache
    from scopeflow.lowering.lower import x64
    with _lock:
        key = (kernel, jax.local_devices()[0])
        hit = _compiled.get(key)
        if hit is None:
            def lower():
                return jax.jit(_program(kernel)).lower(
                    jax.ShapeDtypeStruct((UNITS,), np.int32),
                    jax.ShapeDtypeStruct((SEGMENTS, 4), np.uint32),
                    jax.ShapeDtypeStruct((SEGMENTS, 5), np.uint64))

            with x64():  # on disk under its name and its code's digest: no tracing on a hit
                hit = disk_cache.compile_named("philox_fill %s %d %d %s" % (
                    kernel, UNITS, SEGMENTS, _code_digest()), lower, "scopeflow's %s kernel"
                    % kernel)
            _compiled[key] = hit
        return hit


def _code_digest():
    """A digest of the modules the kernels are made of."""
    import hashlib
    import inspect

    from scopeflow.ops import libm32, philox, philox_dists
    h = hashlib.sha256()
    for module in (sys.modules[__name__], philox, philox_dists, libm32):
        h.update(inspect.getsource(module).encode())
    return h.hexdigest()[:16]


def draw(kernel, segments):
    """The outputs of `kernel` for each Segment: (units, values per call) arrays."""
    from scopeflow.lowering.lower import x64
    width, dtype, _ = _KERNELS[kernel]
    outs = [np.empty((s.units, width), dtype) for s in segments]
    todo = [(i, 0) for i, s in enumerate(segments) if s.units]
    if not todo:
        return outs
    call = _kernel(kernel)
    pending = []
    with x64():
        while todo:
            parts, used = [], 0  # (segment, its first unit, count, position in the call)
            while todo and used < UNITS and len(parts) < SEGMENTS:
                i, first = todo.pop(0)
                count = min(segments[i].units - first, UNITS - used)
                parts.append((i, first, count, used))
                used += count
                if first + count < segments[i].units:
                    todo.insert(0, (i, first + count))
            pending.append((call(*_arguments(segments, parts)), parts))
        for result, parts in pending:  # dispatched first: the calls run while we copy
            host = np.asarray(result)
            for i, first, count, pos in parts:
                outs[i][first:first + count] = host[pos:pos + count]
    return outs


def _arguments(segments, parts):
    seg = np.zeros(UNITS, np.int32)
    keys = np.zeros((SEGMENTS, 4), np.uint32)
    counts = np.zeros((SEGMENTS, 5), np.uint64)
    counts[:, 2:4] = 1  # padding: group and stride 1
    for j, (i, first, count, pos) in enumerate(parts):
        s = segments[i]
        seg[pos:pos + count] = j
        seed, seed2 = s.seed & _M64, s.seed2 & _M64
        keys[j] = (seed & 0xFFFFFFFF, seed >> 32, seed2 & 0xFFFFFFFF, seed2 >> 32)
        counts[j] = (s.offset & _M64, s.base, s.group, s.stride, (first - pos) & _M64)
    return seg, keys, counts


# ---- TF's distributions over the kernels ---------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Request:
    """`n` samples of `kind` (uniform, int, normal, truncated) in `dtype` from the generator
    (seed, seed2) skipped `offset` calls ahead; `lo`, `hi`: an int range."""

    kind: str
    dtype: object
    n: int
    seed: int
    seed2: int
    offset: int
    lo: int = 0
    hi: int = 0


def _per_call(r):
    """Samples per generator call: 2 for 64-bit dtypes, else 4."""
    return 2 if np.dtype(r.dtype).itemsize == 8 else 4


def _truncation(r):
    """(samples per group, calls reserved per group, calls drawn up front) of a truncated
    normal (philox_dists.truncated_normal_many)."""
    return (2, 128, 3) if np.dtype(r.dtype) == np.float64 else (4, 256, 2)


def _normal_kernel(r):
    return "normal64" if np.dtype(r.dtype) == np.float64 else "normal32"


def sample(requests):
    """One flat NumPy array per Request, TF's values; each kernel is called once for all."""
    plans = []  # (request, kernel, segment index)
    by_kernel = {"words": [], "normal32": [], "normal64": []}
    for r in requests:
        if r.kind == "truncated":
            per, skip, calls = _truncation(r)
            groups = -(-r.n // per)
            seg = Segment(r.seed, r.seed2, r.offset, groups * calls, calls, skip)
            kernel = _normal_kernel(r)
        else:
            seg = Segment(r.seed, r.seed2, r.offset, -(-r.n // _per_call(r)))
            kernel = "words" if r.kind in ("uniform", "int") else _normal_kernel(r)
        plans.append((r, kernel, len(by_kernel[kernel])))
        by_kernel[kernel].append(seg)
    drawn = {k: draw(k, segs) for k, segs in by_kernel.items()}
    out = [None] * len(requests)
    trunc = []
    for j, (r, kernel, i) in enumerate(plans):
        values = drawn[kernel][i]
        if r.kind == "uniform":
            out[j] = _uniform(values, r.dtype)
        elif r.kind == "int":
            out[j] = _uniform_int(values, r.lo, r.hi, r.dtype)
        elif r.kind == "normal":
            out[j] = values
        else:
            trunc.append(j)
            out[j] = values
    if trunc:
        _truncate([requests[j] for j in trunc], [out[j] for j in trunc], out, trunc)
    return [np.asarray(v).reshape(-1)[:r.n].astype(r.dtype, copy=False)
            for v, r in zip(out, requests)]


_U32 = np.uint32


def _uniform(words, dtype):
    """RandomUniform's floats from (calls, 4) words (philox_dists._u32_to_float & co.)."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        hi, lo = words[:, 0::2], words[:, 1::2]  # pairs (w0, w1), (w2, w3)
        man = ((hi & _U32(0xFFFFF)).astype(np.uint64) << np.uint64(32)) | lo.astype(np.uint64)
        return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0
    if dtype == np.float32:
        return ((words & _U32(0x7FFFFF)) | _U32(127 << 23)).view(np.float32) - np.float32(1)
    if dtype == np.float16:
        bits = (words & _U32(0x3FF)) | _U32(15 << 10)
    else:  # bfloat16
        bits = (words & _U32(0x7F)) | _U32(127 << 7)
    return bits.astype(np.uint16).view(dtype) - dtype.type(1)


def _uniform_int(words, lo, hi, dtype):
    """RandomUniformInt: lo + word % (hi - lo), wrapping as TF's SignedAdd."""
    if np.dtype(dtype) == np.int64:
        high = words[:, 1::2].astype(np.uint64) << np.uint64(32)
        bits = words[:, 0::2].astype(np.uint64) | high
        span = np.uint64(max((hi - lo) & _M64, 1))
        return (np.uint64(lo & _M64) + bits % span).view(np.int64)
    span = _U32(max((hi - lo) & 0xFFFFFFFF, 1))
    return (_U32(lo & 0xFFFFFFFF) + words % span).view(np.int32)


def _truncate(requests, candidates, out, slots):
    """TruncatedNormal: per group the first `per` Box-Muller values with |x| < 2 in call
    order; the rare groups short of them draw the next calls of their reserved range."""
    rows = []  # per request: [accepted values, how many per group, calls drawn per group]
    for r, cand in zip(requests, candidates):
        per, _, calls = _truncation(r)
        groups = -(-r.n // per)
        vals = np.zeros((groups, per), cand.dtype)
        count = np.zeros(groups, np.int64)
        _accept(vals, count, np.arange(groups), cand.reshape(groups, calls * cand.shape[1]))
        rows.append([vals, count, calls])
    while True:
        short = []  # (request, its short groups, calls to draw for each)
        for j, r in enumerate(requests):
            vals, count, done = rows[j]
            per, skip, _ = _truncation(r)
            groups = np.nonzero(count < per)[0]
            if len(groups) and done < skip:
                short.append((j, groups, min(8, skip - done)))
        if not short:
            break
        kernel = _normal_kernel(requests[short[0][0]])  # one kernel per round
        short = [s for s in short if _normal_kernel(requests[s[0]]) == kernel]
        segs = []
        for j, groups, more in short:
            r, skip = requests[j], _truncation(requests[j])[1]
            segs += [Segment(r.seed, r.seed2, r.offset, more, base=int(g) * skip + rows[j][2])
                     for g in groups]
        drawn = iter(draw(kernel, segs))
        for j, groups, more in short:
            cand = np.stack([next(drawn).reshape(-1) for _ in groups])
            _accept(rows[j][0], rows[j][1], groups, cand)
            rows[j][2] += more
    for slot, row in zip(slots, rows):
        out[slot] = row[0]


def _accept(vals, count, groups, cand):
    """Appends the candidates (rows for `groups`, in order) with |x| < 2 to their groups'
    accepted values, up to `vals.shape[1]` each."""
    per = vals.shape[1]
    ok = np.abs(cand) < 2.0
    rank = count[groups][:, None] + np.cumsum(ok, axis=1)  # 1-based slot of each accepted
    for k in range(per):
        hit = ok & (rank == k + 1)
        has = hit.any(axis=1)
        if has.any():
            first = hit.argmax(axis=1)
            rows = groups[has]
            vals[rows, k] = cand[np.nonzero(has)[0], first[has]]
    count[groups] = np.minimum(rank[:, -1], per)

