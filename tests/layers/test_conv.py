"""Convolution layers (tf.layers, tf.keras) on inputs with batch dims beyond the first, as
tf_keras runs them: the convolution through TF's squeeze_batch_dims (Reshape to one batch dim,
the op, Reshape back), the bias likewise in a scope 'squeeze_batch_dims'; Keras' error for an
output size below zero, raised before any weight is made; the rank errors of the layers that
take no extra batch dims, and each layer's error for unknown channels or rank."""

import pytest
from oracle import explain, run_here

# (layer call of `x`, shape of the placeholder x)
CASES = [
    ("tf.layers.conv2d(x, 4, 3, bias_initializer=tf.constant_initializer(0.5))",
     [2, 3, 6, 5, 2]),
    ("tf.layers.conv2d(x, 4, 3, strides=2, padding='same', activation=tf.nn.relu)",
     [None, 3, 5, None, 2]),
    ("tf.layers.conv1d(x, 3, 2, dilation_rate=2, bias_initializer=tf.constant_initializer(1))",
     [2, 3, 7, 2]),
    ("tf.layers.conv1d(x, 4, 3, data_format='channels_first')", [2, 3, 2, 7]),
    ("tf.layers.conv3d(x, 2, 2, use_bias=False)", [2, 2, 3, 4, 3, 2]),
    ("tf.layers.conv2d(x, 4, 3, dilation_rate=2, data_format='channels_first')",
     [2, 2, 2, 7, 6]),
    ("tf.keras.layers.Conv2D(3, 2, bias_initializer='ones')(x)", [1, 2, 4, 4, 2]),
    ("tf.keras.layers.Conv1D(3, 3, padding='causal', dilation_rate=2)(x)", [2, 2, 6, 2]),
    ("tf.keras.layers.Conv1D(3, 2)(x)", [None, None, 5, 2]),
]

PROGRAM = r"""
tf.set_random_seed(3)
x = tf.placeholder(tf.float32, SHAPE)
y = CALL
ops = [[o.name, o.type, [i.name for i in o.inputs], [str(t.shape) for t in o.outputs]]
       for o in tf.get_default_graph().get_operations()
       if o.type not in ("IsVariableInitialized", "VarIsInitializedOp")
       and not o.name.endswith("/init")]
values = None
feed = [d if d is not None else 2 for d in SHAPE]
data = np.cos(np.arange(np.prod(feed))).reshape(feed).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    values = np.round(s.run(y, {x: data}).astype(np.float64), 4).ravel()[:80].tolist()
result = [ops, y.name, str(y.shape), values]
"""


@pytest.mark.oracle
@pytest.mark.parametrize(("call", "shape"), CASES)
def test_extra_batch_dims_graph_and_values_as_tf(oracle, call, shape):
    code = PROGRAM.replace("CALL", call).replace("SHAPE", repr(shape))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here["ok"][:3] == there["ok"][:3], explain(code, here, there)
    assert here["ok"][3] == pytest.approx(there["ok"][3], abs=2e-4)


