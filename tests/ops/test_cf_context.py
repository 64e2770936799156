"""A ref variable assigned inside a tf.while_loop (also in a tf.cond in its body) and read
through its `read` output there: TF's read aliases the variable's buffer, so each iteration
sees the last assignment; against TF."""

import pytest
from oracle import run_here

PROGRAMS = {
    "assign_in_body": (
        "v = tf.get_variable('v', [], initializer=tf.constant_initializer(2))\n"
        "def body(i):\n"
        "    with tf.control_dependencies([tf.assign(v, tf.square(v))]):\n"
        "        return i + 1\n"
        "r = tf.while_loop(lambda i: i < 4, body, (0,))\n"),
    "assign_in_cond_in_body": (
        "v = tf.get_variable('v', [], initializer=tf.constant_initializer(2))\n"
        "i0 = tf.constant(0)\n"
        "with tf.control_dependencies([i0]):\n"
        "    def body(i):\n"
        "        c = tf.cond(i < 3, lambda: tf.assign(v, v * 3.), lambda: v + 0.)\n"
        "        with tf.control_dependencies([c]):\n"
        "            return i + 1\n"
        "    r = tf.while_loop(lambda i: i < 5, body, (i0,))\n"),
    "scatter_in_body": (
        "v = tf.get_variable('v', [3], initializer=tf.constant_initializer(1))\n"
        "def body(i):\n"
        "    up = tf.scatter_update(v, [i], [tf.reduce_sum(v)])\n"
        "    with tf.control_dependencies([up]):\n"
        "        return i + 1\n"
        "r = tf.while_loop(lambda i: i < 3, body, (0,))\n"),
    # TF's testWhileUpdateVariable_5: v is the loop variable and is assigned in the body; the
    # condition and the body's result read v (it hung: they saw the value v entered with)
    "loop_variable_assigned": (
        "a = tf.Variable(0, name='a')\n"
        "v = tf.Variable(0, name='v')\n"
        "def body(i):\n"
        "    up_a = tf.assign_add(a, tf.constant(1), name='a_add')\n"
        "    up_v = tf.assign_add(v, tf.constant(1), name='v_add')\n"
        "    with tf.control_dependencies([up_a, up_v]):\n"
        "        return tf.identity(v)\n"
        "r = tf.while_loop(lambda _: tf.less(v, 10), body, [v], parallel_iterations=1)\n"),
}
RUN = ("with tf.Session() as s:\n"
       "    s.run(tf.global_variables_initializer())\n"
       "    result = [s.run(r), s.run(v), s.run(r), s.run(v)]\n")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_reads_in_a_loop_see_its_assignments(oracle, name):
    _agrees(oracle, PROGRAMS[name] + RUN)


def _agrees(oracle, code):
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


@pytest.mark.oracle
def test_loop_variable_assigned_graph(oracle):
    """The loop's ops as TF names them: a ref captured in the body enters through `RefEnter`."""
    code = PROGRAMS["loop_variable_assigned"] + (
        "result = [[op.name, op.type, [t.name for t in op.inputs]] "
        "for op in tf.get_default_graph().get_operations()]\n")
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


@pytest.mark.oracle
def test_switches_colocate_with_their_data(oracle):
    """TF's testCondColocation: a cond's capture Switch is colocated with (and placed as) the
    value it switches; a loop's Switch with its Merge."""
    code = ("with tf.device('/cpu:0'):\n"
            "    v = tf.Variable(7.0)\n"
            "x = tf.constant(10.0)\n"
            "r = tf.cond(tf.less(1.0, 2.0), lambda: tf.add(v, 1.0), lambda: x)\n"
            "w = tf.while_loop(lambda i: i < 3.0, lambda i: i + v, [x])\n"
            "result = [[op.name, op.device, op.colocation_groups()]\n"
            "          for op in tf.get_default_graph().get_operations()\n"
            "          if op.type in ('Switch', 'RefSwitch', 'Enter', 'Merge')]\n")
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


# a loop's gradient built under control_dependencies of an op outside it (TF1's usual
# `with tf.control_dependencies(update_ops): minimize`): TF moves those control edges into the
# loop (an Identity of the op's output read through a RefEnter); a tf.group in the backward
# loop then waits for the pivot, so the gradient leaving through that Exit is dead in TF and
# the updates it feeds do not run
UNDER_CONTROLS = {
    "gradients": (
        "x = tf.placeholder(tf.float32, [], name='x')\n"
        "v = tf.get_variable('v', initializer=1.0)\n"
        "up = tf.assign_add(v, 1.0, name='up')\n"
        "_, r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.tanh(a * x)), [0, x])\n"
        "with tf.control_dependencies([up]):\n"
        "    g = tf.gradients(r, x)\n"
        "feed = {x: 0.5}\n"),
    "minimize": (
        "x = tf.placeholder(tf.float32, [2, 2], name='x')\n"
        "u = tf.get_variable('u', initializer=[[1.0, 0.5], [0.0, 1.0]])\n"
        "w = tf.get_variable('w', initializer=[[0.5, 0.1], [0.2, 0.6]])\n"
        "v = tf.get_variable('v', initializer=1.0)\n"
        "up = tf.assign_add(v, 1.0, name='up')\n"
        "h = tf.matmul(x, u)\n"
        "_, r = tf.while_loop(lambda i, a: i < 2,\n"
        "                     lambda i, a: (i + 1, tf.tanh(tf.matmul(a, w) + h)), [0, h])\n"
        "with tf.control_dependencies([up]):\n"
        "    g = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(r))\n"
        "feed = {x: [[1.0, 2.0], [0.5, -1.0]]}\n"),
    # a cond in the loop drops the outside edges of its ops (no Identity: its Const waits
    # for the branch pivot only); a loop in a cond keeps them on its Enters, and `up` runs
    # once, before the cond, not again in the branch that runs the loop
    "cond_in_loop": (
        "x = tf.placeholder(tf.float32, [], name='x')\n"
        "v = tf.get_variable('v', initializer=1.0)\n"
        "up = tf.assign_add(v, 1.0, name='up')\n"
        "with tf.control_dependencies([up]):\n"
        "    _, r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(\n"
        "        a < 2., lambda: a * v, lambda: a + tf.constant(1.0))), [0, x])\n"
        "    g = [r, tf.gradients(r, x)]\n"
        "feed = {x: 0.5}\n"),
    "loop_in_cond": (
        "x = tf.placeholder(tf.float32, [], name='x')\n"
        "p = tf.placeholder_with_default(True, [], name='p')\n"
        "v = tf.get_variable('v', initializer=1.0)\n"
        "up = tf.assign_add(v, 1.0, name='up')\n"
        "def loop():\n"
        "    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(\n"
        "        a < 2., lambda: a * v, lambda: tf.constant(7.0))), [0, x])[1]\n"
        "with tf.control_dependencies([up]):\n"
        "    r = tf.cond(p, loop, lambda: x + 1.0)\n"
        "g = [r, tf.gradients(r, x)]\n"
        "feed = {x: 0.5}\n"),
}
GRAPH_AND_RUN = (
    "result = sorted([op.name, op.type, [t.name for t in op.inputs],\n"
    "                 ['^' + c.name for c in op.control_inputs]]\n"
    "                for op in tf.get_default_graph().get_operations())\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    result.append([s.run(g, feed), s.run(tf.global_variables())])\n")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(UNDER_CONTROLS))
def test_loop_gradient_under_outside_controls(oracle, name):
    _agrees(oracle, UNDER_CONTROLS[name] + GRAPH_AND_RUN)
