"""TF's Philox4x32-10 counter-based generator (random/philox_random.h), on the host.

Used where TF's kernels draw from it directly with a seed pair, so seeded results match TF:
`PhiloxRandom(seed, seed2)` keys on `seed` and starts its counter's high half at `seed2`.

>>> g = Philox32(1, 2)
>>> [g.next() < 2 ** 32 for _ in range(5)]
[True, True, True, True, True]
"""

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
