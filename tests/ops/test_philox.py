"""TF's Philox4x32-10: the published known-answer vectors (Salmon et al., Random123), on the
host and vectorized, and TF's counter arithmetic."""

import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.lowering.lower import x64
from scopeflow.ops.philox import Philox32, Stream, philox_block, philox_rounds


@pytest.fixture(autouse=True)
def _x64():
    with x64():  # 64-bit types, as inside a run
        yield


def test_known_answers():
    assert philox_block((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C,
                                                  0x9B00DBD8)
    assert philox_block((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2) == (
        0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)


def test_stream_takes_four_words_per_block_in_order():
    g = Philox32(0, 0)
    assert [g.next() for _ in range(4)] == list(philox_block((0, 0, 0, 0), (0, 0)))
    assert g.next() == philox_block((1, 0, 0, 0), (0, 0))[0]


# Random123's known-answer vectors for philox4x32-10: (counter, key) -> output
KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_vectorized_known_answers(ctr, key, expected):
    out = philox_rounds(*[jnp.uint32(c) for c in ctr], jnp.uint32(key[0]), jnp.uint32(key[1]))
    assert [int(o) for o in out] == expected


def test_stream_counter_layout():
    # TF: key = seed's halves, counter = [0, 0, seed2 low, seed2 high] plus the call number
    seed, seed2 = 0x0123456789ABCDEF, 0x0FEDCBA987654321
    words = np.stack(Stream(seed, seed2).words(np.array([5], np.uint64)), -1)[0]
    ref = philox_rounds(jnp.uint32(5), jnp.uint32(0), jnp.uint32(0x87654321),
                        jnp.uint32(0x0FEDCBA9), jnp.uint32(0x89ABCDEF), jnp.uint32(0x01234567))
    assert words.tolist() == [int(r) for r in ref]


def test_skip_carries_into_the_high_words():
    # a 64-bit offset that overflows carries into counter word 2 (seed2's low half)
    s = Stream(7, 0xFFFFFFFF, np.uint64(2 ** 64 - 1))
    words = np.stack(s.words(np.array([1], np.uint64)), -1)[0]
    ref = philox_rounds(jnp.uint32(0), jnp.uint32(0), jnp.uint32(0), jnp.uint32(1),
                        jnp.uint32(7), jnp.uint32(0))
    assert words.tolist() == [int(r) for r in ref]


def test_offsets_and_single_samples():
    s0, s1 = Stream(1, 2), Stream(1, 2, np.uint64(3))
    w0 = np.stack(s0.words(np.arange(6, dtype=np.uint64)), -1)
    assert np.array_equal(np.stack(s1.words(np.arange(3, dtype=np.uint64)), -1), w0[3:])
    single = np.asarray(s0.samples(np.arange(4, 10, dtype=np.uint64)))
    assert np.array_equal(single, w0.reshape(-1)[4:10])
