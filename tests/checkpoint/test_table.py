"""LevelDB tables (the `.index` container) and their checksums."""

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow import errors
from scopeflow.checkpoint import snappy, table


def test_mask_round_trip_and_known_value():
    # crc32c("123456789") = 0xE3069283 (the standard check value)
    crc = table.crc32c(b"123456789")
    assert crc == 0xE3069283
    assert table.unmask(table.mask(crc)) == crc
    assert table.mask(crc) != crc


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32, 2**63 - 1])
def test_varint_round_trip(value):
    out = bytearray()
    table.put_varint(out, value)
    assert table.get_varint(bytes(out), 0) == (value, len(out))


def test_separators_as_leveldb():
    assert table.shortest_separator(b"abc", b"abe") == b"abd"
    assert table.shortest_separator(b"abc", b"abd") == b"abc"  # no room between
    assert table.shortest_separator(b"ab", b"abc") == b"ab"  # prefix: unchanged
    assert table.short_successor(b"w") == b"x"
    assert table.short_successor(b"\xff\xffa") == b"\xff\xffb"
    assert table.short_successor(b"\xff") == b"\xff"


def test_footer_layout():
    data = table.build_table([(b"", b"header"), (b"w", b"v")])
    assert struct.unpack("<Q", data[-8:])[0] == table.MAGIC
    assert len(data) > table.FOOTER_SIZE


_keys = st.lists(st.binary(max_size=12), unique=True, max_size=60).map(sorted)


@settings(max_examples=60, deadline=None)
@given(_keys, st.integers(1, 200))
def test_round_trip_many_blocks(keys, block_size):
    items = [(k, k[::-1] * 3) for k in keys]
    w = table.TableWriter(block_size=block_size)
    for k, v in items:
        w.add(k, v)
    assert table.read_table(w.finish()) == items


def test_restart_points_every_16_entries():
    items = [(b"key%03d" % i, b"v") for i in range(40)]
    data = table.build_table(items)
    assert table.read_table(data) == items


def test_keys_must_increase():
    w = table.TableWriter()
    w.add(b"b", b"")
    with pytest.raises(ValueError):
        w.add(b"a", b"")


def test_block_checksum_mismatch_is_data_loss():
    data = bytearray(table.build_table([(b"", b"h"), (b"w", b"value")]))
    data[3] ^= 0xFF
    with pytest.raises(errors.DataLossError, match="checksum mismatch"):
        table.read_table(bytes(data))


def test_bad_magic_is_data_loss():
    data = bytearray(table.build_table([(b"", b"h")]))
    data[-1] ^= 0xFF
    with pytest.raises(errors.DataLossError, match="bad magic"):
        table.read_table(bytes(data))


def test_snappy_literals_and_copies():
    # "abc" literal, then a 1-byte-offset copy of 9 bytes at distance 3 (overlapping)
    src = bytes([12, 2 << 2]) + b"abc" + bytes([1 | ((9 - 4) << 2), 3])
    assert snappy.decompress(src) == b"abcabcabcabc"
    # 2-byte-offset copy of 4 bytes at distance 4
    src = bytes([8, 3 << 2]) + b"wxyz" + bytes([2 | (3 << 2), 4, 0])
    assert snappy.decompress(src) == b"wxyzwxyz"


def test_snappy_bad_offset_is_data_loss():
    with pytest.raises(errors.DataLossError):
        snappy.decompress(bytes([4, 1 | (0 << 2), 9]))
