"""TF's shuffle on the host: its Philox stream, ring buffer and epoch slices, so a seeded
shuffle gives TF's own order.

>>> from scopeflow.data.host import Range
>>> [int(e[0]) for e in Shuffle(Range(0, 10, 1), 4, 87654321, 1)]
[0, 4, 5, 1, 2, 7, 9, 8, 6, 3]
"""

import numpy as np

from scopeflow import errors
from scopeflow.data.host import HostDataset, _invalid
from scopeflow.data.resumable import Failed
from scopeflow.ops.philox import philox_block


class Shuffle(HostDataset):
    """TF's shuffle: a ring buffer of `buffer_size` elements, the next one drawn uniformly from
    the oldest epoch's slice with TF's Philox stream, so seeded orders are TF's own.

    Each pass (a new iterator), and each epoch once fully out of the buffer, takes two seeds
    from a generator seeded by (seed, seed2) when `reshuffle`, else uses (seed, seed2) itself;
    seed == seed2 == 0 draws random seeds.
    `count` epochs share one buffer (ShuffleAndRepeatDataset; -1 repeats forever).
    """

    _MAX_EPOCHS_IN_BUFFER = 3

    def __init__(self, source, buffer_size, seed, seed2, reshuffle=True, count=1):
        if int(buffer_size) <= 0 and int(buffer_size) != -2:
            raise _invalid("buffer_size must be greater than zero or UNKNOWN_CARDINALITY")
        self.source, self.size, self.count = source, int(buffer_size), int(count)
        self.seeds = (int(seed), int(seed2))
        if self.seeds == (0, 0):  # TF: random seeds for this dataset
            self.seeds = tuple(int(x) for x in np.random.randint(1, 2**62, 2))
        self.reshuffle = reshuffle
        self.seed_gen = _Single(_Philox(*self.seeds))

    def _rand(self):
        if self.reshuffle:
            return _Single(_Philox(self.seed_gen(), self.seed_gen()))
        return _Single(_Philox(*self.seeds))

    def __iter__(self):
        out = _Counted()
        out.gen = self._pass(out)
        return out

    def _pass(self, out):
        """The elements of one pass; at the end of its last epoch's input, `out.total` is set
        to how many it gives in all."""
        rand = self._rand()
        size = self.size if self.size > 0 else 1 << 62
        buf = {}  # position % size -> element
        slices = []  # [start, end) per epoch in the buffer, oldest first
        epoch, n, count = 0, 0, self.count
        it = None
        while True:
            # fill the buffer (TF's FillBuffer)
            while n < size and (count < 0 or epoch < count or it is not None):
                if len(slices) > self._MAX_EPOCHS_IN_BUFFER and n > 0:
                    break
                if it is None:
                    it = iter(self.source)
                    epoch_start = slices[-1][1] if slices else 0
                    slices.append([epoch_start, epoch_start])
                try:
                    el = next(it, None)
                except errors.OpError as e:  # TF: the error now, the buffer filled after
                    yield Failed(e)
                    continue
                if el is None:
                    it = None
                    epoch += 1
                    # an epoch that gave nothing (not one already drained from a small buffer)
                    if slices[-1][1] == epoch_start and (count < 0 or epoch < count):
                        slices.pop()  # an empty epoch ends an endless repeat
                        count = epoch
                    if 0 <= count <= epoch:
                        out.total = out.given + n
                    continue
                back = slices[-1]
                buf[back[1] % size] = el
                back[1] += 1
                n += 1
                if n == size and len(slices) == 1:
                    break  # steady state below
            if n == 0:
                return
            while slices[0][0] == slices[0][1]:  # an epoch fully out: TF reseeds
                slices.pop(0)
                rand = self._rand()
            front = slices[0]
            if n == size and len(slices) == 1 and it is not None:
                # a full buffer of one epoch: each element out is replaced by the next one in,
                # at the slot just freed (the same steps as above, fewer checks)
                nxt = it.__next__
                f0 = front[0]
                while True:
                    index = (f0 + rand() % size) % size
                    first = f0 % size
                    el = buf[index]
                    buf[index] = buf[first]
                    f0 += 1
                    front[0] = f0
                    n -= 1
                    del buf[first]
                    yield el
                    try:
                        el = nxt()
                    except StopIteration:  # as the fill above does at an epoch's end
                        it = None
                        epoch += 1
                        if front[1] == epoch_start and (count < 0 or epoch < count):
                            slices.pop()
                            count = epoch
                        if 0 <= count <= epoch:
                            out.total = out.given + n
                        break
                    except errors.OpError as e:  # the slot refills in the fill above
                        yield Failed(e)
                        break
                    buf[first] = el
                    front[1] += 1
                    n += 1
                continue
            index = (front[0] + rand() % (front[1] - front[0])) % size
            first = front[0] % size
            el = buf[index]
            buf[index] = buf[first]
            del buf[first]
            front[0] += 1
            n -= 1
            yield el


