"""What graph building knows of values: constant folding and partial shapes, as TF's."""

import numpy as np

from scopeflow.ops.array_base import partial_shape, static_value


def test_static_value_folds_constant_subgraphs(tf):
    c = tf.constant([1, 2]) * 3 + 1
    assert static_value(c).tolist() == [4, 7]
    x = tf.placeholder(tf.float32, [None, 3])
    assert static_value(tf.shape(x)) is None
    assert static_value(tf.shape(x)[1]).tolist() == 3  # TF folds the known dims of a shape
    assert static_value(tf.shape(x)[0]) is None
    assert static_value(tf.shape(x)[-1]).tolist() == 3
    # only `shape[i]` is read from known dims (TF's TryInferFromShapes): not a range of them
    assert static_value(tf.shape(x)[1:]) is None
    assert static_value(tf.reduce_prod(tf.shape(x)[1:])) is None
    assert static_value(tf.shape(x)[1:2]) is None
    assert [static_value(d) for d in tf.unstack(tf.shape(x))] == [None, 3]
    assert static_value(x + 1.) is None
    assert static_value(tf.size(tf.placeholder(tf.float32, [2, 0, None]))).item() == 0
    # a division of constants folds exactly (TF's shape inference evaluates it, no grappler)
    assert static_value(tf.constant(5.) / tf.constant(4.)).item() == 1.25
    assert static_value(tf.round(tf.constant(6.) * (tf.constant(5.) / 6.))).item() == 5.


def test_partial_shape_reads_shape_tensors(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    n = tf.placeholder(tf.int32, [])
    assert partial_shape(tf.stack([tf.shape(x)[0], 3])) == (None, 3)
    assert partial_shape(tf.concat([tf.shape(x), [-1]], 0)) == (None, 3, None)
    assert partial_shape(tf.stack([n, 2])) == (None, 2)
    assert partial_shape(tf.placeholder(tf.int32, [4])) == (None,) * 4
    assert partial_shape(tf.placeholder(tf.int32, [None])) is None


def test_reshape_uses_partial_shapes(tf):
    x = tf.placeholder(tf.float32, [None, 4, 3])
    assert tf.reshape(x, tf.stack([tf.shape(x)[0], -1])).shape.as_list() == [None, None]
    assert tf.reshape(x, [tf.shape(x)[1], -1]).shape.as_list() == [4, None]
    assert tf.fill(tf.stack([tf.shape(x)[2] * 2]), 1.).shape.as_list() == [6]
    big = tf.zeros([5000])  # folding stops at large values: no host copy of big tensors
    assert static_value(big + 1.) is None
    assert np.asarray(static_value(tf.range(3))).tolist() == [0, 1, 2]
