"""RNN cells and loops against real TF: variable names and shapes, outputs, values."""

import pytest
from oracle import explain, run_here, same

VARS = "result = [(v.name, v.shape.as_list()) for v in tf.global_variables()]"
INIT = "init = tf.constant_initializer(0.1)\n"
RUN = ("with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
       "  result = s.run([out, state])")
X = "x = tf.constant([[[1., 0.], [0., 1.], [.5, .5]], [[1., 1.], [0., -1.], [2., 0.]]])\n"

PROGRAMS = [
    # names and shapes
    "x = tf.placeholder(tf.float32, [None, 4, 3]); c = tf.nn.rnn_cell.LSTMCell(5, "
    "use_peepholes=True)\nout, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\n"
    + VARS + " + [out.shape.as_list(), st.c.shape.as_list()]",
    ("x = tf.placeholder(tf.float32, [2, 4, 3]); c = tf.nn.rnn_cell.BasicLSTMCell(5, "
    "state_is_tuple=False)\nout, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\n"
    "result = [out.shape.as_list(), st.shape.as_list()]"),
    ("x = tf.placeholder(tf.float32, [4, None, 3])\n"
    "out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32, "
    "time_major=True)\nresult = [out.shape.as_list(), st.shape.as_list()]"),
    "xs = [tf.placeholder(tf.float32, [None, 3]) for _ in range(3)]\n"
    "outs, st = tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), xs, dtype=tf.float32)\n"
    + VARS + " + [len(outs), outs[-1].shape.as_list()]",
    "x = tf.placeholder(tf.float32, [None, 5, 3])\n"
    "(fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), "
    "tf.nn.rnn_cell.GRUCell(3), x, dtype=tf.float32)\n"
    + VARS + " + [fw.shape.as_list(), bw.shape.as_list()]",
    ("c = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(3) for _ in range(2)])\n"
    "result = [c.state_size, c.output_size, c.zero_state(2, tf.float32)[0].name]"),
    ("c = tf.nn.rnn_cell.BasicLSTMCell(3); z = c.zero_state(5, tf.float32)\n"
    "result = [z.c.name, z.h.name, z.c.shape.as_list()]"),
    "x = tf.placeholder(tf.float32, [None, 5, 3])\n"
    "c = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4), output_keep_prob=0.5)\n"
    "out, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\n" + VARS,
    ("x = tf.placeholder(tf.float32, [None, 5, 3])\n"
    "out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(4), x)"),
    "x = tf.placeholder(tf.float32, [None, 5, 3]); c = tf.nn.rnn_cell.GRUCell(4)\n"
    "tf.nn.dynamic_rnn(c, x, dtype=tf.float32, scope='a')\n"
    "tf.nn.dynamic_rnn(c, x, dtype=tf.float32, scope='b')\n" + VARS,
    "x = tf.zeros([2, 3]); c = tf.nn.rnn_cell.BasicRNNCell(4)\n"
    "o, s = c(x, c.zero_state(2, tf.float32))\n" + VARS + " + [o.name]",
    # values
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  out, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32)\n" + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  out, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(3), x, dtype=tf.float32,"
    " sequence_length=[2, 3])\n" + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.2)):\n"
    "  cell = tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True, num_proj=2, cell_clip=0.3)\n"
    "  out, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=[1, 3])\n"
    + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(2), "
    "tf.nn.rnn_cell.GRUCell(3)])\n"
    "  out, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n" + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  out, state = tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(2), tf.unstack(x, axis=1),"
    " dtype=tf.float32, sequence_length=[2, 3])\n" + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  out, state = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), "
    "tf.nn.rnn_cell.BasicRNNCell(2), x, dtype=tf.float32, sequence_length=[2, 3])\n" + RUN,
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  c = tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(2))\n"
    "  out, state = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\n" + RUN,
    # gradients through the loop
    X + "with tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n"
    "  out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(2), x, dtype=tf.float32)\n"
    "g = tf.gradients(tf.reduce_sum(out), tf.trainable_variables())\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer()); result = s.run(g)",
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)\nresult = [out.name, st.c.name, st.h.name]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32, sequence_length=[1,2])\nresult = [out.name, st.name]',
    'xs = [tf.placeholder(tf.float32, [None, 3]) for _ in range(2)]\nouts, st = tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(4), xs, dtype=tf.float32)\nresult = [o.name for o in outs] + [st.name]',
    'xs = [tf.placeholder(tf.float32, [None, 3]) for _ in range(2)]\nouts, st = tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), xs, dtype=tf.float32)\nresult = [o.name for o in outs] + [st.c.name]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x)',
    'x = tf.placeholder(tf.float32, [None, 5, None])\nout, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)',
    'cell = tf.nn.rnn_cell.BasicLSTMCell(4)\nx = tf.placeholder(tf.float32, [None, 5, 3])\ntf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\nresult = [cell.name, [v.name for v in cell.trainable_weights], [v.name for v in cell.weights]]',
    'c1 = tf.nn.rnn_cell.BasicLSTMCell(4); c2 = tf.nn.rnn_cell.GRUCell(2)\nm = tf.nn.rnn_cell.MultiRNNCell([c1, c2])\nx = tf.placeholder(tf.float32, [None, 5, 3])\ntf.nn.dynamic_rnn(m, x, dtype=tf.float32)\nresult = [m.name, c1.name, c2.name, [v.name for v in m.variables], [v.name for v in m.trainable_weights]]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.LSTMCell(4, num_proj=2, state_is_tuple=False)\nout, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\nresult = [out.shape.as_list(), st.shape.as_list(), c.state_size]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.LSTMCell(4, num_unit_shards=2)\nout, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\nresult = [(v.name, v.shape.as_list()) for v in tf.global_variables()]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.GRUCell(2)], state_is_tuple=False)\nout, st = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\nresult = [st.shape.as_list(), [(v.name, v.shape.as_list()) for v in tf.global_variables()]]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.BasicLSTMCell(4)\ninit = c.zero_state(tf.shape(x)[0], tf.float32)\nout, st = tf.nn.dynamic_rnn(c, x, initial_state=init)\nresult = [init.c.name, init.c.shape.as_list(), st.c.shape.as_list()]',
    "cell = tf.nn.rnn_cell.BasicLSTMCell(4)\nx = tf.placeholder(tf.float32, [None, 5, 3])\nwith tf.variable_scope('enc'):\n  tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\nwith tf.variable_scope('enc', reuse=True):\n  tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)\nresult = [v.name for v in tf.global_variables()]",
    "x = tf.placeholder(tf.float32, [None, 5, 3])\ntf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4, name='my'), x, dtype=tf.float32)\nresult = [v.name for v in tf.global_variables()]",
    'x = tf.placeholder(tf.float32, [None, 5, 3])\ntf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)\nresult = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4, reuse=True), x, dtype=tf.float32)[0]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nresult = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), x, sequence_length=[[1]], dtype=tf.float32)',
    'result = tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), tf.zeros([2, 3]), dtype=tf.float32)',
    'result = tf.nn.rnn_cell.MultiRNNCell([])',
    'result = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(2), input_keep_prob=1.5)',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.GRUCell(4)\ntf.nn.dynamic_rnn(c, x, dtype=tf.float32)\nresult = [c.name, c.scope_name, [v.name for v in c.variables]]\n',
    "x = tf.placeholder(tf.float32, [None, 3, 2])\nwith tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n  out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(3), x, dtype=tf.float32, sequence_length=tf.placeholder_with_default([3, 1], [None]))\nloss = tf.reduce_sum(out)\nopt = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nimport numpy as np\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n  feed = {x: np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 10}\n  a = s.run(loss, feed); s.run(opt, feed); b = s.run([loss, st], feed)\nresult = [a, b]",
    "x = tf.placeholder(tf.float32, [None, 3, 2])\nwith tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n  cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.LSTMCell(2, num_proj=1)])\n  (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32)\nloss = tf.reduce_sum(fw) + tf.reduce_sum(bw)\ng = tf.gradients(loss, [x] + tf.trainable_variables())\nimport numpy as np\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n  result = s.run(g, {x: np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 10})\n",
    # unknown time dimension: the loop bound is a shape, known once the run is traced
    "x = tf.placeholder(tf.float32, [None, None, 2])\nwith tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n  out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(3), x, dtype=tf.float32, sequence_length=tf.placeholder_with_default([3, 1], [None]))\nloss = tf.reduce_sum(out)\nopt = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nimport numpy as np\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n  feed = {x: np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 10}\n  a = s.run(loss, feed); s.run(opt, feed); b = s.run([loss, st], feed)\nresult = [a, b]",
    "x = tf.placeholder(tf.float32, [None, 5, 3])\nc = tf.nn.rnn_cell.GRUCell(4)\na, _ = tf.nn.dynamic_rnn(c, x, dtype=tf.float32)\nb, _ = tf.nn.dynamic_rnn(c, x, dtype=tf.float32, scope='rnn2')\nresult = [a.name, b.name, [v.name for v in tf.global_variables()]]",
    'x = tf.placeholder(tf.float32, [None, 3])\nc = tf.nn.rnn_cell.BasicLSTMCell(4)\ns0 = c.zero_state(tf.shape(x)[0], tf.float32)\no, s1 = c(x, s0)\no2, s2 = c(x, s1)\nresult = [o.name, o2.name, s1.c.name, [v.name for v in tf.global_variables()]]',
    "x = tf.placeholder(tf.float32, [None, 3])\nc = tf.nn.rnn_cell.BasicLSTMCell(4)\ns0 = c.zero_state(2, tf.float32)\nwith tf.variable_scope('dec'):\n  o, s1 = c(x, s0, scope='cell')\nresult = [o.name, [v.name for v in tf.global_variables()]]",
    'x = tf.placeholder(tf.float32, [None, 3])\nc = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(2)])\no, s = c(x, c.zero_state(2, tf.float32))\nresult = [o.name, [v.name for v in tf.global_variables()]]',
    'x = tf.placeholder(tf.float32, [None, 5])\nresult = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32)',
    'x = tf.placeholder(tf.float32, [None, 3])\nc = tf.nn.rnn_cell.LSTMCell(4, initializer=tf.constant_initializer(0.3), forget_bias=0.5)\no, s = c(x, c.zero_state(1, tf.float32))\nwith tf.Session() as sess:\n  sess.run(tf.global_variables_initializer())\n  result = sess.run([o, s], {x: [[1., 2., 3.]]})',
    'x = tf.placeholder(tf.float32, [None, 3])\nc = tf.nn.rnn_cell.GRUCell(2, kernel_initializer=tf.constant_initializer(0.3), bias_initializer=tf.constant_initializer(0.2), activation=tf.nn.relu)\no, s = c(x, c.zero_state(1, tf.float32))\nwith tf.Session() as sess:\n  sess.run(tf.global_variables_initializer())\n  result = sess.run([o, s], {x: [[1., 2., 3.]]})',
    'c = tf.nn.rnn_cell.BasicLSTMCell(4)\nresult = [c.output_size, c.state_size, c.name, tf.nn.rnn_cell.LSTMCell(3, num_proj=2).state_size, tf.nn.rnn_cell.GRUCell(3).state_size]',
    'x = tf.placeholder(tf.float32, [None, 5, 3])\nout, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(4), x, dtype=tf.float32, parallel_iterations=4, swap_memory=True)\nresult = [out.name, st.name]',
    # static_rnn with sequence_length trains through its per-step conds
    "import numpy as np\nxs = [tf.placeholder(tf.float32, [3, 2], name='x%d' % i) for i in range(3)]\nwith tf.variable_scope('v', initializer=tf.constant_initializer(0.1)):\n  outs, st = tf.nn.static_rnn(tf.nn.rnn_cell.LSTMCell(4), xs, sequence_length=[3, 1, 2], dtype=tf.float32)\nloss = tf.reduce_sum(tf.square(outs[-1])) + tf.reduce_sum(st.c)\ntrain = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nfeed = {t: np.cos(np.arange(6) + i).reshape(3, 2).astype(np.float32) for i, t in enumerate(xs)}\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n  result = [s.run([loss, train], feed)[0] for _ in range(3)] + s.run(outs + [st], feed)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
