"""tf.ragged.boolean_mask vs TF (ragged/ragged_array.py): ragged data and mask, a row mask,
dense data with 2-D and 3-D masks (a bool mask counts itself, as TF's count_nonzero), the
splits check at run time and the scalar-mask error."""

import pytest
from ragged_oracle import same_as_tf

MASKS = """
a = tf.ragged.constant([[1, 2, 3], [], [4, 5]])
am = tf.ragged.constant([[True, False, True], [], [False, True]])
d = tf.constant([[1, 2, 3], [4, 5, 6]])
outs = [tf.ragged.boolean_mask(a, am), tf.ragged.boolean_mask(a, [True, False, True]),
        tf.ragged.boolean_mask(d, [[True, False, True], [False, False, True]]),
        tf.ragged.boolean_mask(d, [False, True]),
        tf.ragged.boolean_mask(tf.reshape(tf.range(8), [2, 2, 2]),
                               [[[True, False], [True, True]], [[False, False], [True, False]]])]
info = [[str(o.shape), type(o).__name__] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs)]
    errs = [attempt(lambda: s.run(tf.ragged.boolean_mask(
        a, tf.ragged.constant([[True], [], [False, True, True]]))))]
static = [attempt(lambda: tf.ragged.boolean_mask(a, True))]
result = [info, vals, errs, static]"""


@pytest.mark.oracle
def test_boolean_mask_matches_tf(oracle):
    same_as_tf(oracle, MASKS)
