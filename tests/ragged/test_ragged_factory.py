"""tf.ragged.constant / constant_value / placeholder and feeding a RaggedTensor vs TF
(ragged/factory.py, session feeds of RaggedTensorValues)."""

import pytest
from ragged_oracle import same_as_tf

FACTORY = """
c = [tf.ragged.constant([[1, 2], [3]]), tf.ragged.constant([[[1., 2.]], []], ragged_rank=1),
     tf.ragged.constant([[[1, 2], [3]], [[4]]]), tf.ragged.constant([["a", "b"], []]),
     tf.ragged.constant([[1, 2], [3]], dtype=tf.float64, row_splits_dtype=tf.int32),
     tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], inner_shape=(2,))]
ph = tf.ragged.placeholder(tf.float32, 1)
ph2 = tf.ragged.placeholder(tf.int32, 2, [3], name="pp")
info = [[str(r.shape), r.ragged_rank, r.dtype.name, r.row_splits.dtype.name, r.flat_values.name]
        for r in c + [ph, ph2]]
cv = tf.ragged.constant_value([[1, 2], [3]])
with tf.Session() as s:
    vals = [v.to_list() for v in s.run(c)]
    f1 = s.run(ph, {ph: tf.ragged.constant_value([[1., 2.], [], [3.]])}).to_list()
    f2 = s.run(ph2.row_lengths(),
               {ph2: tf.ragged.constant_value([[[[1, 2, 3]]], [[]]], ragged_rank=2)}).tolist()
    f3 = s.run(ph.values * 2, {ph: tf.ragged.RaggedTensorValue(np.array([1., 2.], np.float32),
                                                               np.array([0, 2]))}).tolist()
    f4 = s.run(c[0].values, {c[0]: tf.ragged.constant_value([[7], [8, 9]])}).tolist()
    ev = attempt(lambda: ph.eval())
errs = [attempt(lambda: tf.ragged.constant([[1, [2]]])),
        attempt(lambda: tf.ragged.constant([[1], [[2]]])),
        attempt(lambda: tf.ragged.constant([[1, 2]], ragged_rank=-1)),
        attempt(lambda: tf.ragged.constant(tf.ragged.constant_value([[1]]))),
        attempt(lambda: tf.ragged.constant([[[1, 2], [3]]], inner_shape=(2,))),
        attempt(lambda: tf.ragged.constant(5)),
        attempt(lambda: tf.ragged.constant([1, 2])),
        attempt(lambda: tf.ragged.constant_value([[1], []], dtype=tf.int32).to_list()),
        ]
result = [info, vals, f1, f2, f3, f4, ev, [type(cv).__name__, cv.to_list(), str(cv), cv.shape,
                                          cv.ragged_rank, str(cv.dtype)], errs]"""


@pytest.mark.oracle
def test_constants_placeholders_and_feeds_match_tf(oracle):
    same_as_tf(oracle, FACTORY)
