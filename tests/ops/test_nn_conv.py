"""Static shapes of the convolution input-gradient ops, against TF 2.21."""

import pytest
from oracle import ATTEMPT, Expr, fed_cases_match, run_here, snippet_matches

# DCGAN's deconv2d: conv2d_transpose to [batch_size, h, w, c] of a `reshape(z, [-1, ...])`;
# Conv2DBackpropInput takes out_backprop's batch dim (Conv3D's and depthwise's do not), and
# checks batch and channels
SHAPES = r"""
def shape_or_error(f):
    try:
        return f()
    except ValueError as e:  # TF's first words, not its node description
        return ["ValueError", str(e).split(" for ")[0]]
w = tf.get_variable("w", [5, 5, 16, 32])
result = []
for xs, out in [([None, 1, 1, 32], [4, 2, 2, 16]), ([4, 1, 1, None], [4, 2, 2, 16]),
                ([None, None, None, 32], [4, 3, 3, 16]), ([3, 1, 1, 32], [4, 2, 2, 16]),
                ([None, 1, 1, 31], [4, 2, 2, 16]), ([3, 1, 1, 31], [4, 2, 2, 16])]:
    x = tf.placeholder(tf.float32, xs)
    result.append(shape_or_error(lambda: tf.nn.conv2d_backprop_input(
        out, w, x, strides=[1, 2, 2, 1], padding="SAME").shape.as_list()))
x = tf.placeholder(tf.float32, [None, 1, 1, 32])
result.append(tf.nn.conv2d_transpose(x, w, [4, 2, 2, 16], [1, 2, 2, 1]).shape.as_list())
result.append(tf.nn.conv2d_backprop_input(tf.placeholder(tf.int32, [4]), w,
    tf.placeholder(tf.float32, [3, 1, 1, 32]), [1, 2, 2, 1], "SAME").shape.as_list())
result.append(tf.nn.conv2d_backprop_input([4, 16, 2, 2], w,
    tf.placeholder(tf.float32, [None, 32, 1, 1]), [1, 1, 2, 2], "SAME",
    data_format="NCHW").shape.as_list())
x5 = tf.placeholder(tf.float32, [None, 1, 1, 1, 32])
result.append(tf.nn.conv3d_transpose(x5, tf.get_variable("w3", [2, 2, 2, 16, 32]),
    [4, 2, 2, 2, 16], [1, 2, 2, 2, 1]).shape.as_list())
result.append(tf.nn.depthwise_conv2d_native_backprop_input(
    [4, 2, 2, 16], tf.get_variable("wd", [3, 3, 16, 2]), x, [1, 2, 2, 1], "SAME").shape.as_list())
"""


@pytest.mark.oracle
def test_conv2d_backprop_input_shape_as_tf(oracle):
    here, there = run_here(SHAPES), oracle(SHAPES)
    assert here == there
    assert there["ok"][0] == [None, 2, 2, 16]
    assert there["ok"][4] == ["ValueError", "Dimensions must be equal, but are 31 and 32"]


# a filter as wide as its input (text CNNs: (batch, words, embedding, 1) under (k, embedding)
# filters) folds that axis into the channels (nn_conv._fold_last_axis): values and gradients
# as TF's, for strides over the folded axis, several in-channels, NCHW (not folded) and SAME
# (padded: not folded)
SPANNING = r"""
rng = np.random.RandomState(3)
result = []
for xs, ws, strides, padding, fmt in [
        ((2, 7, 5, 1), (3, 5, 1, 4), [1, 1, 1, 1], "VALID", "NHWC"),
        ((2, 7, 5, 2), (2, 5, 2, 3), [1, 2, 3, 1], "VALID", "NHWC"),
        ((2, 7, 5, 2), (2, 5, 2, 3), [1, 1, 1, 1], "SAME", "NHWC"),
        ((2, 2, 7, 5), (3, 5, 2, 4), [1, 1, 1, 1], "VALID", "NCHW")]:
    x = tf.constant(rng.rand(*xs).astype(np.float32))
    w = tf.constant(rng.rand(*ws).astype(np.float32))
    if fmt == "NCHW":
        y = tf.transpose(tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), w, strides, padding),
                         [0, 3, 1, 2])
    else:
        y = tf.nn.conv2d(x, w, strides, padding, data_format=fmt)
    dy = tf.constant(rng.rand(*y.shape.as_list()).astype(np.float32))
    gx, gw = tf.gradients(y, [x, w], dy)
    with tf.Session() as sess:
        result.append([v.tolist() for v in sess.run([y, gx, gw])])
"""


