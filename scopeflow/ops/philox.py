"""TF's Philox4x32-10 counter-based generator (tensorflow/core/lib/random/philox_random.h).

A TF random op owns one generator made from its (seed, seed2) attributes: key = seed's two
32-bit halves, counter = [0, 0, seed2 low, seed2 high]; each call returns four uint32 words
and adds one to the 128-bit counter. Two forms here: `Philox32`, one word at a time on the
host (TF's SingleSampleAdapter, for host kernels), and `Stream`, vectorized JAX for compiled
kernels: every call is computed from its own counter, so a whole output is one expression;
each execution of a stateful op first reserves a number of calls (from its shapes) and skips
past them, so an execution starts at the sum of what earlier ones reserved
(RunContext.philox_offset).

>>> g = Philox32(1, 2)
>>> [g.next() < 2 ** 32 for _ in range(5)]
[True, True, True, True, True]
"""

import jax.numpy as jnp
import numpy as np

_M = 0xFFFFFFFF
_W32A, _W32B = 0x9E3779B9, 0xBB67AE85
_M4x32A, _M4x32B = 0xD2511F53, 0xCD9E8D57


def philox_block(counter, key):
    """The 4 uint32 outputs of 10 Philox rounds over `counter` (4 words) with `key` (2)."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for i in range(10):
        p0 = _M4x32A * c0
        p1 = _M4x32B * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & _M, p1 & _M, ((p0 >> 32) ^ c3 ^ k1) & _M, \
            p0 & _M
        if i < 9:
            k0, k1 = (k0 + _W32A) & _M, (k1 + _W32B) & _M
    return c0, c1, c2, c3


class Philox32:
    """TF's `SingleSampleAdapter<PhiloxRandom>`: one uint32 at a time, 4 per Philox block."""

    def __init__(self, seed, seed2):
        seed &= 0xFFFFFFFFFFFFFFFF
        seed2 &= 0xFFFFFFFFFFFFFFFF
        self.key = (seed & _M, seed >> 32)
        self.counter = [0, 0, seed2 & _M, seed2 >> 32]
        self.buf = []

    def next(self):
        if not self.buf:
            block = philox_block(self.counter, self.key)
            self.buf = list(reversed(block))
            c = self.counter  # the 128-bit counter steps by one
            for i in range(4):
                c[i] = (c[i] + 1) & _M
                if c[i]:
                    break
        return self.buf.pop()


# ---- vectorized, in compiled kernels -------------------------------------------------------
_M0, _M1 = np.uint64(_M4x32A), np.uint64(_M4x32B)
_U32 = np.uint64(_M)


def philox_rounds(c0, c1, c2, c3, k0, k1):
    """The 10 rounds of Philox-4x32 over uint32 arrays (counter words, key words)."""
    for r in range(10):
        p0 = c0.astype(jnp.uint64) * _M0
        p1 = c2.astype(jnp.uint64) * _M1
        hi0, lo0 = (p0 >> 32).astype(jnp.uint32), (p0 & _U32).astype(jnp.uint32)
        hi1, lo1 = (p1 >> 32).astype(jnp.uint32), (p1 & _U32).astype(jnp.uint32)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        if r < 9:
            k0 = k0 + jnp.uint32(_W32A)
            k1 = k1 + jnp.uint32(_W32B)
    return c0, c1, c2, c3


class Stream:
    """The calls of one op's generator from a (possibly traced) 64-bit counter offset.

    `seed`, `seed2` are the op's attributes (Python ints); `offset` is the number of calls
    skipped before this run (uint64, may be traced).
    """

    def __init__(self, seed, seed2, offset=0):
        seed, seed2 = int(seed) & (2 ** 64 - 1), int(seed2) & (2 ** 64 - 1)
        self.key = (jnp.uint32(seed & 0xFFFFFFFF), jnp.uint32(seed >> 32))
        self.hi = (jnp.uint32(seed2 & 0xFFFFFFFF), jnp.uint32(seed2 >> 32))
        self.offset = jnp.asarray(offset, jnp.uint64)

    def words(self, calls):
        """The four uint32 words of the calls numbered `calls` (uint64 array): a tuple of four
        arrays shaped like `calls`. Callers pick words elementwise (`pick`) rather than
        stacking them: XLA's CPU backend fuses a concatenation with its producers into a
        scalar loop that recomputes them (30x slower here); elementwise selects stay
        vectorized and compute each call once per output element."""
        lo = self.offset + jnp.asarray(calls, jnp.uint64)  # low 64 bits of the counter
        carry = (lo < self.offset).astype(jnp.uint32)  # into the high 64 bits
        c2 = self.hi[0] + carry
        c3 = self.hi[1] + ((c2 == 0) & (carry == 1)).astype(jnp.uint32)
        c0 = (lo & _U32).astype(jnp.uint32)
        c1 = (lo >> 32).astype(jnp.uint32)
        c2 = jnp.broadcast_to(c2, c0.shape)
        c3 = jnp.broadcast_to(c3, c0.shape)
        return philox_rounds(c0, c1, c2, c3, self.key[0], self.key[1])

    def at(self, idx):
        """The stream of the groups at `idx`: one stream serves them all."""
        return self

    def samples(self, positions):
        """Words of the single-sample stream (SingleSampleAdapter) at `positions` (uint64):
        word p is word p % 4 of call p // 4."""
        positions = jnp.asarray(positions, jnp.uint64)
        return pick(self.words(positions >> np.uint64(2)), (positions & np.uint64(3)))


class KeyStream(Stream):
    """A generator whose key and counter are (possibly traced) uint32 words: the key and
    counter inputs of TF's stateless ops. `offset` is the counter's low 64 bits (uint64)."""

    def __init__(self, key0, key1, hi0, hi1, offset):
        self.key, self.hi, self.offset = (key0, key1), (hi0, hi1), offset


def pick(words, k):
    """Elementwise words[k] for a tuple of four word arrays and an index array `k`."""
    k = jnp.asarray(k).astype(jnp.int32)
    return jnp.where(k < 2, jnp.where(k == 0, words[0], words[1]),
                     jnp.where(k == 2, words[2], words[3]))


class GroupStream(Stream):
    """Several ops' streams side by side: one (key, counter high words, offset) per element
    of the call arrays `words` gets, so one program computes many ops' outputs at once.

    `key0`, `key1`, `hi0`, `hi1` are uint32 arrays and `offset` a uint64 array, all shaped
    like the calls they serve."""

    def __init__(self, key0, key1, hi0, hi1, offset):
        self.key, self.hi, self.offset = (key0, key1), (hi0, hi1), offset

    def at(self, idx):
        """The streams of the groups at `idx` (out of range: clipped, like callers' padding)."""
        def take(a):
            return a.at[idx].get(mode="clip")
        return GroupStream(take(self.key[0]), take(self.key[1]), take(self.hi[0]),
                           take(self.hi[1]), take(self.offset))