class _Counted:
    """A shuffle's pass: counts what it gave, so it can tell what is left once its input has
    ended (a batch after it then knows its last batch's size)."""

    __slots__ = ("gen", "given", "total")

    def __init__(self):
        self.gen, self.given, self.total = None, 0, None

    def __iter__(self):
        return self

    def __next__(self):
        el = next(self.gen)
        if type(el) is Failed:
            raise el.error
        self.given += 1
        return el

    def left(self):
        return None if self.total is None else self.total - self.given

    def close(self):
        self.gen.close()


_M32 = 0xFFFFFFFF


class _Philox:
    """TF's PhiloxRandom (4x32, 10 rounds): key from `seed_lo`, counter high words `seed_hi`."""

    def __init__(self, seed_lo, seed_hi):
        seed_lo &= (1 << 64) - 1
        seed_hi &= (1 << 64) - 1
        self.key = (seed_lo & _M32, seed_lo >> 32)
        self.ctr = [0, 0, seed_hi & _M32, seed_hi >> 32]

    def block(self):
        return self.blocks(1)

    def blocks(self, count):
        """The words of the next `count` blocks, in order (NumPy over the blocks: a shuffle
        draws a word per element, and ten Python rounds a block cost more than the shuffle)."""
        c = self.ctr
        lo = c[0] | c[1] << 32
        if count == 1 or lo + count >= 1 << 64:  # (a carry into the high words: one by one)
            out = []
            for _ in range(count):
                out.extend(self._one())
            return out
        k0, k1 = self.key
        ctr = np.arange(lo, lo + count, dtype=np.uint64)
        c0, c1 = ctr & _M32, ctr >> np.uint64(32)
        c2 = np.full(count, c[2], np.uint64)
        c3 = np.full(count, c[3], np.uint64)
        for _ in range(10):
            p0, p1 = c0 * np.uint64(0xD2511F53), c2 * np.uint64(0xCD9E8D57)
            c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & _M32,
                              (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & _M32)
            k0, k1 = (k0 + 0x9E3779B9) & _M32, (k1 + 0xBB67AE85) & _M32
        lo += count
        c[0], c[1] = lo & _M32, lo >> 32
        return np.stack([c0, c1, c2, c3], 1).reshape(-1).tolist()

    def _one(self):
        out = philox_block(self.ctr, self.key)
        for i in range(4):  # the 128-bit counter steps by one
            self.ctr[i] = (self.ctr[i] + 1) & _M32
            if self.ctr[i]:
                break
        return out


class _Single:
    """TF's SingleSampleAdapter: the 32-bit words of Philox blocks, one at a time (drawn
    ahead in growing runs of blocks: 1, 2, 4, ... 256)."""

    def __init__(self, philox):
        self.philox, self.left, self.ahead = philox, [], 1

    def __call__(self):
        left = self.left
        if not left:
            left = self.left = self.philox.blocks(self.ahead)[::-1]
            self.ahead = min(2 * self.ahead, 256)
        return left.pop()
