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


def materialized(x):
    """`x` bit for bit (-0, NaNs and subnormals too), computed once: a product reduce over
    [x, 1], which XLA does not copy into each consumer as it does an elementwise producer (see
    `computed_once`; a sum over [x, -0] lost the sign of -0 in XLA)."""
    if np.size(x) < 2:
        return x
    one = np.ones((), x.dtype)
    return jax.lax.reduce(jnp.stack([x, jnp.full_like(x, one)]), one, jax.lax.mul, (0,))


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
    return _loop_in_order(x)


def _loop_in_order(x):
    """x[:, 0] + x[:, 1] + ... in order for x (outer, count > 0, inner) as a loop over the
    middle dim, 8 rows a step: each step reads its rows where they lie (a scan over x moved to
    lead, or one step a row, took 2-4x as long: README "Sums of many floats")."""
    def step(j, acc):
        return acc + jax.lax.dynamic_index_in_dim(x, j, 1, keepdims=False)
    return jax.lax.fori_loop(1, x.shape[1], step, x[:, 0], unroll=8)


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
    rows, cols = m.shape
    size = leaves[0][1]
    if len(leaves) * size == cols and all(leaf == (i * size, size)
                                          for i, leaf in enumerate(leaves)):
        # every leaf of one size, end to end (one leaf a row, or a power-of-two split): rows
        sums = _leaf_sums(*_split(m.reshape(rows * len(leaves), size))).reshape(rows, -1)
        return sums[:, 0] if len(leaves) == 1 else _combine(order, sums)
    return _combine(order, _gathered_leaf_sums(m, leaves))


def _split(m):
    """The leaf sums' parts of matrix `m`, a leaf a row: its in-order sum of 32-float blocks
    (rows, 32), whole packets (rows, k, 8) and tail (rows, t)."""
    rows, n = m.shape
    whole, packets = n // BLOCK * BLOCK, n // PACKET * PACKET
    return (_in_order(m[:, :whole].reshape(rows, -1, BLOCK)),
            m[:, whole:packets].reshape(rows, -1, PACKET), m[:, packets:])


def _gathered_leaf_sums(m, leaves):
    """Each leaf's sum (rows, leaves) for leaves of several sizes: the blocks added in a loop
    that cuts block j of every leaf from `m` where it lies (no copy of `m`), the few packets
    and tail floats gathered one by one (zero past a leaf's end: adding 0 is exact)."""
    starts = np.array([s for s, _ in leaves])
    sizes = np.array([n for _, n in leaves])
    whole, packets = sizes // BLOCK * BLOCK, sizes // PACKET * PACKET
    counts = whole // BLOCK
    acc = jnp.zeros((m.shape[0], len(leaves), BLOCK), m.dtype)
    if counts.max():
        live = jnp.asarray(counts)[:, None]
        cut = jax.vmap(lambda s: jax.lax.dynamic_slice_in_dim(m, s, BLOCK, axis=1), out_axes=1)
        first = jnp.asarray(starts, np.int32)

        def step(j, acc):  # (past a leaf's blocks, dynamic_slice's clamped start is masked)
            return acc + jnp.where(j < live, cut(first + BLOCK * j), jnp.zeros((), m.dtype))
        acc = jax.lax.fori_loop(0, int(counts.max()), step, acc, unroll=8)
    return _leaf_sums(acc, _elements(m, starts + whole, packets - whole, 3 * PACKET)
                      .reshape(acc.shape[:2] + (-1, PACKET)),
                      _elements(m, starts + packets, sizes - packets, PACKET - 1))


def _elements(m, starts, lengths, width):
    """(rows, leaves, width): m[:, s + i] for i < each length, else 0."""
    keep = np.arange(width) < lengths[:, None]
    at = np.where(keep, starts[:, None] + np.arange(width), 0)
    return jnp.where(keep, m[:, at], jnp.zeros((), m.dtype))


def _leaf_sums(acc, packets, tail):
    """(..., 32), (..., k, 8), (..., t) -> (...,): each leaf's sum in Eigen's order from its
    blocks' in-order sum, its whole packets and its tail."""
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
    """blocks[:, 0, :] + blocks[:, 1, :] + ... in that order for (rows, count, 32) (XLA's
    reduce reassociates); zeros for no blocks."""
    count = blocks.shape[1]
    if count == 0:
        return jnp.zeros((blocks.shape[0], blocks.shape[2]), blocks.dtype)
    if count <= 16:
        acc = blocks[:, 0]
        for j in range(1, count):
            acc = acc + blocks[:, j]
        return acc
    return _loop_in_order(blocks)


def _combine(order, sums):
    """The leaves' sums (..., leaves) added as the tree `order` says (left + right), a level
    at a time: the nodes of each height are one add of two strided slices (or gathers) of the
    values so far (a scalar add a node took 0.37 s to compile for 512 leaves, this 0.07 s)."""
    if isinstance(order, int):
        return sums[..., order]
    nodes = []  # (left, right, height); a value's index: leaves first, then nodes by height

    def walk(tree):
        if isinstance(tree, int):
            return ("leaf", tree), 0
        (left, hl), (right, hr) = walk(tree[0]), walk(tree[1])
        nodes.append((left, right, max(hl, hr) + 1))
        return ("node", len(nodes) - 1), nodes[-1][2]

    root, top = walk(order)
    index = {("leaf", i): i for i in range(sums.shape[-1])}
    values = sums
    for height in range(1, top + 1):
        level = [(k, a, b) for k, (a, b, h) in enumerate(nodes) if h == height]
        for i, (k, _, _) in enumerate(level):
            index[("node", k)] = values.shape[-1] + i
        left = _take(values, [index[a] for _, a, _ in level])
        right = _take(values, [index[b] for _, _, b in level])
        values = jnp.concatenate([values, left + right], axis=-1)
    return values[..., index[root]]


def _take(values, at):
    """values[..., at]: a strided slice where `at` steps evenly (a split tree's levels), else
    a gather."""
    step = at[1] - at[0] if len(at) > 1 else 1
    if step > 0 and at == list(range(at[0], at[-1] + 1, step)):
        return values[..., at[0]:at[-1] + 1:step]
    return values[..., np.array(at)]
