"""tf.concat / tf.stack / tf.ragged.stack of RaggedTensors vs TF (ragged/ragged_concat.py):
axis 0, 1 and 2, ragged with dense inputs, nested and int32 splits, a single input; graphs,
shapes, values, the run-time row-count check and argument errors."""

import pytest
from ragged_oracle import same_as_tf

CONCAT = """
a = tf.ragged.constant([[1, 2], [3]])
b = tf.ragged.constant([[4], [5, 6, 7]])
n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
d = tf.constant([[8, 9], [10, 11]])
i32 = tf.ragged.constant([[1.], [2., 3.]], row_splits_dtype=tf.int32)
outs = [tf.concat([a, b], 0), tf.concat([a, b], axis=1), tf.concat([a, d], 1),
        tf.concat([d, a, b], 0), tf.concat([n, n], 2), tf.concat([n, n], -1),
        tf.concat([a], 0), tf.concat([a, b], 1, name="c"),
        tf.stack([a, b]), tf.stack([a, b], axis=1), tf.ragged.stack([a, b]),
        tf.ragged.stack([d, tf.constant([[1], [2], [3]])]), tf.ragged.stack([[1, 2], [3]]),
        tf.ragged.stack([a, a], axis=-1, name="s"), tf.concat([i32, i32], 1), tf.stack([n, n], 1)]
info = [[str(o.shape), o.dtype.name, type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
    errs = [attempt(lambda: s.run(tf.concat([a, tf.ragged.constant([[1]])], 1).flat_values)),
            attempt(lambda: s.run(tf.concat([n, tf.ragged.constant([[[1]], [[2]], [[3]]])],
                                            2).flat_values))]
errs += [attempt(lambda: tf.concat([a, n], 0)), attempt(lambda: tf.concat([a, b], 2)),
         attempt(lambda: tf.ragged.stack([])), attempt(lambda: tf.stack([a, d], 2)),
         attempt(lambda: tf.concat([a, i32], 0))]
result = [info, vals, errs]"""


@pytest.mark.oracle
def test_concat_and_stack_of_ragged_tensors_match_tf(oracle):
    same_as_tf(oracle, CONCAT)
