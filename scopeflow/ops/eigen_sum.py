"""TF's CPU float32 Sum and Mean values, bit for bit: the order of Eigen's reducers.

TF's reduction kernels first drop size-1 dims and merge neighbours; when the reduced dims are
then the trailing ones, the input is a (rows, cols) matrix (one row for a sum of everything)
and each row is added by Eigen's `InnerMostDimReducer` with 8-float AVX packets:

- a leaf (at most 8 * 1024 floats): four packet accumulators over 32-float blocks, each in
  block order, added ((a0 + a1) + a2) + a3; then the remaining whole packets in order; then
  the packet's lanes paired by halves (8 -> 4 -> 2 -> 1), added to the sum of the last
  cols % 8 floats (taken in order from 0);
- more floats: split at the first packet boundary past the middle (counted from the tensor's
  start, so rows of cols % 8 != 0 split apart from row to row: those keep XLA's order), each
  part summed the same way, then left + right;
- a sum of everything that Eigen's cost model (1.9375 cycles a float, 100000 a thread) gives
  k > 1 threads, i.e. from 108388 floats on, is cut by `FullReducer` into blocks of
  floor(n / k) floats, the leftover summed first, then the blocks in order. TF's pool has a
  thread per CPU, so k = min(that, CPUs) and the values depend on the machine; k = 2 was
  measured, and more threads keep XLA's order.

A sum over leading dims, or over the middle dims between kept ones, is Eigen's
`InnerMostDimPreserver` (`column_sums`): rows added in order, or from 16 rows on in four
accumulators, for each packet of 8 outputs (up to MAX_COLUMN rows: XLA's order beyond, as a
loop in order costs a multiple of XLA's reduce there). Mean divides that sum by the count, as
TF's Mean kernel does. Other dtypes and other axes keep XLA's.

>>> import numpy as np
>>> float(row_sums(np.ones((1, 10), np.float32))[0])
10.0
"""

import os

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops import column_sum

PACKET, BLOCK, LEAF = 8, 32, 8 * 1024
MAX_COLUMN = 1024  # longer column sums keep XLA's order: in order, a row a step, they cost 2-5x
_COST, _THREAD = 1.9375, 100000.0  # Eigen's cost model: a float of a sum, a thread's startup


def rows_of(shape, axes):
    """(rows, cols) of reducing `axes` of `shape` as TF's kernel sees it, or None."""
    dims = [(i in axes, d) for i, d in enumerate(shape) if d != 1]
    reduced = [r for r, _ in dims]
    if reduced != sorted(reduced):  # a kept dim after a reduced one
        return None
    rows = int(np.prod([d for r, d in dims if not r]))
    cols = int(np.prod([d for r, d in dims if r]))
    return (rows, cols) if rows and cols > 1 else None


def columns_of(shape, axes):
    """(outer, reduced, inner) when TF's kernel sees reducing `axes` of `shape` as a sum over
    the middle dim of a 3-D tensor (outer 1: the leading dims of a matrix), or None."""
    cols = column_sum.columns(shape, axes)
    return cols if cols and 1 < cols[1] <= MAX_COLUMN else None


def tf_sum(x, axes):
    """TF's float32 Sum of `x` over `axes` as a flat vector of the kept values, or None."""
    if x.dtype != jnp.float32:
        return None
    columns = columns_of(x.shape, axes)
    if columns:
        return from_zero(column_sums(x.reshape(columns)))
    shape = rows_of(x.shape, axes)
    plan = shape and _plan(*shape)
    if not plan:
        return None
    return from_zero(row_sums(x.reshape(shape), plan))


def from_zero(s):
    """0 + s: Eigen's reducers add into zeroed accumulators, so a sum of -0s is +0 (XLA drops
    a literal `+ 0`). The sums here are chains of adds, which XLA would compute again inside
    every consumer (the m, v and variable updates of Adam each added CapsNet's 50 tiled W
    gradients: 3 x 0.1 s); through `computed_once` they are computed once."""
    if s.size < 2:
        return jnp.where(s == 0, jnp.zeros((), s.dtype), s)
    return computed_once(s)


def computed_once(x):
    """x + 0 as a reduce over [x, 0] (so -0 becomes +0). XLA:CPU fuses cheap elementwise
    producers into each of their consumers, computing them again for every consumer and, through
    a broadcast, for every value they are broadcast to; a reduce it computes once, as TF
    computes each op once. (An optimization barrier is gone before XLA:CPU fuses.) Arrays of
    fewer than 2 values are returned as they are (XLA turns their reduce into an add)."""
    if np.size(x) < 2:
        return x
    return jax.lax.reduce(jnp.stack([x, jnp.zeros_like(x)]), np.zeros((), x.dtype),
                          jax.lax.add, (0,))


