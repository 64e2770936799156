"""dense_to_ragged_batch / Dataset.ragged_batch against real TF: components of unknown
dimensions batched as RaggedTensors (ragged rank: the last unknown axis; its row splits
dtype), fully defined ones as Tensors, and the TF1 / TF2 dataset each gives."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

CODE = DATA_PRELUDE + ORACLE_HELPERS + """
def vals(ds):
    out = []
    for v in rows(ds):
        out.append(tf.nest.map_structure(lambda v: v.to_list() if hasattr(v, "to_list") else
                                         v.tolist() if hasattr(v, "tolist") else v, v))
    return out
E = tf.data.experimental
ds = tf.data.Dataset.range(1, 5).map(lambda x: tf.range(x))
a = ds.apply(E.dense_to_ragged_batch(3))
b = ds.ragged_batch(2, drop_remainder=True, row_splits_dtype=tf.int32)
c = tf.data.Dataset.range(1, 4).map(lambda x: (tf.fill([x, 2], x), tf.fill(tf.stack([2, x, x]),
    x), x)).apply(E.dense_to_ragged_batch(2))
d = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]).apply(
    E.dense_to_ragged_batch(2))
result = [[str(x.element_spec), vals(x)] for x in (a, b, c, d)] + [
    hasattr(a, "output_classes"), hasattr(b, "output_classes")]
"""


@pytest.mark.oracle
def test_dense_to_ragged_batch_matches_tf(oracle):
    matches_tf(oracle, CODE)
