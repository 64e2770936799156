"""Errors of fed values that set shapes, sizes, axes and counts (Reshape, Fill and the random
ops' shapes, Split / SplitV sizes and axis, TopKV2's k, ArgMax/ArgMin of an empty axis,
DenseBincount, Pad, Transpose, ExpandDims, reductions, OneHot, StridedSlice), against TF: the
class and TF's kernel message, where scopeflow gave NumPy's words or, for some, a value."""

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAMS = [
    ('sh = tf.placeholder(tf.int32, [None])\n'
     'x = tf.placeholder(tf.int32, [None])\n'
     'y = tf.reshape(x, sh)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(y, {x: list(range(n)), sh: v})) for n, v in [(6, [4, 2]), (6, [4, -1]), (6, [-1, -1]), (6, [-2, 3]), (0, [0, -1]), (6, [0, -1]), (0, [2, 0]), (6, [3, -2]), (0, [-1, 0]), (6, [6]), (6, [2, -1, 3]), (6, [])]]\n'),
    ('sh = tf.placeholder(tf.int32, [None])\n'
     'z = tf.zeros(sh)\n'
     'o = tf.ones(sh)\n'
     'f = tf.fill(sh, 1.)\n'
     'r = tf.random_normal(sh)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(t, {sh: [-1, 2]})) for t in (z, o, f, r)]\n'),
    ('x = tf.placeholder(tf.int32, [None, None])\n'
     'sz = tf.placeholder(tf.int32, [None])\n'
     'ax = tf.placeholder(tf.int32, [])\n'
     'a = tf.split(x, sz, axis=1, num=2)\n'
     'b = tf.split(x, 2, axis=ax)\n'
     'c = tf.split(x, sz, axis=ax, num=2)\n'
     'v = np.arange(12).reshape(3, 4)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(a, {x: v, sz: [1, 2]})), err(lambda: s.run(a, {x: v, sz: [-1, 2]})), err(lambda: s.run(a, {x: v, sz: [-1, -1]})), err(lambda: s.run(a, {x: v, sz: [5, -1]})), err(lambda: s.run(a, {x: v, sz: [-2, 6]})),\n'
     '              err(lambda: s.run(b, {x: v, ax: 2})), err(lambda: s.run(b, {x: v, ax: -3})), err(lambda: s.run(b, {x: v, ax: 0})), err(lambda: s.run(c, {x: v, ax: 2, sz: [1, 3]}))]\n'),
    ('x = tf.placeholder(tf.float32, [None, None])\n'
     'k = tf.placeholder(tf.int32, [])\n'
     'v, i = tf.nn.top_k(x, k)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(v, {x: np.ones([2, 2]), k: 3})), err(lambda: s.run(v, {x: np.ones([2, 2]), k: -1})), s.run(v, {x: np.ones([2, 2]), k: 0}).shape]\n'),
    ('x = tf.placeholder(tf.float32, [None, None])\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(tf.argmax(x, 0), {x: np.ones([0, 3])})), err(lambda: s.run(tf.argmin(x, 1), {x: np.ones([2, 0])})), s.run(tf.argmax(x, 1), {x: np.ones([0, 3])}).shape]\n'),
    ('i = tf.placeholder(tf.int32, [None])\n'
     'w = tf.placeholder(tf.float32, [None])\n'
     'y = tf.math.bincount(i)\n'
     'y2 = tf.math.bincount(i, weights=w, minlength=2, maxlength=3)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(y, {i: [-1, 2]})), s.run(y2, {i: [0, 2, 4], w: [1., 2., 3.]}).tolist(), err(lambda: s.run(y2, {i: [0, -2], w: [1., 2.]})), err(lambda: s.run(y2, {i: [0, 2], w: [1.]}))]\n'),
    ('b = tf.placeholder(tf.int32, [1])\n'
     'e = tf.placeholder(tf.int32, [1])\n'
     'y = tf.strided_slice(tf.range(5), b, e)\n'
     'with tf.Session() as s:\n'
     '    result = [s.run(y, {b: [7], e: [9]}).tolist(), s.run(y, {b: [-9], e: [2]}).tolist()]\n'),
    ('pd = tf.placeholder(tf.int32, [1, 2])\n'
     'y = tf.pad(tf.range(3), pd)\n'
     'with tf.Session() as s:\n'
     '    result = [s.run(y, {pd: [[1, 2]]}).tolist(), err(lambda: s.run(y, {pd: [[-1, 0]]}))]\n'),
    ('x = tf.placeholder(tf.float32, [None])\n'
     'n = tf.placeholder(tf.int32, [])\n'
     'y = tf.expand_dims(x, n)\n'
     't = tf.transpose(tf.ones([2, 3]), tf.stack([n, 1 - n]))\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(y, {x: [1.], n: 3})), err(lambda: s.run(t, {n: 2}))]\n'),
    ('x = tf.placeholder(tf.float32, [None, None])\n'
     'a = tf.placeholder(tf.int32, [])\n'
     'y = tf.reduce_sum(x, a)\n'
     'z = tf.concat([x, x], a)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(y, {x: np.ones([2, 2]), a: 2})), err(lambda: s.run(z, {x: np.ones([2, 2]), a: 3}))]\n'),
    ('d = tf.placeholder(tf.int32, [])\n'
     'y = tf.one_hot([0, 1], d)\n'
     'with tf.Session() as s:\n'
     '    result = [err(lambda: s.run(y, {d: -2})), s.run(y, {d: 2}).tolist()]\n'),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_fed_value_errors_are_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)