def column_sums(x):
    """The sums over the middle dim of float32 `x` (outer, reduced, inner), flat, in the order
    of Eigen's `InnerMostDimPreserver`: an output packet of 8 inner values within one row adds
    the reduced rows in order, or, from 16 rows on, in four accumulators (row j into j % 4 up
    to the last multiple of 4) added ((a0 + a1) + a2) + a3, then the remaining rows; values in
    a packet that would cross the inner dim's end, or in the output's last size % 8, are added
    one at a time, in order."""
    outer, reduced, inner = x.shape
    n = outer * inner
    first = np.arange(n) // PACKET * PACKET  # each output's packet
    packet = (first + PACKET <= n // PACKET * PACKET) & (first % inner + PACKET <= inner)
    if reduced < 16 or not packet.any():
        return _rows_in_order(x).reshape(-1)
    whole = reduced // 4 * 4
    if whole <= 128:  # each row a slice of x: XLA fuses x's producer into the sum
        acc = [x[:, j] for j in range(4)]
        for j in range(4, whole):
            acc[j % 4] = acc[j % 4] + x[:, j]
        four = ((acc[0] + acc[1]) + acc[2]) + acc[3]
    else:  # (rows of 4 as one: a reshape XLA copies first, but a shorter program)
        quads = x[:, :whole].reshape(outer, whole // 4, 4 * inner)
        acc = _rows_in_order(quads).reshape(outer, 4, inner)
        four = ((acc[:, 0] + acc[:, 1]) + acc[:, 2]) + acc[:, 3]
    for j in range(whole, reduced):
        four = four + x[:, j]
    if packet.all():
        return four.reshape(-1)
    return jnp.where(packet, four.reshape(-1), _rows_in_order(x).reshape(-1))


def outer_dim_sums(m):
    """The column sums of float32 matrix `m` (rows, cols) as TF's ReduceOuterDimensions adds
    them (BiasAddGrad's NHWC kernel), or None past MAX_COLUMN rows. Each thread's block of rows
    is added in order into a zeroed buffer, the buffers then in order: blocks of columns when
    cols > 16 per thread of TF's pool (one per CPU), else up to one block of rows per thread
    (at least 2000 floats each), run as one block when Eigen's cost model (1.6875 cycles a
    float, 100000 a thread) gives them one thread."""
    rows, cols = m.shape
    threads = cpus()
    if not rows or rows > MAX_COLUMN or threads > 2:  # (no rows: XLA's zeros)
        return None
    blocks = 1 if cols > threads * 16 else min(rows, -(-rows * cols // -(-2000 // cols)), threads)
    per = -(-rows // blocks)
    if blocks == 1 or int((blocks * per * cols * 1.6875 - _THREAD) / _THREAD + 0.9) <= 1:
        # one block (column blocks add rows alike): in order, then the zeroed buffers' + 0
        return from_zero(_rows_in_order(m[None])[0])
    out = from_zero(_rows_in_order(m[None, :per])[0])
    for i in range(1, blocks):
        out = out + _rows_in_order(m[None, i * per:(i + 1) * per])[0]
    return out


def _rows_in_order(x):
    """x[:, 0] + x[:, 1] + ... in that order for x (outer, rows, inner): a loop unrolled 32
    rows a step (a step a row costs its loop overhead on each of thousands of rows)."""
    rows = x.shape[1]
    if 0 < rows <= 128:  # unrolled: a shorter compile than the loop's (0.15 s vs 0.3 s for 100)
        # (one split and lax's adds: NumPy-style indexing traces 3x slower, a bias a call)
        parts = jax.lax.split(x, [1] * rows, axis=1)
        acc = parts[0]
        for part in parts[1:]:
            acc = jax.lax.add(acc, part)
        return jax.lax.squeeze(acc, (1,))
    steps, unroll = rows // 32, 32
    body = x[:, :steps * 32].reshape(x.shape[0], steps, unroll, x.shape[2]).transpose(1, 2, 0, 3)

    def step(acc, block):
        for j in range(unroll):
            acc = acc + block[j]
        return acc, None

    acc = jax.lax.scan(step, jnp.zeros((x.shape[0], x.shape[2]), x.dtype), body)[0]
    for j in range(steps * 32, rows):
        acc = acc + x[:, j]
    return acc


def kernel_row_sums(m):
    """The row sums of float32 matrix `m` (rows, cols) as a kernel's own Eigen reduction along
    its last dim adds them (softmax's, cross-entropy's): row by row in Eigen's order, also for
    one row (TF's Sum would reduce that as a whole); XLA's order where Eigen's is not modelled
    (rows of more than 8192 floats, not a multiple of 8)."""
    plan = _plan(2, m.shape[1])
    return row_sums(m, plan) if plan and m.shape[1] > 1 else jnp.sum(m, axis=1)


def _plan(rows, cols):
    """(leaves, order): each row's leaf segments (start, size) and how their sums combine."""
    if rows == 1:
        threads = min(_threads(cols), cpus())
        return _full_plan(cols, threads) if threads <= 2 else None
    if cols > LEAF and cols % PACKET:
        return None
    leaves = []
    return leaves, _tree(0, cols, leaves)


def _threads(n):
    return max(1, int((_COST * n - _THREAD) / _THREAD + 0.9))


def cpus():
    """The threads of TF's intra-op pool on this machine (its schedulable CPUs), which set
    how its CPU kernels split their work."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _tree(first, n, leaves):
    """Eigen's split of n floats from index `first`: a leaf number or a (left, right) pair."""
    if n <= LEAF:
        leaves.append((first, n))
        return len(leaves) - 1
    split = PACKET * -(-(first + -(-n // 2)) // PACKET)
    left = min(split - first, n)
    return (_tree(first, left, leaves), _tree(split, n - left, leaves))


def _full_plan(n, threads):
    leaves = []
    if threads == 1:
        return leaves, _tree(0, n, leaves)
    size = int(np.floor(np.float32(n) / np.float32(threads)))  # Eigen's float division
    blocks = n // size
    order = _tree(blocks * size, n - blocks * size, leaves) if blocks * size < n else None
    for i in range(blocks):  # the leftover first, then the blocks in order
        block = _tree(i * size, size, leaves)
        order = block if order is None else (order, block)
    return leaves, order


def row_sums(m, plan=None):
    """The float32 row sums of matrix `m` (rows, cols) in Eigen's order."""
    leaves, order = plan or _plan(*m.shape)
    if leaves == [(0, m.shape[1])]:
        parts = _split(m)
        return _leaf_sums(*(p[:, None] for p in parts))[:, 0]
    return _combine(order, _leaf_sums(*_gather(m, leaves)))


def _split(m):
    """A single leaf's blocks (rows, b, 32), whole packets (rows, k, 8) and tail (rows, t)."""
    rows, n = m.shape
    whole, packets = n // BLOCK * BLOCK, n // PACKET * PACKET
    return (m[:, :whole].reshape(rows, -1, BLOCK), m[:, whole:packets].reshape(rows, -1, PACKET),
            m[:, packets:])


def _gather(m, leaves):
    """Every leaf's blocks, packets and tail, zero-padded to the largest (adding 0 is exact):
    three windows a leaf, cut by one gather of contiguous slices each (a gather of single
    elements, or a slice a run of leaves, is 3x slower)."""
    most = max(size for _, size in leaves) // BLOCK * BLOCK
    starts = np.array([s for s, _ in leaves])
    sizes = np.array([n for _, n in leaves])
    whole, packets = sizes // BLOCK * BLOCK, sizes // PACKET * PACKET
    padded = jnp.pad(m, ((0, 0), (0, most)))  # no window runs past the end (JAX would clamp it)
    cuts = [(starts, whole, most), (starts + whole, packets - whole, 3 * PACKET),
            (starts + packets, sizes - packets, PACKET - 1)]
    out = [_windows(padded, *cut) for cut in cuts]
    lead = out[0].shape[:2]
    return (out[0].reshape(lead + (-1, BLOCK)), out[1].reshape(lead + (-1, PACKET)), out[2])


def _windows(m, starts, lengths, width):
    """(rows, leaves, width): m[:, s:s + width] for each start, zero from each length on."""
    cut = jax.vmap(lambda s: jax.lax.dynamic_slice_in_dim(m, s, width, axis=1), out_axes=1)
    keep = np.arange(width) < lengths[:, None]
    return jnp.where(keep, cut(jnp.asarray(starts, np.int32)), jnp.zeros((), m.dtype))


def _leaf_sums(blocks, packets, tail):
    """(..., b, 32), (..., k, 8), (..., t) -> (...,): each leaf's sum in Eigen's order."""
    acc = _in_order(blocks)
    lanes = acc.reshape(acc.shape[:-1] + (4, PACKET))
    p = ((lanes[..., 0, :] + lanes[..., 1, :]) + lanes[..., 2, :]) + lanes[..., 3, :]
    for j in range(packets.shape[-2]):
        p = p + packets[..., j, :]
    s = jnp.zeros(tail.shape[:-1], tail.dtype)
    for j in range(tail.shape[-1]):
        s = s + tail[..., j]
    p = p[..., :4] + p[..., 4:]
    p = p[..., :2] + p[..., 2:]
    return s + (p[..., 0] + p[..., 1])


def _in_order(blocks):
    """blocks[..., 0, :] + blocks[..., 1, :] + ... in that order (XLA's reduce reassociates)."""
    count = blocks.shape[-2]
    if count == 0:
        return jnp.zeros(blocks.shape[:-2] + blocks.shape[-1:], blocks.dtype)
    if count <= 16:
        acc = blocks[..., 0, :]
        for j in range(1, count):
            acc = acc + blocks[..., j, :]
        return acc
    rows = jnp.moveaxis(blocks, -2, 0)
    return jax.lax.scan(lambda a, r: (a + r, None), rows[0], rows[1:])[0]


def _combine(order, sums):
    if isinstance(order, int):
        return sums[..., order]
    return _combine(order[0], sums) + _combine(order[1], sums)
