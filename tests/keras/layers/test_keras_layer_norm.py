"""Keras LayerNormalization as tf_keras builds it in TF1 graphs: the fused path (the normalized
axes end the shape and are contiguous: FusedBatchNormV3 over an NCHW [1, pre, in, 1] reshape)
and the moments path (other axes, epsilon under 1.001e-5, float64), op for op (name, type,
inputs, output shapes), with values and gradients of input, gamma and beta."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = """
K = tf.keras; L = K.layers
x = tf.placeholder(tf.DTYPE, SHAPE)
ln = L.LayerNormalization(ARGS)
y = ln(x)
w = tf.constant(np.cos(np.arange(np.prod(FEED))).reshape(FEED), tf.DTYPE)
grads = tf.gradients(tf.reduce_sum(y * y * w), [x] + ln.weights)
g = [[o.name, o.type, [i.name for i in o.inputs], [t.shape.as_list() if t.shape.ndims is not None
      else None for t in o.outputs]] for o in tf.get_default_graph().get_operations()]
feed = np.sin(np.arange(np.prod(FEED)) * 0.7).reshape(FEED) * 3 + 1
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run([v.assign(np.linspace(0.5, 1.5, int(np.prod(v.shape))).reshape(v.shape.as_list())
                    + 0.1 * i) for i, v in enumerate(ln.weights)])
    values = s.run([y] + grads, {x: feed})
result = [y.name, y.shape.as_list(), [v.name for v in ln.weights], g, values]
"""

CASES = {
    "last_axis": ("float32", "[None, 5, 4]", "", "(3, 5, 4)"),
    "two_last_axes": ("float32", "[None, 5, 4]", "axis=[1, 2]", "(3, 5, 4)"),
    "rank2": ("float32", "[None, 4]", "axis=-1, center=False", "(3, 4)"),
    "no_scale": ("float32", "[3, 5, 4]", "scale=False", "(3, 5, 4)"),
    "middle_axis": ("float32", "[None, 5, 4]", "axis=1", "(3, 5, 4)"),
    "small_epsilon": ("float32", "[None, 5, 4]", "epsilon=1e-6", "(3, 5, 4)"),
    "float64": ("float64", "[None, 5, 4]", "dtype='float64'", "(3, 5, 4)"),
    "first_and_last": ("float32", "[3, 5, 4]", "axis=[0, 2]", "(3, 5, 4)"),
    "rank4_last_two": ("float32", "[None, 2, 3, 4]", "axis=(-2, -1), epsilon=1e-5", "(2, 2, 3, 4)"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_norm_graph_matches_tf(oracle, case):
    code = code_for(case)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


def code_for(case):
    dtype, shape, args, feed = CASES[case]
    return (PROGRAM.replace("DTYPE", dtype).replace("SHAPE", shape).replace("ARGS", args)
            .replace("FEED", feed))