# one input channel (conv_fast.conv2d_taps: a sum of shifted slices): values and gradients as
# TF's for SAME / VALID / explicit padding, strides, dilations, 1-D convolutions, a filter past
# the taps' limit (XLA's convolution) and second-order gradients through the forward pass
ONE_CHANNEL = r"""
rng = np.random.RandomState(5)
result = []
for xs, ws, strides, padding, dil in [
        ((3, 9, 8, 1), (5, 5, 1, 6), [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
        ((2, 9, 8, 1), (3, 2, 1, 4), [1, 2, 3, 1], "VALID", [1, 1, 1, 1]),
        ((2, 9, 8, 1), (3, 3, 1, 4), [1, 1, 1, 1], "SAME", [1, 2, 2, 1]),
        ((2, 9, 8, 1), (2, 3, 1, 5), [1, 2, 1, 1], [[0, 0], [1, 2], [0, 3], [0, 0]], [1, 1, 1, 1]),
        ((2, 6, 6, 1), (5, 5, 1, 80), [1, 1, 1, 1], "SAME", [1, 1, 1, 1])]:
    x = tf.constant(rng.rand(*xs).astype(np.float32))
    w = tf.constant(rng.rand(*ws).astype(np.float32))
    y = tf.nn.conv2d(x, w, strides, padding, dilations=dil)
    dy = tf.constant(rng.rand(*y.shape.as_list()).astype(np.float32))
    gx, gw = tf.gradients(y, [x, w], dy)
    gg = tf.gradients(tf.reduce_sum(tf.square(gx)), [w])[0]
    with tf.Session() as sess:
        result.append([v.tolist() for v in sess.run([y, gx, gw, gg])])
s = tf.constant(rng.rand(2, 20, 1).astype(np.float32))
k = tf.constant(rng.rand(3, 1, 8).astype(np.float32))
with tf.Session() as sess:
    result.append([sess.run(tf.nn.conv1d(s, k, 2, "SAME")).tolist()])
"""


@pytest.mark.oracle
def test_one_channel_convolutions_as_tf(oracle):
    import numpy as np
    here, there = run_here(ONE_CHANNEL), oracle(ONE_CHANNEL)
    assert "ok" in here, here
    assert len(here["ok"]) == len(there["ok"]) == 6
    for got, want in zip(here["ok"], there["ok"]):
        for a, b in zip(got, want):
            assert np.shape(a) == np.shape(b)
            assert np.allclose(a, b, rtol=1e-5, atol=1e-4)

# conv1d_transpose's output shape as TF builds it: a ConcatV2 of the shape's ends and [1] (a
# list's as Consts, a tensor's by StridedSlice), the sizes known from a Pack kept in the
# static shape; a float array where an int32 input belongs is converted twice, as TF
CONV1D_T = r"""
x = tf.placeholder(tf.float32, [None, 7, 3])
w = tf.get_variable("w", initializer=np.cos(np.arange(36.)).reshape(3, 4, 3).astype("float32"))
y = tf.nn.conv1d_transpose(x, w, [2, 14, 4], 2)
z = tf.nn.conv1d_transpose(x, w, tf.stack([tf.shape(x)[0], 15, 4]), 2, padding="VALID")
t = tf.tile(x, np.ones(3))
feed = {x: np.sin(np.arange(42.)).reshape(2, 7, 3)}
with tf.Session() as s:
    s.run(tf.variables_initializer([w], name="init"))
    vals = s.run([y, z, t], feed)
result = [[[o.name, o.type, [i.name for i in o.inputs],
            [[t.dtype.name, t.shape.as_list()] for t in o.outputs]]
           for o in tf.get_default_graph().get_operations()], vals]
"""


@pytest.mark.oracle
def test_filter_spanning_the_input_width_as_tf(oracle):
    import numpy as np
    here, there = run_here(SPANNING), oracle(SPANNING)
    assert "ok" in here, here
    for got, want in zip(here["ok"], there["ok"]):
        for a, b in zip(got, want):
            assert np.allclose(a, b, rtol=1e-5, atol=1e-5)


def test_filter_spanning_the_input_width_is_a_window_of_one():
    import jax
    import numpy as np
    from scopeflow.ops.nn_conv import conv_nd
    x, w = np.ones((2, 7, 5, 1), np.float32), np.ones((3, 5, 1, 4), np.float32)
    text = jax.make_jaxpr(lambda x: jax.vjp(
        lambda x: conv_nd(x, w, [1, 1, 1, 1], "VALID", (), "NHWC", [1, 1, 1, 1]), x)[1](
            np.ones((2, 5, 1, 4), np.float32)))(x)
    convs = [e for e in text.jaxpr.eqns if e.primitive.name == "conv_general_dilated"]
    assert convs and all(e.invars[1].aval.shape[1] == 1 for e in convs)


