"""Stateless random ops against TF: graphs (names, types, inputs, attrs), values bit for bit
(every dtype, int32 and int64 seeds, shapes from tensors), build and run errors, gradients."""

import pytest

from oracle import ORACLE_HELPERS, RUN_OR_ERROR, run_here

GRAPH = """
def _graph():
    out = []
    for o in tf.get_default_graph().get_operations():
        attrs = {k: str(o.get_attr(k)) for k in ("dtype", "Tshape", "Tseed", "T",
                 "output_dtype") if k in o.node_def.attr and o.type != "Const"}
        out.append([o.name, o.type, [i.name for i in o.inputs],
                    [[t.dtype.name, t.shape] for t in o.outputs], attrs])
    return out
"""

BUILD = GRAPH + (
    "x = tf.placeholder(tf.int32, [None, 3])\n"
    "seed64 = tf.constant([2 ** 40 + 5, -3], tf.int64)\n"
    "ys = [tf.random.stateless_uniform([2, 3], seed=[1, 2]),\n"
    "      tf.random.stateless_normal([5], seed=[3, 4], mean=1., stddev=2.),\n"
    "      tf.random.stateless_truncated_normal([7], seed=[3, 4]),\n"
    "      tf.random.stateless_uniform([4], seed=[1, 2], minval=3, maxval=9, dtype=tf.int32),\n"
    "      tf.random.stateless_categorical(tf.log([[0.5, 0.5, 0.1], [1., 2., 3.]]), 5,\n"
    "                                      seed=[7, 8]),\n"
    "      tf.random.stateless_multinomial([[0., 1.]], 3, seed=seed64, output_dtype=tf.int32),\n"
    "      tf.random.stateless_uniform([4], seed=[1, 2], minval=None, dtype=tf.int64),\n"
    "      tf.random.stateless_uniform([5], seed=[-1, 2], minval=None, dtype=tf.uint32),\n"
    "      tf.random.stateless_uniform([3], seed=[9, 9], minval=None, dtype=tf.uint64),\n"
    "      tf.random.stateless_uniform([2], seed=seed64, minval=1.5, maxval=3.),\n"
    "      tf.random.stateless_uniform(tf.shape(x), seed=[5, 6], dtype=tf.float64),\n"
    "      tf.random.stateless_normal([3, 2], seed=[5, 6], dtype=tf.float64),\n"
    "      tf.random.stateless_truncated_normal([5], seed=seed64, dtype=tf.float64),\n"
    "      tf.random.stateless_normal([6], seed=[5, 6], dtype=tf.float16),\n"
    "      tf.random.stateless_uniform([6], seed=[5, 6], dtype=tf.bfloat16),\n"
    "      tf.random.stateless_uniform([3], seed=seed64, minval=-2 ** 40, maxval=2 ** 41,\n"
    "                                  dtype=tf.int64, name='big'),\n"
    "      tf.random.stateless_uniform([0, 2], seed=[1, 1], maxval=5, dtype=tf.int32),\n"
    "      tf.random.stateless_truncated_normal([0], seed=[1, 1])]\n"
    "g = _graph()\n"
    "with tf.Session() as s:\n"
    "    vals = s.run(ys, {x: [[1, 2, 3], [4, 5, 6]]})\n"
    "result = [g, [y.shape for y in ys], [v.astype('float64').tolist() if v.dtype.kind == 'f'"
    " else [str(a) for a in v.reshape(-1)] for v in vals]]\n")


