"""tf.quantization.quantize / dequantize (QuantizeV2, Dequantize on quantized dtypes) and
quantize_and_dequantize (V2, V4 and V4's gradient op) against real TF: TF's bits over a
spread of inputs, ranges, modes, rounding and types, per-axis ranges, the graph, and TF's
errors at graph building and at run time."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
rng = np.random.RandomState(0)
X = np.concatenate([rng.randn(150) * 3, rng.uniform(-10, 10, 150), np.arange(-40, 40) / 8.,
                    [0., -0., 1e-8, 1e30, -1e30, 0.5, -0.5, 2.5]]).astype(np.float32)
x = tf.placeholder(tf.float32, [None], name="x")
def ints(v):
    v = np.asarray(v)
    return (v.view(v.dtype[0]) if v.dtype.names else v).astype(np.int64).ravel().tolist()
def bits(v):
    v = np.asarray(v)
    if v.dtype.names:
        return ints(v)
    return v.astype(np.float32).view(np.int32).ravel().tolist()
RANGES = [(-1., 1.), (-3.7, 2.1), (0., 6.), (0.5, 3.), (-5., -1.), (-2.5, 7.3), (0., 0.),
          (-1e-4, 1e-4), (-128., 127.)]
"""

SNIPPETS = {
    # QuantizeV2 then Dequantize for each quantized type, range and mode
    "quantize_values": """
outs = []
# (quint8 is left out: the oracle's oneDNN build rewrites QuantizeV2 / Dequantize on quint8 to
# its MKL kernels, whose bits differ; scopeflow gives TF's reference CPU kernels' bits)
for T in (tf.qint8, tf.qint16, tf.quint16, tf.qint32):
    for lo, hi in RANGES:
        for mode, rm, nr in (("MIN_COMBINED", "HALF_AWAY_FROM_ZERO", False),
                             ("MIN_FIRST", "HALF_AWAY_FROM_ZERO", False),
                             ("SCALED", "HALF_AWAY_FROM_ZERO", False),
                             ("SCALED", "HALF_TO_EVEN", True)):
            q = tf.quantization.quantize(x, lo, hi, T, mode=mode, round_mode=rm,
                                         narrow_range=nr)
            # (TF's oneDNN rewrite has no kernel for a SCALED qint32 Dequantize: NotFound)
            d = q.output if (T, mode) == (tf.qint32, "SCALED") else tf.quantization.dequantize(
                q.output, q.output_min, q.output_max, mode=mode, narrow_range=nr)
            outs.append([q.output, q.output_min, q.output_max, d])
q = tf.quantize(x, -1., 1., tf.qint8, ensure_minimum_range=0.5)  # (oneDNN: no quint8 -> bf16)
outs.append([q.output, q.output_min, q.output_max,
             tf.dequantize(q.output, -2., 3., dtype=tf.bfloat16)])
with tf.Session() as s:
    vals = s.run(outs, {x: X})
result = [[bits(a) for a in v] for v in vals]
""",
    # ranges per slice along an axis, fed ranges, a quantized placeholder fed and fetched
    "quantize_axis": """
X3 = (rng.randn(20, 4, 3) * 3).astype(np.float32)
x3 = tf.placeholder(tf.float32, [None, 4, 3])
lo = tf.placeholder(tf.float32); hi = tf.placeholder(tf.float32)
outs = []
for T in (tf.qint8, tf.quint8, tf.qint32):
    for mode in ("MIN_COMBINED", "SCALED"):
        q = tf.quantization.quantize(x3, [-1., -3.7, 0., 0.5], [1., 2.1, 6., 3.], T,
                                     mode=mode, axis=1)
        outs += [q.output, q.output_min, q.output_max, tf.quantization.dequantize(
            q.output, q.output_min, q.output_max, mode=mode, axis=1)]
        q = tf.quantization.quantize(x3, lo, hi, T, mode=mode, axis=-1)
        outs += [q.output, q.output_min, q.output_max, tf.quantization.dequantize(
            q.output, q.output_min, q.output_max, mode=mode, axis=2)]
p = tf.placeholder(tf.qint8, [None], name="p")
outs += [p, tf.identity(p), tf.quantization.dequantize(p, -1., 1.)]
with tf.Session() as s:
    vals = s.run(outs, {x3: X3, lo: [-1., -2., 0.], hi: [1., 2.5, 4.],
                        p: np.array([-128, 0, 5, 127], np.int8)})
result = [bits(v) for v in vals] + [str(np.asarray(vals[-3]).dtype)]
""",
    "quantize_graph": """
q = tf.quantization.quantize(x, -1., 1., tf.qint8)
q2 = tf.quantization.quantize(tf.reshape(x, [-1, 2]), [-1., 0.], [1., 2.], tf.quint16,
                              mode="SCALED", axis=-1, name="per_axis")
d = tf.quantization.dequantize(q.output, q.output_min, q.output_max, mode="MIN_COMBINED")
result = [repr(q), str(q.output.op.node_def), str(q2.output.op.node_def), graph(),
          err(lambda: tf.gradients(q.output_min, x)), err(lambda: tf.gradients(d, x))]
""",
    "quantize_errors": """
x2 = tf.placeholder(tf.float32, [None, 3])
qi = tf.constant([[(1,)]], tf.qint8)
result = [
    err(lambda: tf.quantization.quantize(x2, -1., 1., tf.float32)),
    err(lambda: tf.quantization.quantize(x2, -1., 1., tf.qint8, mode="FOO")),
    err(lambda: tf.quantization.quantize(x2, -1., 1., tf.qint8, round_mode="FOO")),
    err(lambda: tf.quantization.quantize(x2, [-1.], [1.], tf.qint8)),
    err(lambda: tf.quantization.quantize(x2, [-1.] * 2, [1.] * 2, tf.qint8, axis=1)),
    err(lambda: tf.quantization.quantize(x2, -1., 1., tf.qint8, axis=1)),
    err(lambda: tf.quantization.quantize(x2, [-1.] * 3, [1.] * 3, tf.qint8, axis=5)),
    err(lambda: tf.quantization.quantize(tf.placeholder(tf.float32), [-1.] * 3, [1.] * 3,
                                         tf.qint8, axis=-1)),
    err(lambda: tf.quantization.quantize(tf.zeros([2], tf.float64), -1., 1., tf.qint8)),
    err(lambda: tf.quantization.dequantize(qi, -1., 1., dtype=tf.float64)),
    err(lambda: tf.quantization.dequantize(tf.zeros([1, 2]), -1., 1.)),
    err(lambda: tf.quantization.dequantize(qi, [-1.], [1.])),
    err(lambda: tf.quantization.dequantize(qi, [-1., 2.], [1., 3.], axis=1)),
    err(lambda: tf.quantization.dequantize(qi, -1., 1., mode="BAR")),
    [n.name for n in tf.get_default_graph().get_operations()],
]
c = tf.constant([[-1.5, 0.3, 2.], [0.7, -0.2, 5.]])
a = tf.placeholder(tf.float32); b = tf.placeholder(tf.float32)
runs = [
    lambda: tf.quantization.dequantize(qi, a, b, axis=1),
    lambda: tf.quantization.dequantize(qi, a, b),
    lambda: tf.quantization.quantize(c, a, b, tf.qint8),
    lambda: tf.quantization.quantize(c, a, b, tf.qint8, axis=1)[0],
    lambda: tf.quantization.quantize(c, [-1.] * 3, [1.] * 3, tf.qint8, axis=1,
                                     mode="MIN_FIRST")[0],
    lambda: tf.quantization.quantize(c, -1., 1., tf.qint8, round_mode="HALF_TO_EVEN")[0],
    lambda: tf.quantization.quantize(c, 1., -1., tf.qint8)[0],
    lambda: tf.quantization.quantize(c, a[0], b[0], tf.qint8)[0],
    lambda: tf.quantization.dequantize(qi, -1., 1., mode="SCALED", dtype=tf.bfloat16),
    lambda: tf.quantization.dequantize(tf.constant([[(1,), (2,)]], tf.qint8), [-1., 0.],
                                       [1., 2.], axis=1, mode="MIN_FIRST"),
]
with tf.Session() as s:
    for f in runs:
        result.append(err(lambda: s.run(f(), {a: [3., 0.], b: [1., 1.]})))
""",
    # quantize_and_dequantize (V2) and _v2 (V4) over ranges, bit widths, signs, rounding
    "qdq_values": """
X2 = X[:320].reshape(80, 4)
outs = []
for dt in (tf.float32, tf.float64):
    c = tf.constant(X2.astype(dt.as_numpy_dtype))
    for lo, hi in RANGES[:7]:
        for signed, nb, nr in [(True, 8, False), (True, 8, True), (False, 8, False),
                               (True, 4, False), (False, 3, True), (True, 16, False)]:
            for given in (True, False):
                for rm in ("HALF_TO_EVEN", "HALF_UP"):
                    if dt != tf.float32 and (nb, rm) != (8, "HALF_TO_EVEN"):
                        continue
                    f = (tf.quantization.quantize_and_dequantize_v2 if given else
                         tf.quantization.quantize_and_dequantize)
                    outs.append(f(c, lo, hi, signed, nb, given, rm, narrow_range=nr))
    outs.append(tf.quantization.quantize_and_dequantize(c, [-1., -2., .3, -4.],
                                                        [1., 3., .5, 4.], axis=1))
    outs.append(tf.quantization.quantize_and_dequantize_v2(c, [0.] * 4, [1.] * 4, axis=-1,
                                                           num_bits=5))
    outs.append(tf.raw_ops.QuantizeAndDequantizeV3(input=c, input_min=-2., input_max=3.,
                                                   num_bits=tf.constant(6), narrow_range=True))
with tf.Session() as s:
    vals = s.run(outs)
result = [np.asarray(v).astype(np.float64).ravel().tolist() for v in vals]
""",
    "qdq_gradients": """
x2 = tf.placeholder(tf.float32, [None, 4])
y1 = tf.quantization.quantize_and_dequantize_v2(x2, -1., 2., range_given=True)
y2 = tf.quantization.quantize_and_dequantize(x2, -1., 2., range_given=True)
y3 = tf.quantization.quantize_and_dequantize_v2(x2, [-1., -2., .3, -4.], [1., 3., .5, 4.],
                                                axis=1)
y4 = tf.raw_ops.QuantizeAndDequantizeV3(input=x2, input_min=-1., input_max=1., num_bits=4)
g = tf.gradients(tf.reduce_sum(y1 * 2 + y2 * 3 + y3 * x2 + y4), x2)
direct = tf.raw_ops.QuantizeAndDequantizeV4Grad(gradients=x2 * 2, input=x2,
                                                input_min=[-1., -2., .3, -4.],
                                                input_max=[1., 3., .5, 4.], axis=1)
with tf.Session() as s:
    vals = s.run(g + list(direct), {x2: X[:320].reshape(80, 4)})
result = [bits(v) for v in vals] + [graph()]
""",
    "qdq_errors": """
c = tf.constant([[-1.5, 0.3, 2.], [0.7, -0.2, 5.]])
a = tf.placeholder(tf.float32); b = tf.placeholder(tf.float32)
Q2, Q4 = tf.raw_ops.QuantizeAndDequantizeV2, tf.raw_ops.QuantizeAndDequantizeV4
result = [
    err(lambda: Q2(input=c, input_min=-1., input_max=1., round_mode="FOO")),
    err(lambda: tf.quantization.quantize_and_dequantize(c, -1., 1., round_mode="UP")),
    err(lambda: Q4(input=c, input_min=a, input_max=b, axis=-2)),
    err(lambda: tf.quantization.quantize_and_dequantize(tf.zeros([2], tf.int32), -1, 1)),
    err(lambda: tf.quantization.quantize_and_dequantize(c, [-1.], [1.])),
    err(lambda: tf.quantization.quantize_and_dequantize(c, [-1.] * 2, [1.] * 3, axis=1)),
    err(lambda: tf.quantization.quantize_and_dequantize_v2(c, -1., 1., axis=3)),
    err(lambda: tf.raw_ops.QuantizeAndDequantizeV3(input=c, input_min=-1., input_max=1.,
                                                   num_bits=[8])),
    err(lambda: tf.raw_ops.QuantizeAndDequantizeV4Grad(gradients=c[0], input=c, input_min=-1.,
                                                       input_max=1.)),
    err(lambda: tf.quantization.quantize_and_dequantize(tf.placeholder(tf.float32), 0., 1.,
                                                        axis=-1)),
]
runs = [lambda: Q2(input=c, input_min=-1., input_max=1., num_bits=0),
        lambda: Q2(input=c, input_min=-1., input_max=1., num_bits=63, signed_input=False),
        lambda: Q2(input=c, input_min=-1., input_max=1., num_bits=62)]
for op in (Q2, Q4):
    for axis in (-1, 1, 0):
        for given in (True, False):
            for lo, hi in (([-1.] * 3, [1.] * 3), (-1., 1.), ([-1.], [1.]),
                           ([-1., 0.], [1., 2.]), (2., 1.)):
                runs.append(lambda op=op, axis=axis, given=given, lo=lo, hi=hi: (
                    op(input=c, input_min=a, input_max=b, axis=axis, range_given=given),
                    {a: lo, b: hi}))
runs += [lambda: tf.raw_ops.QuantizeAndDequantizeV4Grad(
             gradients=c, input=c, input_min=a, input_max=b, axis=1), {a: [0.] * 2, b: 1.}]
runs = runs[:-1]
runs.append(lambda: tf.raw_ops.QuantizeAndDequantizeV4Grad(gradients=c, input=c, input_min=a,
                                                           input_max=b))
with tf.Session() as s:
    for f in runs:
        def run():
            out = f()
            t, feed = out if isinstance(out, tuple) else (out, {a: [0., 0.], b: [1., 1.]})
            return s.run(t, feed)
        result.append(err(run))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_quantize_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in str(there)[:10] or there, there
    assert agree(here, there, tol=0), explain(code, here, there)
