"""FractionalMaxPool / FractionalAvgPool against real TF: with seeds set, the row and column
pooling sequences (TF's Philox draws, pseudo-random and random) and the pooled values bit for
bit over dtypes, shapes, ratios and overlapping windows; their gradients (TF's
FractionalMaxPoolGrad / FractionalAvgPoolGrad ops and values); with both seeds 0 the shapes,
the sequences' properties and their draw once per session; graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
def data(shape, dt):
    v = np.cos(np.arange(np.prod(shape)) * 1.37).reshape(shape) * 50
    return v.astype(dt)
"""

SNIPPETS = {
    "values": """
cases = [([2, 9, 10, 3], [1., 1.44, 1.73, 1.]), ([1, 17, 23, 2], [1., 2.3, 1.7, 1.]),
         ([1, 25, 19, 1], [1., 4.4, 3.1, 1.]), ([2, 8, 6, 2], [1., 2., 2., 1.]),
         ([1, 5, 7, 2], [1., 1., 1.2, 1.]), ([1, 40, 31, 1], [1., 1.414, 1.9, 1.])]
seeds = [(3, 5), (1, 0), (0, 7), (2 ** 40 + 5, 2 ** 33 + 1), (87654321, 12)]
outs, feeds = [], {}
i = 0
for shape, ratio in cases:
    for dt in (np.float32, np.float64, np.int32, np.int64):
        p = tf.placeholder(dt, shape)
        feeds[p] = data(shape, dt)
        for f in (tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool):
            s1, s2 = seeds[i % len(seeds)]
            outs.append(f(p, ratio, pseudo_random=i % 2 == 0, overlapping=i % 3 == 0,
                          deterministic=True, seed=s1, seed2=s2))
            i += 1
raw = [tf.raw_ops.FractionalMaxPool(value=tf.constant(data([1, 11, 13, 2], np.float32)),
                                    pooling_ratio=[1, 1.5, 1.5, 1], pseudo_random=True,
                                    overlapping=True, deterministic=True, seed=9, seed2=4),
       tf.raw_ops.FractionalAvgPool(value=tf.constant(data([1, 11, 13, 2], np.float32)),
                                    pooling_ratio=[1, 1.5, 1.5, 1], deterministic=True, seed=9,
                                    name="fap")]
with tf.Session() as s:
    values = s.run(outs + raw, feeds)
    again = s.run(outs[:4], feeds)
result = [[[a.tolist() for a in v] for v in values], [[a.tolist() for a in v] for v in again],
          [[t.name, t.dtype.name, t.shape.as_list()] for o in outs + raw for t in o],
          [type(o).__name__ for o in outs[:2]]]
""",
    "grads": """
xs, ys = [], []
for dt in (tf.float32, tf.float64):
    x = tf.constant(data([2, 11, 9, 2], dt.as_numpy_dtype))
    for k, f in enumerate((tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool)):
        for ov in (False, True):
            o = f(x, [1., 1.6, 1.4, 1.], pseudo_random=ov, overlapping=ov, deterministic=True,
                  seed=11, seed2=k + 1)
            ys.append(tf.reduce_sum(o[0] * o[0] * 0.25))
            xs.append(x)
gs = [tf.gradients(y, x)[0] for x, y in zip(xs, ys)]
ops = [[g.op.type, g.op.name, [i.name for i in g.op.inputs],
        sorted((k, str(v)) for k, v in g.op.node_def.attr.items())] for g in gs]
c = tf.get_default_graph().get_tensor_by_name(gs[2].op.inputs[0].name)
with tf.Session() as s:
    values = s.run(gs)
result = [[v.tolist() for v in values], ops, c.op.type]
""",
    "unseeded": """
x = tf.placeholder(tf.float32, [2, 17, 23, 2])
outs = [f(x, [1., r1, r2, 1.], pseudo_random=ps, overlapping=ov, deterministic=det)
        for f in (tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool)
        for r1, r2, ps, ov, det in ((1.44, 1.73, False, False, False),
                                    (2.3, 1.5, True, True, False),
                                    (1.7, 3.3, True, False, True))]
g = tf.gradients(tf.reduce_sum(outs[0][0]) + tf.reduce_sum(outs[4][0]), x)[0]
def props(seq, n):
    d = np.diff(seq)
    k = n // (len(seq) - 1)
    return [int(seq[0]), int(seq[-1]), bool(np.all((d == k) | (d == k + 1)))]
with tf.Session() as s:
    v = s.run(outs + [g], {x: data([2, 17, 23, 2], np.float32)})
result = [[list(o.shape) for o in v[:-1]] for v in [[t for o in v[:-1] for t in o] + [v[-1]]]]
result += [[props(o[1], 17), props(o[2], 23)] for o in v[:-1]]
result += [[t.shape.as_list() for t in o] for o in outs]
p = tf.placeholder(tf.float32, [None, None, 10, 3])
result.append([t.shape.as_list() for t in tf.nn.fractional_max_pool(p, [1., 1.5, 1.7, 1.])])
result.append([t.shape.as_list() is None or t.shape.as_list()
               for t in tf.nn.fractional_avg_pool(tf.placeholder(tf.float32), [1., 1.5, 1.7, 1.])])
""",
    "errors": """
x = tf.zeros([2, 9, 10, 3])
fmp, fap = tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool
result = [err(lambda: fmp(x, [1., 0.5, 2., 1.])), err(lambda: fap(x, [1., 0.3, 2., 1.])),
          err(lambda: fmp(x, 1.5)), err(lambda: fmp(x, [1.5, 1.5])),
          err(lambda: fmp(x, [1, 1.5, 1.5, 1, 1])),
          err(lambda: fmp(tf.zeros([2, 3, 3]), [1., 1.5, 1.5, 1.])),
          err(lambda: fap(tf.zeros([2, 3, 3, 1], tf.int8), [1., 1.5, 1.5, 1.])),
          err(lambda: tf.raw_ops.FractionalAvgPool(value=x, pooling_ratio=[1., 1.5])),
          fmp(tf.zeros([1, 1, 1, 1]), [1., 1.5, 1.5, 1.])[0].shape.as_list(),
          err(lambda: tf.gradients(fap(tf.placeholder(tf.float32, [None, 4, 4, 1]),
                                       [1., 1.5, 1.5, 1.])[0], tf.zeros([1]))),
          ]
p = tf.placeholder(tf.float32, [None, 4, 4, 1])
o = fap(p, [1., 1.5, 1.5, 1.])[0]
result.append(err(lambda: tf.gradients(o, p)))
with tf.Session() as s:
    for f in (lambda: fmp(x, [1., 1.5, 1.5, 1.], seed=3),
              lambda: fap(x, [1., 1.5, 1.5, 1.], seed2=3),
              lambda: fmp(tf.zeros([1, 1, 4, 1]), [1., 1.5, 1.5, 1.]),
              lambda: fap(tf.zeros([1, 4, 4, 1]), [1., 5.5, 1.5, 1.], deterministic=True,
                          seed=2),
              lambda: fmp(x, [2., 1.5, 1.5, 2.]),
              lambda: fmp(tf.zeros([2, 4, 4, 3]), [2., 1.5, 1.5, 1.])):
        result.append(err(lambda: s.run(f())))
    o = fmp(tf.constant(data([1, 6, 6, 1], np.float32)), [1., 1.5, 1.5, 1.], seed=1,
            deterministic=True)
    R = tf.raw_ops
    seqs = dict(row_pooling_sequence=o[1], col_pooling_sequence=o[2])
    for f in (lambda: R.FractionalMaxPoolGrad(orig_input=o[0].op.inputs[0][0],
                                              orig_output=o[0], out_backprop=o[0], **seqs),
              lambda: R.FractionalMaxPoolGrad(orig_input=tf.placeholder(tf.float32),
                                              orig_output=o[0], out_backprop=o[0], **seqs),
              lambda: R.FractionalMaxPoolGrad(orig_input=o[0].op.inputs[0], orig_output=o[0],
                                              out_backprop=o[0], overlapping=True, **seqs),
              lambda: R.FractionalAvgPoolGrad(orig_input_tensor_shape=[1, 6, 6],
                                              out_backprop=o[0], **seqs),
              lambda: R.FractionalAvgPoolGrad(
                  orig_input_tensor_shape=tf.placeholder_with_default(
                      tf.constant([1, 6, 6, 1], tf.int64), [4]),
                  out_backprop=o[0], overlapping=True, **seqs)):
        result.append(err(lambda: f().shape.as_list()))
        result.append(err(lambda: s.run(f()).tolist()))
    result.append(err(lambda: tf.gradients(tf.gradients(tf.reduce_sum(o[0] ** 2),
                                                        o[0].op.inputs[0])[0], o[0])))
""",
    # both seeds 0: TF 2.21's kernel draws its seeds once, so a session pools alike in every
    # run (deterministic or not); another session draws others
    "session_seeds": """
x = tf.constant(data([1, 40, 50, 2], np.float32))
ops = [tf.nn.fractional_max_pool(x, [1., 1.44, 1.33, 1.], deterministic=d)[1:]
       for d in (False, True)] + [tf.nn.fractional_avg_pool(x, [1., 1.6, 1.5, 1.], True)[1:]]
seqs, result = [], []
for _ in range(2):
    with tf.Session() as s:
        runs = [s.run(ops) for _ in range(3)]
    seqs.append(runs[0])
    result.append([all(np.array_equal(a, b) for r in runs for a, b in zip(
        np.concatenate(r[k]), np.concatenate(runs[0][k]))) for k in range(3)])
result.append([not np.array_equal(np.concatenate(seqs[0][k]), np.concatenate(seqs[1][k]))
               for k in range(3)])
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_fractional_pool_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)
