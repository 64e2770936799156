"""Shape-function errors against TF: after the input shapes TF names the input values the
rule read ("and with computed input tensors: input[2] = <0>", "and with input tensors
computed as partial shapes: input[1] = [4]"), and only those read before it failed."""

import pytest
from oracle import run_here

PROGRAM = r'''
a = lambda: tf.zeros([2, 3])
b = lambda: tf.zeros([2, 4])
cases = {
    "concat": lambda: tf.concat([a(), b()], 0),
    "concat_fed_axis": lambda: tf.concat([a(), tf.zeros([2])], tf.placeholder(tf.int32, [])),
    "reshape": lambda: tf.reshape(a(), [4]),
    "split": lambda: tf.split(a(), 2, axis=1),
    "split_v": lambda: tf.split(a(), [1, 1], axis=1),
    "expand_dims": lambda: tf.expand_dims(a(), 5),
    "transpose": lambda: tf.transpose(a(), [0, 2]),
    "gather_axis": lambda: tf.gather(a(), [0], axis=3),
    "one_hot_depth": lambda: tf.one_hot(tf.zeros([2], tf.int32), -2),
    "argmax": lambda: tf.argmax(a(), 4),
    "reduce_sum": lambda: tf.reduce_sum(a(), 4),
    "broadcast_to": lambda: tf.broadcast_to(a(), [3, 3]),
    "strided_slice": lambda: a()[0, 5],
    "reverse": lambda: tf.reverse(a(), [3]),
    "top_k": lambda: tf.nn.top_k(tf.zeros([5]), 7),
    "range": lambda: tf.range(5, 1, 0),
    "space_to_batch": lambda: tf.space_to_batch_nd(tf.zeros([1, 3, 3, 1]), [2, 2],
                                                   [[0, 0], [0, 0]]),
    "segment_ids": lambda: tf.unsorted_segment_sum(a(), [0, 1, 2], 3),
    "segments_negative": lambda: tf.math.unsorted_segment_sum(a(), [0, 1], -1),
    "scatter_nd": lambda: tf.scatter_nd([[0]], [1.0, 2.0], [3]),
    "tile_rank": lambda: tf.tile(a(), [1, 2, 3]),
    "matmul": lambda: tf.matmul(a(), b()),
}
result = []
for name, build in sorted(cases.items()):
    with tf.Graph().as_default():
        try:
            build()
            result.append([name, "ok"])
        except (ValueError, TypeError) as e:
            result.append([name, type(e).__name__, str(e)])
'''


@pytest.mark.oracle
def test_shape_errors_name_the_values_read_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there
    assert sum("computed input tensors" in str(r) for r in there["ok"]) >= 10
