"""TF's CPU random kernels over its Philox stream: the same words, transforms and layout.

Facts from tensorflow/core/lib/random/random_distributions{,_utils}.h and
core/kernels/random_op_cpu.h: an output is filled in groups (one generator call per group
for fixed-size transforms: 4 floats, 2 doubles, 4 int32, 2 int64); a truncated normal group
(4 floats / 2 doubles) starts at call group * 256 (float) or * 128 (double) and rejects
Box-Muller pairs beyond two standard deviations; each run reserves `size * 256` calls.
Every group is computed from its own counter, so a whole output is one vectorized program.

>>> import numpy as np
>>> from scopeflow.ops.philox import Stream
>>> from scopeflow.lowering.lower import x64
>>> with x64():  # 64-bit counters, as inside a run
...     np.asarray(uniform(Stream(87654321, 5), 2, np.float32)).round(4).tolist()
[0.3883, 0.6637]
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import libm32
from scopeflow.ops.philox import GroupStream, pick

_TWO_PI = 2.0 * np.pi  # the double 2 * M_PI


def _layout(n, per_call):
    """Output element e -> (generator call e // per_call, its slot e % per_call), padded to
    whole calls; every transform below is elementwise over this layout."""
    e = jnp.arange(-(-n // per_call) * per_call, dtype=jnp.uint64)
    return e // np.uint64(per_call), (e % np.uint64(per_call)).astype(jnp.int32)


def _u32_to_float(w):
    bits = (w & jnp.uint32(0x7FFFFF)) | jnp.uint32(127 << 23)
    return jax.lax.bitcast_convert_type(bits, jnp.float32) - jnp.float32(1)


def _u64_to_double(hi, lo):
    man = ((hi & jnp.uint32(0xFFFFF)).astype(jnp.uint64) << 32) | lo.astype(jnp.uint64)
    bits = man | jnp.uint64(1023 << 52)
    return jax.lax.bitcast_convert_type(bits, jnp.float64) - 1.0


def _u16_to_small(w, dtype):
    if dtype == jnp.float16:
        bits = (w & jnp.uint32(0x3FF)) | jnp.uint32(15 << 10)
    else:  # bfloat16
        bits = (w & jnp.uint32(0x7F)) | jnp.uint32(127 << 7)
    x = jax.lax.bitcast_convert_type(bits.astype(jnp.uint16), dtype)
    return x - jnp.asarray(1.0, dtype)


def _columns(parts):
    """jnp.stack(parts, 1) as selects (a concatenation would be fused into a scalar loop)."""
    slot = jnp.arange(len(parts), dtype=jnp.int32)
    out = parts[-1][:, None]
    for i in range(len(parts) - 2, -1, -1):
        out = jnp.where(slot == i, parts[i][:, None], out)
    return out


def _pair(words, first):
    """The two words of the pair starting at word 0 or 2 (`first` elementwise bool)."""
    return (jnp.where(first, words[0], words[2]), jnp.where(first, words[1], words[3]))


def uniform(stream, n, dtype):
    """RandomUniform's [0, 1) samples: `n` values of float dtype `dtype` (flat)."""
    dtype = jnp.dtype(dtype)
    if dtype == jnp.float64:
        call, slot = _layout(n, 2)
        out = _u64_to_double(*_pair(stream.words(call), slot == 0))
    else:
        call, slot = _layout(n, 4)
        w = pick(stream.words(call), slot)
        out = _u32_to_float(w) if dtype == jnp.float32 else _u16_to_small(w, dtype)
    return out[:n]


def uniform_int(stream, n, lo, hi, dtype):
    """RandomUniformInt: lo + word % (hi - lo), wrapping as TF's SignedAdd (`n` values)."""
    if jnp.dtype(dtype) == jnp.int64:
        call, slot = _layout(n, 2)
        a, b = _pair(stream.words(call), slot == 0)
        bits = a.astype(jnp.uint64) | (b.astype(jnp.uint64) << 32)
        lo_u = jax.lax.bitcast_convert_type(jnp.asarray(lo, jnp.int64), jnp.uint64)
        hi_u = jax.lax.bitcast_convert_type(jnp.asarray(hi, jnp.int64), jnp.uint64)
        rng = jnp.maximum(hi_u - lo_u, jnp.uint64(1))
        out = jax.lax.bitcast_convert_type(lo_u + bits % rng, jnp.int64)
    else:
        call, slot = _layout(n, 4)
        w = pick(stream.words(call), slot)
        lo_u = jax.lax.bitcast_convert_type(jnp.asarray(lo, jnp.int32), jnp.uint32)
        hi_u = jax.lax.bitcast_convert_type(jnp.asarray(hi, jnp.int32), jnp.uint32)
        rng = jnp.maximum(hi_u - lo_u, jnp.uint32(1))
        out = jax.lax.bitcast_convert_type(lo_u + w % rng, jnp.int32)
    return out[:n]


def box_muller_float(x0, x1):
    """BoxMullerFloat: two uint32 arrays -> two float32 normal arrays (glibc logf/sincosf)."""
    u1 = jnp.maximum(_u32_to_float(x0), jnp.float32(1e-7))
    v1 = (_TWO_PI * _u32_to_float(x1).astype(jnp.float64)).astype(jnp.float32)
    # sqrt(-2 * logf(u1)) in float: -2x is exact and a double sqrt rounds to the float sqrt
    u2 = jnp.sqrt((-2.0 * libm32.logf(u1)).astype(jnp.float64)).astype(jnp.float32)
    s, c = libm32.sincosf(v1)
    u2 = u2.astype(jnp.float64)  # float x float is exact in double, then rounds once
    return ((s.astype(jnp.float64) * u2).astype(jnp.float32),
            (c.astype(jnp.float64) * u2).astype(jnp.float32))


def box_muller_double(x0, x1, x2, x3):
    """BoxMullerDouble: four uint32 arrays -> two float64 normal arrays (libm log/sin/cos)."""
    u1 = jnp.maximum(_u64_to_double(x0, x1), 1e-7)
    v1 = _TWO_PI * _u64_to_double(x2, x3)
    u2 = jnp.sqrt(-2.0 * jnp.log(u1))
    return jnp.sin(v1) * u2, jnp.cos(v1) * u2


def _normal_at(words, slot, double):
    """Box-Muller value number `slot` of a call: float32 slots 0-3 (pairs of words), float64
    slots 0-1 (all four words)."""
    if double:
        d0, d1 = box_muller_double(*words)
        return jnp.where(slot == 0, d0, d1)
    f0, f1 = box_muller_float(*_pair(words, slot < 2))
    return jnp.where(slot % 2 == 0, f0, f1)


def normal(stream, n, dtype):
    """RandomStandardNormal: `n` values (float32 math for half/bfloat16, then rounded)."""
    dtype = jnp.dtype(dtype)
    double = dtype == jnp.float64
    call, slot = _layout(n, 2 if double else 4)
    return _normal_at(stream.words(call), slot, double)[:n].astype(dtype)


def _call_normals(words, double):
    """The Box-Muller values of one generator call in order: four floats (two pairs, sin
    then cos each) or two doubles; each transform computed once."""
    if double:
        return list(box_muller_double(*words))
    return list(box_muller_float(words[0], words[1]) + box_muller_float(words[2], words[3]))


def _accept(stream, base, first, calls, vals, count, double):
    """Feeds the Box-Muller candidates of generator calls base + first + [0, calls) to groups
    holding `count` accepted values `vals` (a list, one array per output slot)."""
    per = len(vals)
    vals = list(vals)
    for i in range(calls):
        for cand in _call_normals(stream.words(base + first + np.uint64(i)), double):
            ok = jnp.abs(cand) < 2.0
            for k in range(per):
                vals[k] = jnp.where(ok & (count == k), cand, vals[k])
            count = count + ok.astype(jnp.int32)
    return vals, jnp.minimum(count, per)


def truncated_normal(stream, n, dtype):
    """TruncatedNormal: per group, the first accepted (|x| < 2) Box-Muller values in order.

    Two generator calls (three for float64) complete a group but for ~1e-5 of groups; those
    few are gathered, finished one call at a time, and scattered back.
    """
    return truncated_normal_many([stream], [n], dtype)[0]


def truncated_normal_many(streams, sizes, dtype):
    """`truncated_normal` of several ops in one computation: op i draws `sizes[i]` values
    from `streams[i]` (Streams); returns one flat array per op. A program with many
    initializers then holds the transform once instead of once per variable."""
    dtype = jnp.dtype(dtype)
    double = dtype == jnp.float64
    per, skip, calls = (2, 128, 3) if double else (4, 256, 2)
    counts = [-(-n // per) for n in sizes]
    # iotas, not a constant: a constant as large as the output would be compiled in
    base = jnp.concatenate([jnp.arange(g, dtype=jnp.uint64) for g in counts]) * np.uint64(skip)
    if len(streams) == 1:
        stream = streams[0]
    else:
        def spread(values, dt):
            return jnp.concatenate([jnp.full((g,), v, dt) for g, v in zip(counts, values)])
        stream = GroupStream(*(spread([st.key[0] for st in streams], jnp.uint32),
                               spread([st.key[1] for st in streams], jnp.uint32),
                               spread([st.hi[0] for st in streams], jnp.uint32),
                               spread([st.hi[1] for st in streams], jnp.uint32),
                               spread([st.offset for st in streams], jnp.uint64)))
    flat = _truncated_groups(stream, base, per, skip, calls, double)
    flat = flat.reshape(-1).astype(dtype)
    outs, at = [], 0
    for g, n in zip(counts, sizes):
        outs.append(flat[at:at + n])
        at += g * per
    return outs


def _truncated_groups(stream, base, per, skip, calls, double):
    """(groups, per) accepted values of the groups whose first calls are `base`."""
    groups = base.shape[0]
    work = jnp.float64 if double else jnp.float32
    zero = jnp.zeros((groups,), work)
    vals, count = _accept(stream, base, np.uint64(0), calls, [zero] * per,
                          jnp.zeros((groups,), jnp.int32), double)
    out = _columns(vals)
    chunk = min(groups, 64 + groups // 4096)

    def finish_some(state):  # completes up to `chunk` unfinished groups
        out, count = state
        idx = jnp.nonzero(count < per, size=chunk, fill_value=groups)[0]  # pad: past the end
        todo = count.at[idx].get(mode="fill", fill_value=per) < per
        sub = stream.at(idx)

        def step(st):
            v, c, j = st
            v, c = _accept(sub, base.at[idx].get(mode="clip"), j, 1, list(v.T), c, double)
            return _columns(v), c, j + np.uint64(1)

        v, _, _ = jax.lax.while_loop(
            lambda st: jnp.any(st[1] < per) & (st[2] < np.uint64(skip)), step,
            (out.at[idx].get(mode="clip"), jnp.where(todo, count.at[idx].get(mode="clip"), per),
             np.uint64(calls)))
        # finished or not (a whole reserved region rejected), a group is done after this
        return (out.at[idx].set(v, mode="drop"),
                count.at[idx].set(jnp.full(idx.shape, per, jnp.int32), mode="drop"))

    out, _ = jax.lax.while_loop(lambda st: jnp.any(st[1] < per), finish_some, (out, count))
    return out


def multinomial(stream, logits, num_samples, threads=1):
    """Multinomial's CPU kernel on `threads` threads (TF's intra-op pool: this machine's
    CPUs): rows run in Eigen's blocks (`row_blocks`), each block from a copy of the generator
    that skipped start (S + 3) / 4 Philox calls (TF's `Skip(start_row * (num_samples + 3) /
    4)`, C's integer division), its rows in order after it: row b, sample j of the block at
    `start` draws RandDouble from that copy's double (b - start) S + j (2 doubles a call).
    Returns int64 (batch, S)."""
    batch, classes = logits.shape
    block = row_blocks(batch, multinomial_cost(num_samples, classes), threads)
    rows = np.arange(batch, dtype=np.uint64)
    start = rows // np.uint64(block) * np.uint64(block)
    skipped = start * np.uint64(num_samples + 3) // np.uint64(4)  # Philox calls (C's order)
    first = skipped * np.uint64(2) + (rows - start) * np.uint64(num_samples)  # row's 1st double
    draw = jnp.asarray(first[:, None] + np.arange(num_samples, dtype=np.uint64)[None, :])
    u = _u64_to_double(*_pair(stream.words(draw >> np.uint64(1)), draw % np.uint64(2) == 0))
    finite = jnp.isfinite(logits)
    lowest = jnp.finfo(logits.dtype).min
    mx = jnp.max(jnp.where(finite, logits, lowest), axis=1, keepdims=True).astype(jnp.float64)
    e = jnp.where(finite, jnp.exp(logits.astype(jnp.float64) - mx), 0.0)
    cdf = jnp.cumsum(e, axis=1)
    to_find = u * cdf[:, -1:]
    idx = jax.vmap(lambda c, t: jnp.searchsorted(c, t, side="right"))(cdf, to_find)
    return idx.astype(jnp.int64)


def multinomial_cost(num_samples, classes):
    """TF's cycle estimate of one row of Multinomial's CPU kernel (an int64, truncated)."""
    return int(50 * (num_samples * math.log(classes) / math.log(2) + classes))


# Eigen's cost model (TensorCostModel): cycles to start a thread, per thread, per task
_STARTUP, _PER_THREAD, _TASK = 100000, 100000, 40000


def row_blocks(n, cost, threads):
    """The block size of Eigen's `ThreadPoolDevice::parallelFor` over `n` units of `cost`
    cycles each on `threads` threads, as TF's `Shard` runs it: blocks [k size, (k + 1) size)
    (the last one shorter); `n` where it runs all of them inline, in one block.

    >>> row_blocks(64, 250614, 2), row_blocks(64, 250614, 1), row_blocks(3, 666, 2)
    (8, 64, 3)
    >>> row_blocks(10, 10 ** 6, 4), row_blocks(6, 10 ** 6, 4)
    (1, 2)
    """
    if n <= 1 or threads <= 1:
        return n
    want = (float(n) * cost - _STARTUP) / _PER_THREAD + 0.9
    if min(threads, max(1, int(min(want, 2 ** 31 - 1)))) == 1:
        return n
    size = min(n, max(-(-n // (4 * threads)), int(1.0 / (cost / _TASK)) if cost else n))
    biggest = min(n, 2 * size)
    count = -(-n // size)
    best = count / (-(-count // threads) * threads)  # the share of the threads' time used
    prev = count
    while best < 1.0 and prev > 1:
        coarser = -(-n // (prev - 1))
        if coarser > biggest:
            break
        prev = -(-n // coarser)
        eff = prev / (-(-prev // threads) * threads)
        if eff + 0.01 >= best:
            size, count = coarser, prev
            best = max(best, eff)
    return size


def shuffle_permutation(stream, size):
    """RandomShuffle's Fisher-Yates order: swap i with i + word_i % (size - i), i < size - 1."""
    words = stream.samples(jnp.arange(size - 1, dtype=jnp.uint64))

    def swap(i, perm):
        j = i + (words[i] % (size - i).astype(jnp.uint32)).astype(jnp.int32)
        a, b = perm[i], perm[j]
        return perm.at[i].set(b).at[j].set(a)

    return jax.lax.fori_loop(0, size - 1, swap, jnp.arange(size, dtype=jnp.int32))


def reserved_calls(kind, n, extra=0):
    """Generator calls one run of the op reserves (GuardedPhiloxRandom::Reserve*)."""
    if kind == "shuffle":  # ReserveSamples32(size - 1)
        return (n - 1 + 3) // 4 if n > 1 else 0
    if kind == "multinomial":  # ReserveRandomOutputs(batch * ceil4(samples) * 2, 256)
        return n * ((extra + 3) // 4 * 4) * 2 * 256
    return n * 256  # ReserveRandomOutputs(size, 256)
