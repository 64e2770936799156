"""The keyed and legacy string hashes of TF's bucket ops, as TF's CPU kernels compute them.

- `hash64(s)`: TF's own Hash64 (a MurmurHash64A variant seeded 0xDECAFCAFFE), the hash of
  StringToHashBucket (`tf.string_to_hash_bucket`, `tf.strings.to_hash_bucket`).
- `siphash(key, s)`: SipHash-2-4 keyed by two uint64s, TF's StrongKeyedHash, the hash of
  StringToHashBucketStrong (`tf.strings.to_hash_bucket_strong`).

Both are public algorithms (Appleby's MurmurHash2; Aumasson and Bernstein's SipHash).

>>> hash64(b"") == hash64(b"")
True
>>> siphash((0, 0), b"a") != siphash((0, 1), b"a")
True
"""

import struct

_M = (1 << 64) - 1
_MURMUR = 0xc6a4a7935bd1e995


def hash64(s, seed=0xDECAFCAFFE):
    """TF's Hash64 of bytes `s`: 8-byte little-endian words mixed in, the 1-7 tail bytes
    xored in at their offsets, then a final avalanche; an unsigned 64-bit int."""
    n = len(s)
    h = (seed ^ (n * _MURMUR)) & _M
    full = n - n % 8
    for (k,) in struct.iter_unpack("<Q", s[:full]):
        k = (k * _MURMUR) & _M
        k ^= k >> 47
        k = (k * _MURMUR) & _M
        h = ((h ^ k) * _MURMUR) & _M
    tail = s[full:]
    if tail:
        for i, b in enumerate(tail):
            h ^= b << (8 * i)
        h = (h * _MURMUR) & _M
    h ^= h >> 47
    h = (h * _MURMUR) & _M
    return h ^ (h >> 47)


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & _M


def _rounds(v, n):
    v0, v1, v2, v3 = v
    for _ in range(n):
        v0 = (v0 + v1) & _M
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & _M
        v3 = _rotl(v3, 16) ^ v2
        v0 = (v0 + v3) & _M
        v3 = _rotl(v3, 21) ^ v0
        v2 = (v2 + v1) & _M
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
    return [v0, v1, v2, v3]


def siphash(key, s):
    """SipHash-2-4 of bytes `s` under `key` = (k0, k1), unsigned 64-bit ints."""
    k0, k1 = key[0] & _M, key[1] & _M
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    n = len(s)
    last = (n & 0xff) << 56
    full = n - n % 8
    for (m,) in struct.iter_unpack("<Q", s[:full]):
        v[3] ^= m
        v = _rounds(v, 2)
        v[0] ^= m
    for i, b in enumerate(s[full:]):
        last |= b << (8 * i)
    v[3] ^= last
    v = _rounds(v, 2)
    v[0] ^= last
    v[2] ^= 0xff
    v = _rounds(v, 4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]
