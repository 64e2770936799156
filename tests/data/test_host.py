"""Host datasets against a plain-Python reference: batch, shuffle, take, skip, repeat, ..."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow import errors
from scopeflow.data import host, producers, shuffle


def values(ds):
    return [tuple(np.asarray(c).tolist() for c in el) for el in ds]


def ref_batch(xs, n, drop):
    out = [xs[i:i + n] for i in range(0, len(xs), n)]
    return [b for b in out if len(b) == n or not drop]


def ref_take(xs, n):
    return list(xs) if n < 0 else xs[:n]


def ref_skip(xs, n):
    return [] if n < 0 else xs[n:]


def ref_repeat(xs, n):
    return list(xs) * n if n >= 0 else None


STEPS = st.lists(st.one_of(
    st.tuples(st.just("batch"), st.integers(1, 5), st.booleans()),
    st.tuples(st.just("take"), st.integers(-1, 12)),
    st.tuples(st.just("skip"), st.integers(-1, 12)),
    st.tuples(st.just("repeat"), st.integers(0, 3)),
), max_size=4)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 20), steps=STEPS)
def test_pipeline_matches_reference(n, steps):
    ds = host.Range(0, n, 1)
    ref = [[i] for i in range(n)]  # one component per element
    batched = False
    for step in steps:
        if step[0] == "batch":
            if batched:
                continue  # the reference keeps elements flat
            ds = host.Batch(ds, step[1], step[2])
            ref = [[[x[0] for x in b]] for b in ref_batch(ref, step[1], step[2])]
            batched = True
        elif step[0] == "take":
            ds, ref = host.Take(ds, step[1]), ref_take(ref, step[1])
        elif step[0] == "skip":
            ds, ref = host.Skip(ds, step[1]), ref_skip(ref, step[1])
        else:
            ds, ref = host.Repeat(ds, step[1]), ref_repeat(ref, step[1])
    assert values(ds) == [tuple(r) for r in ref]
    assert values(ds) == [tuple(r) for r in ref]  # a second pass starts over


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 30), size=st.integers(1, 40), seed=st.integers(1, 2**31 - 1),
       passes=st.integers(1, 3))
def test_shuffle_permutes_each_pass(n, size, seed, passes):
    ds = host.Repeat(shuffle.Shuffle(host.Range(0, n, 1), size, seed, 7), passes)
    got = [e[0] for e in values(ds)]
    for p in range(passes):
        assert sorted(got[p * n:(p + 1) * n]) == list(range(n))
    if size == 1:  # a buffer of one keeps the order
        assert got == list(range(n)) * passes
    again = host.Repeat(shuffle.Shuffle(host.Range(0, n, 1), size, seed, 7), passes)
    assert [e[0] for e in values(again)] == got


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 12), size=st.integers(1, 4))
def test_shuffle_window_bounds_displacement(n, size):
    got = [e[0] for e in values(shuffle.Shuffle(host.Range(0, n, 1), size, 3, 4))]
    for i, x in enumerate(got):  # element x can only leave once it entered the buffer
        assert x <= i + size - 1


def ref_interleave(lengths, cycle, block):
    """TF's interleave order for inputs i -> [i] * lengths[i]: a slot is refilled when the
    cycle reaches it empty; an exhausted slot is noticed on the visit after its last value."""
    pending = list(enumerate(lengths))
    slots = [None] * cycle  # remaining values per slot
    out, i, used = [], 0, 0
    while pending or any(s is not None for s in slots):
        if slots[i] is None:
            if pending:
                v, m = pending.pop(0)
                slots[i] = [v] * m
                continue
        elif slots[i]:
            out.append(slots[i].pop())
            used += 1
            if used < block:
                continue
        else:
            slots[i] = None
        i, used = (i + 1) % cycle, 0
    return out


@settings(max_examples=100, deadline=None)
@given(lengths=st.lists(st.integers(1, 4), max_size=6), cycle=st.integers(1, 3),
       block=st.integers(1, 3))
def test_interleave_matches_reference(lengths, cycle, block):
    # input element 10 * i + m opens a dataset of m copies of i
    codes = np.asarray([10 * i + m for i, m in enumerate(lengths)], dtype=np.int64)

    def open_one(el):
        code = int(el[0])
        return [host.Repeat(host.Tensors([np.int64(code // 10)]), code % 10)]

    got = values(host.Interleave(host.TensorSlices([codes]), open_one, cycle, block))
    assert [e[0] for e in got] == ref_interleave(lengths, cycle, block)


def test_padded_batch_and_unbatch():
    src = host.TensorSlices([np.asarray([[1, 2], [3, 4], [5, 6]])])
    assert values(host.Unbatch(host.Batch(src, 2, False))) == values(src)
    ragged = host.Map(host.Range(1, 4, 1), lambda el: (np.arange(el[0]),))
    got = values(host.PaddedBatch(ragged, 2, [np.asarray([-1])], [np.int64(-1)], False))
    assert got == [([[0, -1], [0, 1]],), ([[0, 1, 2]],)]


def test_errors_are_tf_classes():
    with pytest.raises(errors.InvalidArgumentError, match="Batch size must be greater"):
        host.Batch(host.Range(0, 1, 1), 0, False)
    with pytest.raises(errors.InvalidArgumentError, match="step must be a non-zero"):
        host.Range(0, 1, 0)
    ragged = host.Map(host.Range(1, 3, 1), lambda el: (np.arange(el[0]),))
    with pytest.raises(errors.InvalidArgumentError, match="Cannot add tensor to the batch"):
        values(host.Batch(ragged, 2, False))


def test_cache_replays_the_first_pass():
    calls = []
    src = host.Map(host.Range(0, 3, 1), lambda el: calls.append(1) or el)
    ds = host.Repeat(host.Cache(src), 3)
    assert [e[0] for e in values(ds)] == [0, 1, 2] * 3
    assert len(calls) == 3


def test_endless_repeat_of_nothing_ends():
    assert values(host.Repeat(host.Range(0, 0, 1), -1)) == []


def test_prefetch_keeps_order_passes_errors_and_stops_its_producer():
    import threading
    # only this test's producers: another test in the worker may still hold an iterator open
    others = set(threading.enumerate())
    ds = producers.Prefetch(host.Range(0, 50, 1), 3)
    assert [e[0] for e in values(ds)] == list(range(50))

    def boom(el):
        if el[0] == 2:
            raise errors.InvalidArgumentError(None, None, "bad element")
        return el

    it = iter(producers.Prefetch(host.Map(host.Range(0, 5, 1), boom), -1))
    assert [next(it)[0], next(it)[0]] == [0, 1]
    with pytest.raises(errors.InvalidArgumentError, match="bad element"):
        next(it)
    assert [e[0] for e in it] == [3, 4]  # as TF's, the pass goes on after an element's error
    endless = iter(producers.Prefetch(host.Repeat(host.Range(0, 3, 1), -1), 2))
    next(endless)
    endless.close()  # what a re-initialized iterator or a closed Session does
    mine = [t for t in threading.enumerate() if t.name == "tf.data prefetch" and t not in others]
    for t in mine:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in mine)


BATCH_ERRORS = """
R = tf.data.Dataset.range
f = lambda x: tf.fill([x % 3, 2], x)
flip = lambda x: tf.reshape(tf.range(6), tf.cond(x > 1, lambda: [3, 2], lambda: [2, 3]))
result = [rows(R(5).map(f).filter(lambda x: True).batch(2)),
          rows(R(4).map(flip).prefetch(1).batch(4)),
          rows(R(5).map(lambda x: (x, f(x))).filter(lambda a, b: True).batch(3)),
          rows(R(5).map(f).filter(lambda x: True).padded_batch(2, [1, 2]))]
"""


@pytest.mark.oracle
def test_batch_errors_match_tf(oracle):
    """Elements of two shapes: TF's message (a batch not fused with a map: "Cannot batch
    tensors with different shapes in component k ..."), padding too small: DataLossError; the
    iterator goes on with the next batch."""
    from data_oracle import DATA_PRELUDE, matches_tf
    matches_tf(oracle, DATA_PRELUDE + BATCH_ERRORS)
