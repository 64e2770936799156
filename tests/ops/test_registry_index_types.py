"""The op builder's input conversion as TF's op_def_library: inputs that share a type attr
other than T (Slice's `Index`, MatrixBandPart's `Tindex`, ...) take the first converted one's
type, and a tensor of another type is TF's TypeError naming both arguments."""

import pytest
from oracle import explain, run_here

PROGRAM = r"""
import numpy as np
i32, i64 = lambda v: tf.constant(v, tf.int32), lambda v: tf.constant(v, tf.int64)
x = tf.ones([3, 3])
cases = [
    lambda: tf.linalg.band_part(x, i64(1), i32(0)),
    lambda: tf.linalg.band_part(x, i64(1), 0),
    lambda: tf.linalg.band_part(x, 1, i64(0)),
    lambda: tf.linalg.band_part(x, np.int64(1), 0),
    lambda: tf.slice(x, i64([0, 0]), i32([1, 1])),
    lambda: tf.slice(x, i64([0, 0]), [1, 1]),
    lambda: tf.slice(x, [0, 0], i64([1, 1])),
    lambda: tf.slice(x, np.array([0, 0]), [1, 1]),
    lambda: tf.strided_slice(x, i64([0]), i32([1]), i32([1])),
    lambda: tf.strided_slice(x, i64([0]), [1], [1]),
    lambda: tf.strided_slice(x, [0], i64([1]), [1]),
    lambda: x[i32(0):i64(1)],
    lambda: tf.scatter_nd(i64([[0]]), [1.0], [3]),
    lambda: tf.scatter_nd([[0]], [1.0], i64([3])),
    lambda: tf.sparse_to_dense(i64([0]), [3], 1.0),
    lambda: tf.sparse_to_dense([0], i64([3]), 1.0),
    lambda: tf.unravel_index(i64([4]), [3, 3]),
    lambda: tf.unravel_index([4], i64([3, 3])),
    lambda: tf.nn.in_top_k(tf.ones([2, 3]), i64([0, 1]), 1),
    lambda: tf.broadcast_dynamic_shape(i64([2, 1]), [1, 3]),
    lambda: tf.broadcast_dynamic_shape([2, 1], i64([1, 3])),
]
result = []
for f in cases:
    tf.reset_default_graph()
    x = tf.ones([3, 3])
    try:
        out = f()
    except Exception as e:
        result.append([type(e).__name__, str(e)])
        continue
    consts = sorted((o.name, o.outputs[0].dtype.name) for o in tf.get_default_graph()
                    .get_operations() if o.type == "Const" and o.name != "ones")
    with tf.Session() as s:
        result.append([consts, s.run(out).tolist()])
"""


@pytest.mark.oracle
def test_inputs_sharing_an_index_type_convert_and_fail_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there, explain(PROGRAM, here, there)


# integer inputs of a type their op does not take (op_types.INDEX_TYPES): a uint8 count from
# MNIST's labels passed on as a shape, int16 or int8 tensors as axes and indices
DISALLOWED = r"""
import numpy as np
x = tf.ones([3, 3])
u8, i16, i8 = (lambda v, d=d: tf.constant(v, d) for d in (tf.uint8, tf.int16, tf.int8))
cases = [
    lambda: tf.fill(u8([2]), 1.0), lambda: tf.zeros(u8([2, 1])), lambda: tf.tile(x, i16([1, 2])),
    lambda: tf.reshape(x, u8([9])), lambda: tf.reshape(x, [np.uint8(9)]),
    lambda: tf.expand_dims(x, i8(0)), lambda: tf.transpose(x, i16([1, 0])),
    lambda: tf.one_hot(i16([0, 2]), 3), lambda: tf.one_hot(u8([0, 2]), 3),
    lambda: tf.gather(x, u8([0, 2])), lambda: tf.gather(x, i16([0, 2])),
    lambda: tf.pad(x, i8([[1, 0], [0, 1]])), lambda: tf.concat([x, x], u8(1)),
    lambda: tf.reverse(x, i16([0])), lambda: tf.slice(x, u8([0, 0]), u8([1, 1])),
    lambda: tf.random_normal(u8([2])), lambda: tf.random_uniform([np.int16(2)]),
    lambda: tf.reduce_sum(x, u8(0)), lambda: tf.range(u8(3)),
    lambda: tf.scatter_nd(i8([[0]]), [1.0], [3]),
]
result = []
for f in cases:
    try:
        out = f()
    except Exception as e:
        result.append([type(e).__name__, str(e)])
        continue
    with tf.Session() as s:
        result.append([out.dtype.name, s.run(out).tolist()])
"""


@pytest.mark.oracle
def test_integer_inputs_of_types_their_op_does_not_take_fail_as_in_tf(oracle):
    here, there = run_here(DISALLOWED), oracle(DISALLOWED)
    assert "ok" in there, there
    assert here == there, explain(DISALLOWED, here, there)