ERRORS = r"""
P = tf.placeholder
CALLS = [
    "tf.layers.conv2d(P(tf.float32, [2, 1, 5, 2]), 4, 3)",
    "tf.layers.conv2d(P(tf.float32, [None, 3, 1, 5, 2]), 4, 3, name='zz')",
    "tf.layers.conv2d(P(tf.float32, [2, 2, 1, 5]), 4, 3, data_format='channels_first')",
    "tf.keras.layers.Conv1D(4, 3, strides=2, name='cc')(P(tf.float32, [2, 1, 2]))",
    "tf.keras.layers.Conv3D(4, 3, dilation_rate=2)(P(tf.float32, [2, 4, 5, 5, 2]))",
    "tf.layers.conv2d(P(tf.float32, [2, 2, 2, 2]), 4, 3)",  # size 0: the op's error
    "tf.layers.conv2d_transpose(P(tf.float32, [2, 3, 5, 5, 2]), 4, 3)",
    "tf.keras.layers.Conv1DTranspose(4, 3)(P(tf.float32, [None, 3, 7, 2]))",
    "tf.keras.layers.Conv3DTranspose(4, 3)(P(tf.float32, [2, 3, 5, 5, 5, 2]))",
    "tf.keras.layers.DepthwiseConv2D(3)(P(tf.float32, [2, 3, 5, 5, 2]))",
    "tf.keras.layers.DepthwiseConv1D(3)(P(tf.float32, [2, 3, 7, 2]))",
    "tf.layers.separable_conv2d(P(tf.float32, [2, 3, 5, 5, 2]), 4, 3)",
    # unknown rank / channels: Keras' errors, each layer's own
    "tf.layers.conv2d(P(tf.float32), 4, 3)",
    "tf.keras.layers.SeparableConv1D(4, 3)(P(tf.float32))",
    "tf.layers.conv2d_transpose(P(tf.float32), 4, 3)",
    "tf.keras.layers.DepthwiseConv2D(3)(P(tf.float32))",
    "tf.keras.layers.Conv1D(4, 3, data_format='channels_first')(P(tf.float32, [2, 3, None, 7]))",
    "tf.layers.separable_conv2d(P(tf.float32, [None, None, None, None]), 4, 3)",
    "tf.keras.layers.Conv3DTranspose(4, 3)(P(tf.float32, [2, 5, 5, 5, None]))",
    "tf.keras.layers.DepthwiseConv1D(3, data_format='channels_first')(P(tf.float32, [2, None, 4]))",
]
out = []
for call in CALLS:
    try:
        eval(call)
        out.append("no error")
    except (TypeError, ValueError) as e:
        out.append([type(e).__name__, str(e)])
    out.append(sorted(v.name for v in tf.global_variables()))
# a failed call uses its scope; the next layer is conv2d_N, as TF names it
out.append(tf.layers.conv2d(P(tf.float32, [1, 5, 5, 2]), 4, 3).name)
out.append(len(tf.get_default_graph().get_operations()))
result = out
"""


SHAPES = r"""
K = tf.keras.layers
CASES = [
    ("K.Conv2D(4, 3)", [None, 3, 5, 6, 2]),
    ("K.Conv1D(4, 3, padding='causal', strides=2)", [None, 5, 2]),
    ("K.Conv3D(2, 2, data_format='channels_first')", [4, 2, 3, 5, 5, 6]),
    ("tf.layers.Conv2D(4, 3, dilation_rate=2)", [None, 3, 5, 6, 2]),
    ("K.Conv2D(4, 3)", [None, 1, 6, 2]),
    ("K.Conv2DTranspose(4, 3, strides=2)", [None, 5, 6, 2]),
    ("K.Conv2DTranspose(4, 3, strides=2, output_padding=1, padding='same')", [None, 5, 6, 2]),
    ("K.Conv2DTranspose(4, 3)", [None, 3, 5, 6, 2]),
    ("K.Conv1DTranspose(4, 3, dilation_rate=2, data_format='channels_first')", [None, 2, 5]),
    ("K.Conv3DTranspose(4, 3, strides=(1, 2, 1))", [None, 5, 5, 5, 2]),
    ("tf.layers.Conv2DTranspose(4, 3)", [None, 5, 6, 2]),
    ("K.SeparableConv2D(4, 3)", [None, 5, 6, 2]),
    ("K.SeparableConv2D(4, 3)", [None, 1, 6, 2]),
    ("K.SeparableConv1D(4, 3, padding='causal')", [None, 5, 2]),
    ("K.DepthwiseConv2D(3, depth_multiplier=2, data_format='channels_first')", [1, 2, 5, 6]),
    ("K.DepthwiseConv1D(3, strides=2)", [None, 7, 2]),
]
out = []
for make, shape in CASES:
    try:
        out.append(str(eval(make).compute_output_shape(shape)))
    except ValueError as e:
        out.append(str(e))
x = tf.placeholder(tf.float32, [2, 3, 6, 6, 2])
for layer in [K.Conv2D(4, 3), K.Conv2DTranspose(4, 3, strides=2), K.DepthwiseConv2D(3)]:
    out.append(str(K.TimeDistributed(layer)(x).shape))
result = out
"""


@pytest.mark.oracle
@pytest.mark.parametrize("program", [ERRORS, SHAPES], ids=["errors_no_weights_left",
                                                          "compute_output_shape"])
def test_errors_and_output_shapes_as_tf(oracle, program):
    here, there = run_here(program), oracle(program)
    assert "ok" in there, there
    assert here == there, explain(program, here, there)
