"""Shape-function errors describe the node as TF does ("{{node MatMul}} = MatMul[T=DT_FLOAT,
grad_a=false, ...](a, b)"): every attr, defaults and derived types included, sorted, and
inputs named as in a NodeDef ("split:1"); compared with TF over a sample of common ops."""

import pytest
from oracle import explain, run_here

PROGRAM = r"""
import re
z = tf.zeros
cases = [
    lambda: tf.matmul(z([2, 3]), z([4, 5]), transpose_a=True),
    lambda: tf.matmul(z([7, 2, 3]), z([7, 4, 5])),
    lambda: z([2, 3]) + z([4, 5]),
    lambda: tf.add_n([z([2, 3]), z([4, 5])]),
    lambda: tf.concat([z([2, 3]), z([4, 5])], 0),
    lambda: tf.reshape(z([2, 3]), [4, 5]),
    lambda: tf.nn.conv2d(z([1, 8, 8, 3]), z([3, 3, 4, 5]), [1, 1, 1, 1], "SAME"),
    lambda: tf.nn.max_pool(z([8, 8, 3]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
    lambda: tf.nn.bias_add(z([2, 3]), z([4])),
    lambda: tf.squeeze(z([2, 3]), [0]),
    lambda: tf.expand_dims(z([2, 3]), 5),
    lambda: tf.transpose(z([2, 3]), [0, 1, 2]),
    lambda: tf.gather(z([2, 3]), [0], axis=3),
    lambda: tf.slice(z([2, 3]), [0, 0, 0], [1, 1, 1]),
    lambda: z([2, 3])[5],
    lambda: tf.tile(z([2, 3]), [1, 2, 3]),
    lambda: tf.pad(z([2, 3]), [[1, 1]]),
    lambda: tf.stack([z([2, 3]), z([4, 5])]),
    lambda: tf.nn.softmax_cross_entropy_with_logits_v2(labels=z([2, 3]), logits=z([4, 5])),
    lambda: tf.reduce_sum(z([2, 3]), 5),
    lambda: tf.argmax(z([2, 3]), 5),
    lambda: tf.where(z([2, 3], tf.bool), z([4, 5]), z([4, 5])),
    lambda: tf.matmul(tf.split(z([2, 6]), 2, axis=1)[1], z([4, 5])),
    lambda: tf.nn.fused_batch_norm(z([2, 3, 3, 4]), z([5]), z([4])),
    lambda: tf.nn.lrn(z([2, 3])),
    lambda: tf.matrix_diag_part(z([3])),
    lambda: tf.fill([2, 3], z([2])),
    lambda: tf.assign(tf.Variable(z([2, 3])), z([4, 5])),
    lambda: tf.scatter_update(tf.Variable(z([2, 3])), [0], z([4, 5])),
    lambda: tf.gather_nd(z([2, 3]), z([2, 5], tf.int32)),
    lambda: tf.nn.in_top_k(z([2, 3]), z([4], tf.int32), 1),
]
result = []
for f in cases:
    tf.reset_default_graph()
    try:
        f()
        result.append("ok")
    except ValueError as e:
        m = re.search(r"for '(\{\{node .*?)' with input shapes", str(e))
        result.append(m.group(1) if m else str(e))
"""


@pytest.mark.oracle
def test_shape_error_node_text_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there, explain(PROGRAM, here, there)
