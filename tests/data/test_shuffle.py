"""The host shuffle's Philox words and what a pass can tell of its end."""

import numpy as np
import pytest

from scopeflow.data import host, shuffle
from scopeflow.ops.philox import Philox32


@pytest.mark.parametrize("seeds", [(1, 2), (87654321, 1), (2**64 - 1, 2**63 + 5)])
def test_words_drawn_in_runs_of_blocks_are_the_stream(seeds):
    words = shuffle._Single(shuffle._Philox(*seeds))
    ref = Philox32(*seeds)
    assert [words() for _ in range(3000)] == [ref.next() for _ in range(3000)]


def test_runs_of_blocks_carry_into_the_high_counter_words():
    a, b = shuffle._Philox(5, 7), shuffle._Philox(5, 7)
    a.ctr[0] = a.ctr[1] = b.ctr[0] = b.ctr[1] = 0xFFFFFFFF
    a.ctr[0] = b.ctr[0] = 0xFFFFFFFC
    assert a.blocks(10) == [w for _ in range(10) for w in b._one()]


@pytest.mark.parametrize("n,size,count", [(10, 4, 1), (10, 1, 1), (10, 20, 1), (7, 3, 2),
                                          (0, 4, 1)])
def test_a_pass_tells_what_is_left_once_its_input_ended(n, size, count):
    it = iter(shuffle.Shuffle(host.Range(0, n, 1), size, 3, 4, count=count))
    got, told = [], []
    while True:
        told.append(it.left())
        try:
            got.append(next(it))
        except StopIteration:
            break
    total = n * count
    assert len(got) == total
    for given, left in enumerate(told):
        assert left is None or left == total - given
    assert it.left() == 0
    # an endless repeat never knows
    endless = iter(shuffle.Shuffle(host.Range(0, 5, 1), 2, 3, 4, count=-1))
    assert all(endless.left() is None for _ in range(12) if next(endless))


def test_batch_tells_the_shapes_of_its_last_partial_batch():
    rows = np.arange(44.0).reshape(22, 2)  # the shuffle's input ends at its 19th element
    told = []
    ds = host.Batch(shuffle.Shuffle(host.TensorSlices([rows, np.arange(22)]), 4, 1, 2), 4,
                    False)
    ds.on_final = told.append
    batches = [tuple(c.shape for c in b) for b in ds]
    assert told == [((2, 2), (2,))] and batches[-1] == told[0]
    assert sorted(np.concatenate([b[0] for b in ds])[:, 0].tolist()) == rows[:, 0].tolist()
    told.clear()
    even = host.Batch(host.TensorSlices([rows[:8]]), 4, False)
    even.on_final = told.append
    assert len(list(even)) == 2 and told == []  # no partial batch: nothing to tell


_SMALL_BUFFER = """
out = []
for size, count, seed in CASES:
    ds = tf.data.Dataset.range(5).apply(
        tf.data.experimental.shuffle_and_repeat(size, count=count, seed=seed)).take(17)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    got = []
    with tf.Session() as sess:
        try:
            while True:
                got.append(int(sess.run(nxt)))
        except tf.errors.OutOfRangeError:
            pass
    out.append(got)
result = out
"""


@pytest.mark.oracle
def test_shuffle_and_repeat_with_a_buffer_smaller_than_an_epoch_matches_tf(oracle):
    # a buffer drained before its epoch's input ends is not an empty epoch: every count runs
    from oracle import run_here
    cases = [(1, 3, 1), (2, 3, 5), (1, -1, 2), (3, 2, 7), (4, 3, 9), (5, 2, 3)]
    code = "CASES = %r\n" % (cases,) + _SMALL_BUFFER
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there
    assert [len(g) for g in here["ok"]] == [15, 15, 17, 10, 15, 10]


@pytest.mark.oracle
def test_fed_buffer_size_of_zero_fails_as_tf(oracle):
    from oracle import fed_cases_match
    fed_cases_match(oracle, "p = tf.placeholder(tf.int64, []); ds = tf.data.Dataset.range(3)"
                    ".shuffle(p); it = tf.data.make_initializable_iterator(ds); "
                    "out = [it.initializer]", [0, -1])
