"""RaggedTensor indexing vs TF (ragged/getitem.py): rows, negative and fed indices, row and
column slices with steps, nested rows, uniform rows (and their run-time bounds check),
Ellipsis and newaxis; graphs, shapes, values and errors."""

import pytest
from ragged_oracle import same_as_tf

GETITEM = """
a = tf.ragged.constant([[1, 2, 3], [], [4, 5], [6]])
n = tf.ragged.constant([[[1, 2], [3]], [[4, 5, 6]]])
u = tf.RaggedTensor.from_tensor([[1, 2, 3], [4, 5, 6]])
i = tf.placeholder(tf.int32, [])
outs = [a[0], a[2], a[-1], a[1:3], a[:, :2], a[:, 1:], a[:, -1:], a[1:], a[::2],
        a[:, ::2], a[i], a[:, :i], n[0], n[1, 0], n[:, :, :1], u[:, 1], a[..., :1], a[None],
        u[:, -1]]
def shp(o):
    return [str(o.shape), type(o).__name__]
info = [shp(o) for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs, {i: 1})]
    errs = [attempt(lambda: s.run(u[:, 5]))]
static = [attempt(lambda: a[:, 0]), attempt(lambda: a[1, 2, 3])]
result = [info, vals, errs, static]"""


@pytest.mark.oracle
def test_getitem_matches_tf(oracle):
    same_as_tf(oracle, GETITEM)


NESTED_SLICES = """
n = tf.ragged.constant([[[1, 2], [3], [4, 5, 6]], [], [[7]], [[8, 9], []]])
outs = [n[:, 1:], n[::2], n[:, ::-1], n[1::2, :1], n[:, -2:, 1:]]
info = [[str(o.shape), o.ragged_rank] for o in outs]
with tf.Session() as s:
    result = [info, [shown(v) for v in s.run(outs)]]"""


@pytest.mark.oracle
def test_slices_of_rows_with_ragged_values_match_tf(oracle):
    same_as_tf(oracle, NESTED_SLICES)
