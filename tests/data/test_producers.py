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


GENERATOR = """
def gen():
    yield tf.ragged.constant_value([[1, 2], [3]])
    yield tf.ragged.constant_value([[4]], dtype=np.int32)
    yield tf.ragged.constant_value([[[4]]])
    yield tf.ragged.constant_value([[5], []])
out = []
for sig in [tf.RaggedTensorSpec([None, None], tf.int64, 1),
            (tf.RaggedTensorSpec([None, None], tf.int64, 1), tf.TensorSpec([], tf.int64))]:
    g = tf.data.Dataset.from_generator(
        gen if not isinstance(sig, tuple) else lambda: ((x, 1) for x in gen()),
        output_signature=sig)
    it = tf.data.make_initializable_iterator(g)
    x = it.get_next()
    out.append([str(g.element_spec), type(tf.nest.flatten(x)[0]).__name__])
    with tf.Session() as s:
        s.run(it.initializer)
        for i in range(5):
            try:
                v = s.run(x)
                out.append(tf.nest.map_structure(
                    lambda v: v.to_list() if hasattr(v, "to_list") else int(v), v))
            except tf.errors.OutOfRangeError:
                out.append("end")
                break
            except tf.errors.OpError as e:
                out.append([type(e).__name__, [l for l in e.message.splitlines()
                                               if l.startswith("TypeError")][:1]])
result = out
"""


@pytest.mark.oracle
def test_generator_of_ragged_values_matches_tf(oracle):
    """from_generator with a RaggedTensorSpec output_signature: RaggedTensorValues yielded,
    one not of its spec an InvalidArgumentError naming the whole element's spec (the pass
    goes on to the next one)."""
    from oracle import run_here
    code = "import numpy as np\n" + GENERATOR
    here, there = run_here(code), oracle(code)
    assert here == there, (here, there)
