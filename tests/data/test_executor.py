"""The host/compiled executor of tf.data functions and one-shot datasets."""

import numpy as np

from scopeflow.data.executor import Program


def test_compiled_then_host_steps(tf):
    x = tf.placeholder(tf.int64, [])
    it = tf.data.make_initializable_iterator(tf.data.Dataset.range(x * 2))
    sess = tf.Session()
    init = Program(sess, [it.initializer], [x])
    kinds = [type(s).__name__ for s in init.steps]
    assert kinds[0] == "_Stage" and "Operation" in kinds  # x * 2 first, then the host ops
    init([np.int64(2)])
    get = Program(sess, [it.get_next()], [])
    assert [int(get([])[0]) for _ in range(4)] == [0, 1, 2, 3]


def test_feeds_pass_through_and_stages_are_planned_once(tf):
    x = tf.placeholder(tf.int64, [], name="x")
    y = x + 1
    prog = Program(tf.Session(), [x, y], [x])
    assert [int(v) for v in prog([np.int64(4)])] == [4, 5]
    assert len(prog.steps) == 1
    assert [int(v) for v in prog([np.int64(7)])] == [7, 8]


def test_data_dependent_shapes_run_op_by_op(tf):
    x = tf.placeholder(tf.int64, [])
    y = tf.reduce_sum(tf.fill([x], x))
    prog = Program(tf.Session(), [y], [x])
    assert [int(prog([np.int64(n)])[0]) for n in (1, 2, 3)] == [1, 4, 9]