RAW = ORACLE_HELPERS + RUN_OR_ERROR + (
    "R = tf.raw_ops\n"
    "k = tf.constant([5], tf.uint64); c = tf.constant([0, 7], tf.uint64)\n"
    "build = [err(f) for f in (\n"
    "    lambda: R.StatelessRandomUniformV2(shape=[2], key=tf.constant(5, tf.uint64),"
    " counter=c, alg=1),\n"
    "    lambda: R.StatelessRandomUniformV2(shape=[2], key=tf.constant([5, 6], tf.uint64),"
    " counter=c, alg=1),\n"
    "    lambda: R.StatelessRandomUniformV2(shape=[2], key=k, counter=c, alg=[1]),\n"
    "    lambda: R.StatelessRandomUniformV2(shape=[2], key=k, counter=c, alg=1, dtype=tf.int32),\n"
    "    lambda: R.StatelessRandomNormalV2(shape=[2], key=tf.constant([5]), counter=c, alg=1),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1, 2, 3]),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=1),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1., 2.]),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1, 2], dtype=tf.int32),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1, 2], minval=None, maxval=5,"
    " dtype=tf.int32),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1, 2], minval=1, maxval=5,"
    " dtype=tf.uint32),\n"
    "    lambda: tf.random.stateless_uniform([2], seed=[1, 2], dtype=tf.string),\n"
    "    lambda: tf.random.stateless_normal([-2], seed=[1, 2]),\n"
    "    lambda: tf.random.stateless_categorical([[1., 2.]], 2, seed=[1, 2], dtype=tf.int16))]\n"
    "kp = tf.placeholder(tf.uint64); cp = tf.placeholder(tf.uint64)\n"
    "ap = tf.placeholder(tf.int32); sp = tf.placeholder(tf.int32)\n"
    "u = R.StatelessRandomUniformV2(shape=sp, key=kp, counter=cp, alg=ap)\n"
    "t = R.StatelessTruncatedNormalV2(shape=sp, key=kp, counter=cp, alg=ap)\n"
    "mn = tf.placeholder(tf.int32); mx = tf.placeholder(tf.int32)\n"
    "ui = R.StatelessRandomUniformIntV2(shape=sp, key=kp, counter=cp, alg=ap, minval=mn,"
    " maxval=mx)\n"
    "seed = tf.placeholder(tf.int32)\n"
    "kc = R.StatelessRandomGetKeyCounter(seed=seed)\n"
    "v1 = [R.StatelessRandomUniform(shape=[3], seed=seed),"
    " R.StatelessRandomNormal(shape=[3], seed=seed, dtype=tf.float64),"
    " R.StatelessTruncatedNormal(shape=[5], seed=seed),"
    " R.StatelessRandomUniformInt(shape=[4], seed=seed, minval=-3, maxval=4),"
    " R.StatelessRandomUniformFullInt(shape=[3], seed=seed, dtype=tf.int32)]\n"
    "base = {kp: [5], cp: [0, 7], ap: 1, sp: [3]}\n"
    "runs = [({ap: 3}, u), ({ap: 2}, u), ({ap: 0}, u), ({ap: 9}, u), ({ap: -1}, u),"
    " ({kp: [5, 6]}, u), ({kp: 5}, u), ({cp: [0, 7, 9]}, u), ({cp: [2 ** 64 - 1, 7]}, u),"
    " ({cp: [3, 2 ** 63]}, t), ({cp: []}, u), ({cp: [[1, 2]]}, u), ({sp: [-1]}, u),"
    " ({sp: [[1]]}, u), ({mn: -5, mx: 5}, ui), ({mn: 5, mx: 5}, ui), ({mn: [1], mx: 5}, ui),"
    " ({sp: [0], mn: 5, mx: 5}, ui)]\n"
    "with tf.Session() as s:\n"
    "    ran = [_run(s, y, {**base, **f}) for f, y in runs]\n"
    "    ran += [_run(s, list(kc), {seed: v}) for v in ([1, 2, 3], 1, [-7, 2 ** 31 - 1])]\n"
    "    ran.append([type(kc).__name__, kc._fields, [t.name for t in kc]])\n"
    "    ran += [_run(s, v1, {seed: v}) for v in ([1, 2], [1, 2, 3])]\n"
    "result = [build, [[str(a) for a in r] if isinstance(r, list) else r for r in ran]]\n")


GRADS = ORACLE_HELPERS + (
    "m = tf.Variable(1.5); sd = tf.Variable(2.)\n"
    "y = tf.random.stateless_normal([3], seed=[1, 2], mean=m, stddev=sd)\n"
    "u = tf.random.stateless_uniform([3], seed=[1, 2], minval=m, maxval=sd)\n"
    "s = tf.placeholder(tf.int32, [2]); z = tf.random.stateless_uniform(s, seed=[1, 2])\n"
    "gs = tf.gradients([y, u], [m, sd]) + tf.gradients(tf.reduce_sum(y), [s, m])\n"
    "raw = tf.raw_ops.StatelessRandomNormal(shape=[2], seed=[1, 2])\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    vals = sess.run([g for g in gs if g is not None])\n"
    "result = [[None if g is None else g.name for g in gs], [v.tolist() for v in vals],\n"
    "          tf.gradients(z, s), tf.gradients(raw, tf.get_default_graph().get_operations()[-2]"
    ".outputs[0])]\n")


@pytest.mark.oracle
@pytest.mark.parametrize("code", [BUILD, RAW, GRADS], ids=["graphs_values", "raw_errors",
                                                         "gradients"])
def test_stateless_random_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there
