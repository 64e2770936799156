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


def test_folding_keeps_64_bit_values(tf):
    # kernels fold under JAX's x64 mode as they run: int64 sums past int32 stayed 32-bit
    c = tf.constant([3000000000, 5], tf.int64)
    assert static_value(tf.cumsum(c)).tolist() == [3000000000, 3000000005]
    assert static_value(c * 2).tolist() == [6000000000, 10]
    assert static_value(tf.reduce_sum(c)).item() == 3000000005
    assert tf.zeros(tf.stack([tf.reduce_sum(c) - 3000000000])).shape.as_list() == [5]


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


# static shapes where a Shape / Size reads a tensor of unknown shape computed from constants:
# an op's shape rule that reads the value evaluates the constant subgraph below it (Range,
# a shape through Cast or Mul, Pack's scalars), one that reads a shape tensor takes a Shape's
# (or a concat's or a slice's) dims as they are (TF's EvaluateConstantTensor and
# ConstantPartialShape)
FOLDS = """
c = tf.constant
xs = {"seg": lambda: tf.math.segment_sum(c([1., 2, 3]), c([0, 0, 1])),
      "split": lambda: tf.string_split(c(["a b", "c"])).values,
      "where": lambda: tf.where(c([[True, False], [True, True]])),
      "unique": lambda: tf.unique(c([1, 1, 2]))[0]}
forms = {
 "fill": lambda x: tf.fill(tf.shape(x), 0.),
 "zeros_size": lambda x: tf.zeros(tf.size(x)),
 "zeros_like": lambda x: tf.zeros_like(tf.zeros(tf.shape(x))).op.type,
 "cast": lambda x: tf.fill(tf.cast(tf.shape(x), tf.int64), 0.),
 "concat": lambda x: tf.fill(tf.concat([tf.shape(x), [2]], 0), 0.),
 "pack": lambda x: tf.fill(tf.stack([tf.shape(x)[0], 2]), 0.),
 "slice": lambda x: tf.fill(tf.shape(x)[:1], 0.),
 "mul": lambda x: tf.fill(tf.shape(x) * 1, 0.),
 "reshape": lambda x: tf.reshape(tf.zeros([6]), tf.shape(x)),
 "tile": lambda x: tf.tile([1.], tf.shape(x)[:1]),
 "range": lambda x: tf.range(tf.size(x)),
 "onehot": lambda x: tf.one_hot([0], tf.size(x)),
 "shape_n": lambda x: tf.fill(tf.shape_n([x])[0], 0.),
 "rank": lambda x: tf.zeros(tf.rank(x)),
}
result = []
for xk, xf in sorted(xs.items()):
    for k, f in sorted(forms.items()):
        tf.reset_default_graph()
        out = f(xf())
        result.append([xk, k, out if isinstance(out, str) else str(out.shape)])
"""


def test_shapes_read_through_a_shape_of_unknown_shape_as_tf(oracle):
    from oracle import run_here
    here, there = run_here(FOLDS), oracle(FOLDS)
    assert "ok" in there, there
    assert here == there