@pytest.mark.oracle
def test_conv1d_transpose_graph_and_values_as_tf(oracle):
    from approx import agree, explain
    here, there = run_here(CONV1D_T), oracle(CONV1D_T)
    assert "ok" in there, there
    assert agree(here, there), explain(CONV1D_T, here, there)


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([2, 2, 1, 1]), [1, 1, 1, 1], 'VALID')",
     Expr('np.ones([1, 3, 3, 2], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([2, 2, 2, 2]), [1, 1, 1, 1], 'VALID')",
     Expr('np.ones([1, 3, 3, 3], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, 3, None]); '
     "out = tf.nn.conv3d(p, tf.ones([1, 1, 1, 2, 2]), [1] * 5, 'VALID')",
     Expr('np.ones([1, 3, 3, 3, 4], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, 3, None]); '
     "out = tf.nn.conv3d(p, tf.ones([1, 1, 1, 2, 2]), [1] * 5, 'VALID')",
     Expr('np.ones([1, 3, 3, 3, 3], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, 3, None]); '
     "out = tf.nn.conv3d(p, tf.ones([1, 1, 1, 0, 2]), [1] * 5, 'VALID')",
     Expr('np.ones([1, 3, 3, 3, 3], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([1, 1, 0, 2]), [1] * 4, 'VALID')",
     Expr('np.ones([1, 3, 3, 2], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([1, 1, 2, 2]), [1] * 4, 'VALID')",
     Expr('np.ones([1, 3, 3, 3], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([1, 1, 2, 2]), [1] * 4, 'VALID')",
     Expr('np.ones([1, 3, 3, 4], np.float32)')),
    ('p = tf.placeholder(tf.float32, [1, 3, 3, None]); '
     "out = tf.nn.conv2d(p, tf.ones([1, 1, 1, 1]), [1] * 4, 'VALID')",
     Expr('np.ones([1, 3, 3, 2], np.float32)')),
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])


@pytest.mark.oracle
@pytest.mark.parametrize("filt", ["tf.ones([1, 1, 1, 1])", "tf.ones([1, 1, 2, 1])",
                                  "tf.ones([1, 1, 1, 2])"])
def test_depthwise_of_fed_channels_fails_as_tf(oracle, filt):
    # TF's oneDNN kernel checks the channels as a grouped Conv2D's (XLA's words before)
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, [1, 2, 2, None]); out = "
                    "tf.nn.depthwise_conv2d(p, %s, [1, 1, 1, 1], 'VALID')" % filt,
                    [[[[1.0, 2.0]] * 2] * 2, [[[[1.0]] * 2] * 2]])


TRANSPOSE_FED = ATTEMPT + """
x = tf.placeholder(tf.float32, None)
size = tf.placeholder(tf.int32, [4])
w = tf.ones([3, 3, 2, 4])
outs = [tf.nn.conv2d_transpose(x, w, size, [1, 2, 2, 1], "SAME"),
        tf.nn.conv2d_transpose(x, w, size, [1, 2, 2, 1], "VALID")]
result = []
with tf.Session() as s:
    for out in outs:
        for xs, o in [((1, 4, 4, 4), (1, 8, 8, 2)), ((1, 4, 4, 4), (1, 9, 9, 2)),
                      ((1, 4, 4, 4), (1, 7, 7, 2)), ((1, 4, 4, 4), (1, 10, 10, 2)),
                      ((1, 4, 4, 3), (1, 8, 8, 2)), ((1, 4, 4, 4), (1, 8, 8, 3)),
                      ((2, 4, 4, 4), (1, 8, 8, 2)), ((1, 4, 4, 4), (1, 6, 6, 2)),
                      ((1, 4, 4, 4), (1, 9, 8, 2)), ((1, 2, 2, 4), (1, 6, 6, 2))]:
            result.append(attempt(lambda: s.run(out, {x: np.ones(xs), size: o}).sum()))
"""


@pytest.mark.oracle
def test_conv2d_transpose_of_fed_shapes_that_do_not_fit_fails_as_tf(eigen_oracle):
    # TF's Eigen kernel's checks (its default here, without AVX-512; oneDNN's kernel gives an
    # AbortedError "could not create a primitive descriptor" instead): batch, depths and each
    # spatial size of the gradient against the convolution of the output size (dilations
    # left out: that kernel has none, oneDNN's has)
    snippet_matches(eigen_oracle, TRANSPOSE_FED)


CONVOLUTION_READS = """
x = tf.placeholder(tf.float32, [1, 6, 6, 3])
v = tf.Variable(tf.ones([3, 3, 3, 2]), use_resource=True)
a = tf.nn.convolution(x, v, 'VALID', dilation_rate=[2, 2], name='C')
b = tf.nn.convolution(x, np.ones([3, 3, 3, 2], np.float32), 'VALID', name='E')
c = tf.nn.convolution(np.ones([1, 6, 6, 3], np.float32), v, 'VALID')
d = tf.keras.layers.Conv2D(2, 3)(x)
result = [[op.name, op.type] for op in tf.get_default_graph().get_operations()]
"""


def test_convolution_reads_a_variable_in_its_scope_as_tf(oracle):
    # a resource filter is read where the op uses it ('C/ReadVariableOp', Keras'
    # 'conv2d/Conv2D/ReadVariableOp'); arrays become constants in 'convolution_internal'
    snippet_matches(oracle, "import numpy as np\n" + CONVOLUTION_READS)


# Strided Conv3D's input gradients (Conv3DBackpropInputV2, conv_fast.strided_input_grad's
# phases), fed through placeholders: SAME / VALID, uneven strides, a kernel smaller than its
# stride (phases no tap reaches), conv3d_transpose with an odd output size
STRIDED_3D = r"""
cases = [((2, 5, 7, 6, 3), (3, 3, 3, 3, 4), (1, 2, 2, 2, 1), "SAME"),
         ((1, 6, 6, 5, 2), (2, 3, 1, 2, 3), (1, 1, 2, 3, 1), "VALID"),
         ((1, 7, 5, 5, 2), (1, 2, 2, 2, 2), (1, 3, 2, 3, 1), "SAME"),
         ((2, 4, 4, 4, 1), (3, 3, 3, 1, 2), (1, 2, 1, 1, 1), "VALID")]
outs, feed = [], {}
for k, (shape, fshape, strides, padding) in enumerate(cases):
    x = tf.placeholder(tf.float32, shape)
    w = tf.placeholder(tf.float32, fshape)
    y = tf.nn.conv3d(x, w, strides, padding)
    outs += [y, tf.gradients(tf.reduce_sum(tf.sin(y)), x)[0]]
    feed[x] = np.cos(np.arange(np.prod(shape)) * (0.3 + k)).reshape(shape)
    feed[w] = np.sin(np.arange(np.prod(fshape)) * 0.7).reshape(fshape)
d = tf.placeholder(tf.float32, [1, 3, 4, 3, 4])
feed[d] = np.cos(np.arange(144.)).reshape(1, 3, 4, 3, 4)
outs.append(tf.nn.conv3d_transpose(d, tf.constant(np.sin(np.arange(2 * 3 * 3 * 2 * 4.))
                                                  .reshape(2, 3, 3, 2, 4), tf.float32),
                                   [1, 5, 8, 5, 2], [1, 2, 2, 2, 1], "SAME"))
with tf.Session() as s:
    result = [v.tolist() for v in s.run(outs, feed)]
"""


def _values_match_tf(oracle, snippet, count, runs=1):
    """`snippet`'s `count` values (lists) here equal TF's within 1e-5, each of `runs` runs."""
    import numpy as np
    there = oracle(snippet)
    assert "ok" in there, there
    for _ in range(runs):
        here = run_here(snippet)
        assert "ok" in here, here
        assert len(here["ok"]) == len(there["ok"]) == count
        for got, want in zip(here["ok"], there["ok"]):
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.oracle
def test_strided_conv3d_input_gradients_as_tf(oracle):
    _values_match_tf(oracle, STRIDED_3D, 9)


# Explicit paddings beyond the filter's reach (over kh - 1): the input and filter gradients
# (Conv2DBackpropInput at strides 1 and 2, Conv2DBackpropFilter) and conv2d_transpose, fed.
# JAX transposes such a convolution into one with a negative low pad, which XLA:CPU computed
# from memory outside its input (garbage values)
WIDE_PADS = r"""
outs, feed = [], {}
for k, (shape, fshape, strides, pads) in enumerate([
        ((1, 6, 5, 3), (2, 2, 3, 2), [1, 1, 1, 1], [[0, 0], [4, 0], [3, 1], [0, 0]]),
        ((2, 7, 7, 3), (2, 3, 3, 2), [1, 2, 1, 1], [[0, 0], [5, 4], [5, 0], [0, 0]]),
        ((1, 5, 6, 2), (3, 2, 2, 4), [1, 2, 3, 1], [[0, 0], [3, 6], [0, 4], [0, 0]])]):
    x = tf.placeholder(tf.float32, shape)
    w = tf.placeholder(tf.float32, fshape)
    y = tf.nn.conv2d(x, w, strides, pads)
    outs += [y] + tf.gradients(tf.reduce_sum(tf.sin(y)), [x, w])
    feed[x] = np.cos(np.arange(np.prod(shape)) * (0.3 + k)).reshape(shape)
    feed[w] = np.sin(np.arange(np.prod(fshape)) * 0.7).reshape(fshape)
with tf.Session() as s:
    result = [v.tolist() for v in s.run(outs, feed)]
"""


@pytest.mark.oracle
def test_gradients_of_paddings_beyond_the_filter_as_tf(oracle):
    _values_match_tf(oracle, WIDE_PADS, 9, runs=2)  # (the garbage differed run to run)
