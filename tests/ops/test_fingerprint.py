"""FarmHash Fingerprint64 (ops/fingerprint.py): memoized for short strings, bounded."""

import numpy as np

from scopeflow.ops import fingerprint as fp


def test_memoized_values_are_the_computed_ones():
    rs = np.random.RandomState(0)
    words = [bytes(rs.randint(0, 256, rs.randint(0, 150)).astype(np.uint8)) for _ in range(300)]
    first = [fp.fingerprint64(w) for w in words]
    again = [fp.fingerprint64(w) for w in words]  # (the short ones from the memo)
    assert first == again == [fp._fingerprint64(w) for w in words]
    assert fp.fingerprint64(b"") == 0x9ae16a3b2f90404f  # FarmHash's value of the empty string


def test_the_memo_is_bounded_and_keeps_only_short_strings(monkeypatch):
    monkeypatch.setattr(fp, "_MEMO_LIMIT", 10)
    monkeypatch.setattr(fp, "_memo", {})
    for i in range(25):
        fp.fingerprint64(b"token%d" % i)
    assert 0 < len(fp._memo) <= 10
    fp.fingerprint64(b"x" * 65)
    assert b"x" * 65 not in fp._memo
