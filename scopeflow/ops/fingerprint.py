"""FarmHash's Fingerprint64 (farmhashna::Hash64), the hash of TF's StringToHashBucketFast:
`tf.strings.to_hash_bucket_fast(s, n)` is Fingerprint64(s) mod n. The algorithm is Google's
published FarmHash; this is a Python rendering of it on 64-bit wrapping integers.

>>> fingerprint64(b"")
11160318154034397263
"""

import struct

_M = (1 << 64) - 1
_K0, _K1, _K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


def _u64(s, i):
    return struct.unpack_from("<Q", s, i)[0]


def _u32(s, i):
    return struct.unpack_from("<I", s, i)[0]


def _rot(v, r):
    return ((v >> r) | (v << (64 - r))) & _M if r else v


def _mix(v):
    return v ^ (v >> 47)


def _len16(u, v, mul):
    a = _mix(((u ^ v) * mul) & _M)
    b = _mix(((v ^ a) * mul) & _M)
    return (b * mul) & _M


def _upto16(s, n):
    if n >= 8:
        mul = _K2 + n * 2
        a = (_u64(s, 0) + _K2) & _M
        b = _u64(s, n - 8)
        c = (_rot(b, 37) * mul + a) & _M
        d = ((_rot(a, 25) + b) * mul) & _M
        return _len16(c, d, mul)
    if n >= 4:
        return _len16((n + (_u32(s, 0) << 3)) & _M, _u32(s, n - 4), _K2 + n * 2)
    if n:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_mix(((y * _K2) ^ (z * _K0)) & _M) * _K2) & _M
    return _K2


def _ends(s, n, ka):
    """The four words the 17..64-byte cases start from (two at each end), and `mul`."""
    mul = _K2 + n * 2
    return ((_u64(s, 0) * ka) & _M, _u64(s, 8), (_u64(s, n - 8) * mul) & _M,
            (_u64(s, n - 16) * _K2) & _M, mul)


def _upto32(s, n):
    a, b, c, d, mul = _ends(s, n, _K1)
    return _len16((_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M,
                  (a + _rot((b + _K2) & _M, 18) + c) & _M, mul)


def _upto64(s, n):
    a, b, c, d, mul = _ends(s, n, _K2)
    y = (_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M
    z = _len16(y, (a + _rot((b + _K2) & _M, 18) + c) & _M, mul)
    e = (_u64(s, 16) * mul) & _M
    f = _u64(s, 24)
    g = ((y + _u64(s, n - 32)) * mul) & _M
    h = ((z + _u64(s, n - 24)) * mul) & _M
    return _len16((_rot((e + f) & _M, 43) + _rot(g, 30) + h) & _M,
                  (e + _rot((f + a) & _M, 18) + g) & _M, mul)


def _weak32(s, i, a, b):
    """The 16-byte hash of s[i:i+32] with seeds a, b, as a pair."""
    w, x, y, z = (_u64(s, i + 8 * j) for j in range(4))
    a = (a + w) & _M
    b = _rot((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _rot(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def _step(s, i, state, mul, last):
    """One 64-byte round of the long-input loop over s[i:i+64]."""
    x, y, z, v, w = state
    x = (_rot((x + y + v[0] + _u64(s, i + 8)) & _M, 37) * mul) & _M
    y = (_rot((y + v[1] + _u64(s, i + 48)) & _M, 42) * mul) & _M
    x ^= (w[1] * 9) & _M if last else w[1]
    y = (y + (v[0] * 9 if last else v[0]) + _u64(s, i + 40)) & _M
    z = (_rot((z + w[0]) & _M, 33) * mul) & _M
    v = _weak32(s, i, (v[1] * mul) & _M, (x + w[0]) & _M)
    w = _weak32(s, i + 32, (z + w[1]) & _M, (y + _u64(s, i + 16)) & _M)
    return z, y, x, v, w  # x and z trade places


_memo = {}  # short strings seen (tokens repeat from batch to batch) -> their fingerprint
_MEMO_LIMIT = 1 << 16  # entries, of at most 64 bytes each: cleared when full


def fingerprint64(s):
    """FarmHash Fingerprint64 of bytes `s`, an unsigned 64-bit int."""
    h = _memo.get(s)
    if h is None:
        h = _fingerprint64(s)
        if len(s) <= 64:
            if len(_memo) >= _MEMO_LIMIT:
                _memo.clear()
            _memo[s] = h
    return h


def _fingerprint64(s):
    n = len(s)
    if n <= 16:
        return _upto16(s, n)
    if n <= 32:
        return _upto32(s, n)
    if n <= 64:
        return _upto64(s, n)
    seed = 81
    y = (seed * _K1 + 113) & _M
    z = (_mix((y * _K2 + 113) & _M) * _K2) & _M
    x = (seed * _K2 + _u64(s, 0)) & _M
    state = (x, y, z, (0, 0), (0, 0))
    end = ((n - 1) // 64) * 64
    for i in range(0, end, 64):
        state = _step(s, i, state, _K1, False)
    x, y, z, v, w = state
    mul = _K1 + ((z & 0xff) << 1)
    w0 = (w[0] + ((n - 1) & 63)) & _M
    v0 = (v[0] + w0) & _M
    w0 = (w0 + v0) & _M
    x, y, z, v, w = _step(s, n - 64, (x, y, z, (v0, v[1]), (w0, w[1])), mul, True)
    return _len16((_len16(v[0], w[0], mul) + _mix(y) * _K0 + z) & _M,
                  (_len16(v[1], w[1], mul) + x) & _M, mul)
