"""Folded values remembered: the same fold is computed once, its value handed out again as a
copy, and nothing that could differ (attribute types, dtypes, a check made) shares a key."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scopeflow.lowering import fold_memo
from scopeflow.lowering.fold_memo import Memo

_DTYPES = st.sampled_from([np.int32, np.int64, np.float32, np.uint8, np.bool_, np.float64])


def _arrays():
    return _DTYPES.flatmap(lambda d: hnp.arrays(d, hnp.array_shapes(min_dims=0, max_dims=2,
                                                                    max_side=3)))


@settings(max_examples=200, deadline=None)
@given(_arrays(), _arrays())
def test_keys_are_equal_exactly_when_inputs_are(a, b):
    m = Memo()
    same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    assert (m.key("Fill", len, {}, [a]) == m.key("Fill", len, {}, [b])) == same


@pytest.mark.parametrize("x,y", [
    (1, True), (1, 1.0), (0.0, -0.0), ("a", b"a"), ([1, 2], (1, 2)), (None, 0)])
def test_attributes_of_other_types_or_signs_get_other_keys(x, y):
    m = Memo()
    assert m.key("Op", len, {"a": x}, []) != m.key("Op", len, {"a": y}, [])
    assert m.key("Op", len, {"a": x}, []) == m.key("Op", len, {"a": x}, [])


def test_keys_differ_with_64_bit_types_on_and_off():
    from scopeflow.lowering.lower import x64
    m = Memo()
    args = [np.array([2, 3], np.int32)]
    with x64():
        on = m.key("Shape", len, {"out_type": 1}, args)
    assert m.key("Shape", len, {"out_type": 1}, args) != on


def test_what_cannot_be_keyed_is_not():
    import jax
    m = Memo()
    assert m.key("Op", len, {"f": object()}, []) is None
    assert m.key("Op", len, {}, [np.array([object()], object)]) is None
    assert m.key("Op", len, {}, [np.zeros(fold_memo.MAX_ELEMENTS + 1, np.int32)]) is None
    keys = []

    def shapes_of(x, y, z):
        keys.extend([m.key("Shape", len, {}, [x]), m.key("Shape", len, {}, [x], facts=True),
                     m.key("Shape", len, {}, [y], facts=True),
                     m.key("Shape", len, {}, [z], facts=True)])
        return x
    jax.make_jaxpr(shapes_of)(np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32),
                              np.zeros((3, 2), np.float32))
    # a traced input is keyed by its shape and dtype, only for an op that reads nothing else
    assert keys[0] is None and keys[1] is not None
    assert keys[1] == keys[2] and keys[1] != keys[3]


def test_hits_are_copies_and_the_store_is_bounded():
    m = Memo(entries=3, nbytes=80)
    keys = [m.key("Fill", len, {}, [np.int32(i)]) for i in range(5)]
    m.put(keys[0], np.arange(4, dtype=np.int32))
    got = m.get(keys[0])
    got[0] = 99
    assert m.get(keys[0]).tolist() == [0, 1, 2, 3]
    for k in keys[1:4]:
        m.put(k, [np.int32(1), np.zeros(2, np.int64)])
    assert len(m) == 3 and m.get(keys[0]) is None  # the least recently used went first
    m.put(keys[4], np.zeros(8, np.float32))  # 32 bytes and its key: the others make room
    assert m.get(keys[4]).tolist() == [0.0] * 8 and m._bytes <= 80
    m.put(keys[0], np.zeros(100, np.float32))  # larger than the store: not kept
    assert m.get(keys[0]) is None and m._bytes <= 80
    m.put(keys[0], "text")  # not an array: not kept
    assert m.get(keys[0]) is None


def test_the_bytes_of_keys_count_against_the_bound():
    m = Memo(entries=100, nbytes=4096)
    keys = [m.key("Mul", len, {}, [np.full(256, i, np.float32)] * 2) for i in range(8)]
    for k in keys:
        m.put(k, np.int32(1))  # a 4-byte value under a 2048-byte key
    assert len(m) == 1 and m._bytes <= 4096 and m.get(keys[-1]) == 1


def _count_folds(monkeypatch):
    from scopeflow.lowering import lower
    calls = []
    orig = lower._in_numpy

    def spy(ctx, rec, op, args, run):
        calls.append(op.type)
        return orig(ctx, rec, op, args, run)
    monkeypatch.setattr(lower, "_in_numpy", spy)
    return calls


def test_repeated_folds_are_computed_once_with_the_same_values(monkeypatch):
    import scopeflow.compat.v1 as tf
    monkeypatch.setattr(fold_memo, "FOLDED", Memo())
    calls = _count_folds(monkeypatch)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        outs = [tf.fill(tf.shape(x), float(i % 2)) + x for i in range(10)]
        total = tf.add_n(outs)
    feed = {x: np.arange(6, dtype=np.float32).reshape(2, 3)}
    with tf.Session(graph=g) as sess:
        got = sess.run(total, feed)
    np.testing.assert_array_equal(got, 10 * feed[x] + 5)
    # 10 Shapes of one traced value, 10 Fills of two values: one fold each of 3, not 20
    assert sorted(calls) == ["Fill", "Fill", "Shape"], calls
    assert len(fold_memo.FOLDED) >= 3


def test_a_fold_that_made_a_check_is_not_remembered(monkeypatch):
    """FloorMod by a known zero inside a branch records its check (not raised while tracing).
    Traced first where its branch is not taken, then in another cond where it is: that one
    must record its check too, and the run fail as TF's does."""
    import scopeflow.compat.v1 as tf
    from scopeflow.errors import InvalidArgumentError
    monkeypatch.setattr(fold_memo, "FOLDED", Memo())
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [])
        p = x > 0  # (not a fed flag: both branches are traced)
        a, b = tf.constant([5, 7]), tf.constant([3, 0])
        first = tf.cond(p, lambda: a, lambda: tf.floormod(a, b))
        second = tf.cond(p, lambda: tf.floormod(a, b), lambda: a)
        ok = tf.floormod(a, tf.constant([3, 2])) + tf.floormod(a, tf.constant([3, 2]))
    with tf.Session(graph=g) as sess:
        assert sess.run(first, {x: 1.0}).tolist() == [5, 7]
        with pytest.raises(InvalidArgumentError, match="Integer division by zero"):
            sess.run(second, {x: 1.0})
        assert sess.run(ok).tolist() == [4, 2]
