"""Gradients through a tf.cond whose branch holds a data-dependent host op (tf.boolean_mask,
one-argument tf.where, tf.dynamic_partition), and the graph gradients of DynamicPartition /
DynamicStitch, against TF: values, errors of the taken branch, none from the untaken one."""

import pytest
from oracle import ORACLE_HELPERS, run_here

RUN = ("with tf.Session() as s:\n"
       "    s.run(tf.global_variables_initializer())\n")

PROGRAMS = [
    # boolean_mask in the taken branch: the gradient reads the branch's Where directly
    ("w = tf.Variable([1., -2., 3., 4.])\n"
     "p = tf.placeholder(tf.bool, [])\n"
     "y = tf.cond(p, lambda: tf.reduce_sum(tf.boolean_mask(w, w > 0) ** 2),"
     " lambda: tf.reduce_sum(w * 3.))\n"
     "g = tf.gradients(y, [w])\n" + RUN +
     "    result = [s.run([y, g], {p: True}), s.run([y, g], {p: False}), s.run(g, {p: True})]"),
    # one-argument where + gather, fed data of a new size each run
    ("x = tf.placeholder(tf.float32, [None])\n"
     "p = tf.placeholder(tf.bool, [])\n"
     "y = tf.cond(p, lambda: tf.reduce_sum(tf.gather(x, tf.where(x > 0)[:, 0]) ** 2),"
     " lambda: tf.reduce_sum(x * 3.))\n"
     "g = tf.gradients(y, [x])\n"
     "with tf.Session() as s:\n"
     "    result = [s.run(g, {p: True, x: [1., -1., 2.]}), s.run(g, {p: False, x: [1., 2.]}),"
     " s.run(g, {p: True, x: [-1., 5.]})]"),
    # conds nested in conds, each branch masking differently
    ("w = tf.Variable([[1., -2.], [3., 4.]])\n"
     "p = tf.placeholder(tf.bool, [])\n"
     "q = tf.placeholder(tf.bool, [])\n"
     "def inner():\n"
     "    return tf.cond(q, lambda: tf.reduce_sum(tf.boolean_mask(w, w > 0) ** 3),"
     " lambda: tf.reduce_sum(tf.boolean_mask(w, w < 0) * 5.))\n"
     "y = tf.cond(p, inner, lambda: tf.reduce_sum(w * 3.))\n"
     "g = tf.gradients(y, [w])\n" + RUN +
     "    result = [s.run([y, g], {p: a, q: b}) for a in (True, False) for b in (True, False)]"),
    # dynamic_partition: its gradient's DynamicPartition runs in the gradient's cond; a bad
    # partition id fails the taken branch only (TF runs no untaken branch)
    ("w = tf.Variable([1., -2., 3., 4.])\n"
     "p = tf.placeholder(tf.bool, [])\n"
     "part = tf.placeholder(tf.int32, [4])\n"
     "def t():\n"
     "    a, b = tf.dynamic_partition(w, part, 2)\n"
     "    return tf.reduce_sum(a * 2.) + tf.reduce_sum(b * b)\n"
     "y = tf.cond(p, t, lambda: tf.reduce_sum(w * 3.))\n"
     "g = tf.gradients(y, [w])\n" + RUN +
     "    result = [s.run([y, g], {p: True, part: [0, 1, 1, 0]}),"
     " s.run([y, g], {p: False, part: [0, 1, 1, 0]}), s.run(g, {p: False, part: [0, 5, 1, 0]}),"
     " err(lambda: s.run(g, {p: True, part: [0, 5, 1, 0]}))]"),
    # training through the cond: an optimizer step on each branch in turn
    ("w = tf.Variable([1., -2., 3., 4.])\n"
     "p = tf.placeholder(tf.bool, [])\n"
     "y = tf.cond(p, lambda: tf.reduce_sum(tf.boolean_mask(w, w > 0) ** 2),"
     " lambda: tf.reduce_sum(w * 3.))\n"
     "opt = tf.train.GradientDescentOptimizer(0.1).minimize(y)\n" + RUN +
     "    for v in (True, False, True):\n"
     "        s.run(opt, {p: v})\n"
     "    result = s.run(w)"),
    # DynamicStitch's indices must be int32: TF's TypeError
    ("a = tf.constant([1., 2.])\n"
     "i = tf.where(a > 0)[:, 0]\n"
     "result = err(lambda: tf.dynamic_stitch([i, i], [a, a]))"),
]

GRAPHS = [
    # the gradient graphs op for op
    ("w = tf.Variable([1., -2., 3., 4.])\n"
     "part = tf.placeholder(tf.int32, [4])\n"
     "a, b = tf.dynamic_partition(w, part, 2)\n"
     "y = tf.reduce_sum(a * 2.) + tf.reduce_sum(b * b)\n"
     "n = len(tf.get_default_graph().get_operations())\n"
     "g = tf.gradients(y, [w])\n"
     "result = [graph()[n:], g[0].name]\n" + RUN +
     "    result.append(s.run(g, {part: [0, 1, 1, 0]}))"),
    ("w = tf.Variable([1., -2., 3., 4.])\n"
     "i1 = tf.placeholder(tf.int32, [None])\n"
     "y = tf.dynamic_stitch([i1, tf.constant([0, 2])], [w[:2], w[2:] * 3.])\n"
     "n = len(tf.get_default_graph().get_operations())\n"
     "g = tf.gradients(tf.reduce_sum(y * y), [w])\n"
     "result = [graph()[n:], g[0].name]\n" + RUN +
     "    result.append(s.run(g, {i1: [1, 3]}))"),
    ("w = tf.Variable([[1., -2.], [3., 4.], [5., 6.]])\n"
     "y = tf.dynamic_stitch([tf.constant([[0, 2]]), tf.constant([1, 2])],"
     " [tf.gather(w, [[0, 1]]), w[:2] * 3.])\n"
     "n = len(tf.get_default_graph().get_operations())\n"
     "g = tf.gradients(tf.reduce_sum(y * y), [w])\n"
     "result = [graph()[n:], g[0].name]\n" + RUN +
     "    result.append(s.run(g))"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS + GRAPHS)
def test_gradient_through_a_host_cond_is_tfs(oracle, code):
    code = ORACLE_HELPERS + code
    assert run_here(code) == oracle(code)
