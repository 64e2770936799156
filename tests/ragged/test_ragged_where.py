"""TF1 tf.where with RaggedTensors vs TF (ragged/ragged_where.py): coordinates of a ragged
condition (nested, with inner dense dims), elementwise picks between ragged operands, a row
condition picking ragged rows; graphs, shapes, values and errors."""

import pytest
from ragged_oracle import same_as_tf, values_as_tf

WHERE = """
c = tf.ragged.constant([[True, False], [], [False, True, True]])
x = tf.ragged.constant([[1, 2], [], [3, 4, 5]])
y = tf.ragged.constant([[10, 20], [], [30, 40, 50]])
n = tf.ragged.constant([[[True], [False, True]], [[True]]])
u = tf.ragged.constant([[[True, False], [False, True]], [[True, True]]], ragged_rank=1)
a = tf.ragged.constant([[1, 2], [3]])
b = tf.ragged.constant([[4], [5, 6, 7], [8]])
outs = [tf.where(c), tf.where(n), tf.where(u), tf.where(c, x, y), tf.where(c, x, y, name="w"),
        tf.where([True, False], a, tf.ragged.constant([[9], [8, 7]])),
        tf.where([False, True, True], b, b * 10), tf.compat.v1.where(c)]
info = [[str(o.shape), o.dtype.name, type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
errs = [attempt(lambda: tf.where(c, x)), attempt(lambda: tf.where(c, x, [[1, 2], [], [3, 4, 5]])),
        attempt(lambda: tf.where([[True]], a, a))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_ragged_where_matches_tf(oracle):
    same_as_tf(oracle, WHERE)


# where_v2 broadcasts the three operands; TF builds it with its older RaggedTensorDynamicShape
# graph (ours: ragged/ragged_broadcast.py), so values only; TF's static shape is less specific
# where a dense condition sets the rows, and TF finds constant mismatched splits at graph time
WHERE_V2 = """
c = tf.ragged.constant([[True, False], [True]])
x = tf.ragged.constant([[1., 2.], [3.]])
y = tf.ragged.constant([[10., 20.], [30.]])
outs = [tf.where_v2(c, x, y), tf.where_v2(c, x, 0.), tf.where_v2(c, tf.constant([[5.], [6.]]), y),
        tf.where_v2(c, x, y, name="w"), tf.where_v2(tf.constant([[True], [False]]), x, y)]
info = [[str(o.shape), o.dtype.name] for o in outs[:4]]
with tf.Session() as s:
    result = [info, [shown(v) for v in s.run(outs)], shown(s.run(tf.where_v2(c)))]"""


@pytest.mark.oracle
def test_ragged_where_v2_values_match_tf(oracle):
    values_as_tf(oracle, WHERE_V2)
