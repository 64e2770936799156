"""TF's Philox4x32-10: the published known-answer vectors (Salmon et al., Random123)."""

from scopeflow.ops.philox import Philox32, philox_block


def test_known_answers():
    assert philox_block((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C,
                                                  0x9B00DBD8)
    assert philox_block((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2) == (
        0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)


def test_stream_takes_four_words_per_block_in_order():
    g = Philox32(0, 0)
    assert [g.next() for _ in range(4)] == list(philox_block((0, 0, 0, 0), (0, 0)))
    assert g.next() == philox_block((1, 0, 0, 0), (0, 0))[0]
