"""The injected prefetch (producers.Background): its depth grows when the consumer waits,
bounded by element count and bytes; elements and errors keep their order."""

import numpy as np
import pytest

from scopeflow import errors
from scopeflow.data import producers


def test_depth_is_bounded_by_count_and_bytes():
    batch = (np.zeros((256, 784), np.float32), np.zeros(256, np.int64))  # ~0.8 MB
    assert producers._depth_for(batch) == producers._MAX_DEPTH
    assert producers._depth_for((np.zeros(2 << 20, np.float32),)) == 4  # 8 MiB
    assert producers._depth_for((np.zeros(16 << 20, np.float32),)) == 2  # never below 2
    strings = np.empty(2, dtype=object)
    strings[:] = [b"x" * (8 << 20), b"y" * (8 << 20)]  # counted by what they hold
    assert producers._depth_for((strings,)) == 2


def test_waiting_consumer_deepens_up_to_the_bound():
    bg = producers.Background(iter([(np.zeros(3),)] * 4))
    item = next(bg)
    bg._q.maxsize = 2  # as built (the first call may already have deepened it)
    seen = []
    for _ in range(5):
        bg._deepen(item)
        seen.append(bg._q.maxsize)
    assert seen == [4, 8, 16, 16, 16]
    bg.close()


def test_order_and_errors_are_the_pipelines():
    def source():
        for i in range(40):
            if i == 25:
                raise errors.InvalidArgumentError(None, None, "bad element 25")
            yield (np.asarray(i),)

    bg = producers.Background(source())
    got = [int(next(bg)[0]) for _ in range(25)]
    assert got == list(range(25))
    with pytest.raises(errors.InvalidArgumentError, match="bad element 25"):
        next(bg)
    with pytest.raises(StopIteration):  # a generator that raised has ended
        next(bg)
    bg.close()
