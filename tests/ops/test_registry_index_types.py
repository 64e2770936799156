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
