"""Transposed convolutions (slim, tf.layers, tf.keras) build TF's graph op for op, with TF's
values: the output shape stacked from tf.shape, Keras' unused `output_shape[0]` slice, and on a
machine without a GPU, channels-first inputs run as NHWC between two transposes."""

import pytest
from oracle import explain, run_here

SLIM = "slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"

# (layer call of `x`, shape of the placeholder x)
CASES = [
    ("slim.conv2d_transpose(x, 4, [3, 3])", [2, 5, 6, 3]),
    ("slim.conv2d_transpose(x, 4, [3, 2], stride=[2, 1], padding='VALID', data_format='NCHW')",
     [2, 3, 5, 6]),
    ("slim.conv2d_transpose(x, 4, 3, stride=2)", [None, None, None, 3]),
    ("slim.conv2d_transpose(x, 4, 3, biases_initializer=None, normalizer_fn=slim.layer_norm)",
     [2, 5, 6, 3]),
    ("slim.conv3d_transpose(x, 2, [3, 3, 3], stride=2)", [1, 3, 4, 5, 2]),
    ("tf.layers.conv3d_transpose(x, 2, 3, strides=(1, 2, 1))", [None, None, 4, None, 2]),
    ("tf.keras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=1)(x)", [2, 5, 6, 3]),
    (("tf.keras.layers.Conv2DTranspose(4, 3, strides=2, data_format='channels_first', "
      "padding='same')(x)"), [2, 3, 5, 6]),
]

PROGRAM = r"""
tf.set_random_seed(3)
x = tf.placeholder(tf.float32, SHAPE)
y = CALL
# TF's Keras backends (tf.layers' and tf_keras') list the devices through a Session once per
# process, the first time they ask whether NCHW runs here, and build (Var)IsInitialized ops and
# an `init` op then: an effect of what ran before in the process, left out
ops = [[o.name, o.type, [i.name for i in o.inputs], [str(t.shape) for t in o.outputs]]
       for o in tf.get_default_graph().get_operations()
       if o.type not in ("IsVariableInitialized", "VarIsInitializedOp")
       and not o.name.endswith("/init")]
values = None
if None not in SHAPE:
    data = np.cos(np.arange(np.prod(SHAPE))).reshape(SHAPE).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        values = np.round(s.run(y, {x: data}).astype(np.float64), 4).ravel()[:60].tolist()
result = [ops, str(y.shape), values]
"""


@pytest.mark.oracle
@pytest.mark.parametrize(("call", "shape"), CASES)
def test_graph_and_values_match_tf(oracle, call, shape):
    code = SLIM + PROGRAM.replace("CALL", call).replace("SHAPE", repr(shape))
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here["ok"][:2] == there["ok"][:2], explain(code, here, there)
    if there["ok"][2] is not None:
        assert here["ok"][2] == pytest.approx(there["ok"][2], abs=2e-4)


def test_output_padding_must_be_below_the_stride():
    code = "tf.keras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)"
    out = run_here("result = " + code)
    assert out["raises"] == "ValueError"
    assert "Strides must be greater than output padding. Received strides=(2, 2), " \
           "output_padding=(2, 2)." in out["msg"]
