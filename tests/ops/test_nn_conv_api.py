"""tf.nn convolutions of inputs with batch dims beyond the first: TF's squeeze_batch_dims
(Reshape to one batch dim, the op, Reshape back; `tf.shape` slices for unknown sizes) in
conv2d, conv1d and convolution (dilated ones too, through space-to-batch); conv3d (v1) has
none and gives the op's rank error."""

import pytest
from oracle import explain, run_here

PROGRAM = r"""
def rnd(shape, seed):
    return np.cos(np.arange(np.prod(shape)) * 0.7 + seed).reshape(shape).astype(np.float32)

P = tf.placeholder
w2, w1, w3 = rnd([3, 3, 2, 4], 1), rnd([2, 2, 3], 2), rnd([2, 2, 2, 2, 3], 3)
ys = [
    tf.nn.conv2d(P(tf.float32, [2, 3, 5, 5, 2], name="a"), w2, 1, "VALID"),
    tf.nn.conv2d(P(tf.float32, [None, 3, 5, None, 2], name="b"), w2, 2, "SAME", name="c2"),
    tf.nn.conv1d(P(tf.float32, [2, 3, 6, 2], name="c"), w1, 1, "SAME"),
    tf.nn.conv1d(P(tf.float32, [2, 3, 2, 6], name="d"), w1, 2, "VALID", data_format="NCW"),
    tf.nn.convolution(P(tf.float32, [2, 2, 3, 4, 4, 2], name="e"), w3, "VALID"),
    tf.nn.convolution(P(tf.float32, [None, 3, 7, None, 2], name="f"), w2, "SAME",
                      dilations=2),
    tf.nn.convolution(P(tf.float32, [2, 3, 9, 2], name="g"), w1, "VALID", dilations=3),
]
ops = [[o.name, o.type, [i.name for i in o.inputs], [str(t.shape) for t in o.outputs]]
       for o in tf.get_default_graph().get_operations()]
feeds = {}
for y in ys:
    for o in tf.get_default_graph().get_operations():
        if o.type == "Placeholder":
            shape = [d if d is not None else 2 for d in o.outputs[0].shape.as_list()]
            feeds[o.outputs[0]] = rnd(shape, 0)
with tf.Session() as s:
    values = [np.round(v.astype(np.float64), 4).ravel()[:40].tolist() for v in s.run(ys, feeds)]
try:
    tf.nn.conv3d(P(tf.float32, [2, 2, 3, 4, 4, 2]), w3, [1] * 5, "VALID")
    error = None
except ValueError as e:
    error = str(e)
result = [ops, [y.name for y in ys], [str(y.shape) for y in ys], values, error]
"""


@pytest.mark.oracle
def test_extra_batch_dims_graph_values_and_errors_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    h, t = here["ok"], there["ok"]
    assert [h[0], h[1], h[2], h[4]] == [t[0], t[1], t[2], t[4]], explain(PROGRAM, here, there)
    for a, b in zip(h[3], t[3]):
        assert a == pytest.approx(b, abs=2e-4)
