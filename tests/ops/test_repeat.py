"""tf.repeat vs TF (ops/repeat.py): TF's graph (scalar repeats tile and reshape; vector repeats
tile by the largest count and boolean_mask), static shapes and values, fed repeats included."""

import pytest
from oracle import run_here

PROGRAM = """
x = tf.constant([[1, 2], [3, 4]])
outs = [tf.repeat(x, [1, 2], axis=0), tf.repeat(x, 2, axis=1), tf.repeat(x, [0, 3], axis=1),
        tf.repeat([5, 6, 7], [2, 0, 1]), tf.repeat(x, 3)]
p = tf.placeholder(tf.int32, [None])
outs.append(tf.repeat(tf.range(3), p))
with tf.Session() as s:
    values = [v.tolist() for v in s.run(outs, {p: [1, 0, 3]})]
result = [[t.shape.as_list() for t in outs], values,
          sorted([op.name, op.type] for op in tf.get_default_graph().get_operations())]
"""


@pytest.mark.oracle
def test_repeat_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there and here == there
