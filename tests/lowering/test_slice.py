"""The run order: DFS post-order from the fetches, control inputs first, cut at feeds."""

import pytest

from scopeflow.lowering.slice import backward_slice, is_variable_op, variable_of


def names(order):
    return [op.name for op in order]


def test_post_order_visits_control_inputs_before_data_inputs(tf):
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    c = tf.constant(3.0, name="c")
    with tf.control_dependencies([c]):
        d = tf.add(a, b, name="d")
    assert names(backward_slice([d])) == ["c", "a", "b", "d"]


def test_fetches_in_the_order_given_each_op_once(tf):
    a = tf.constant(1.0, name="a")
    b = tf.identity(a, name="b")
    c = tf.identity(a, name="c")
    assert names(backward_slice([c, b, c.op])) == ["a", "c", "b"]


def test_fed_tensors_cut_the_slice(tf):
    a = tf.constant(1.0, name="a")
    b = tf.multiply(a, 2.0, name="b")
    c = tf.add(b, 1.0, name="c")
    order = names(backward_slice([c], frozenset([b])))
    assert "b" not in order and "a" not in order and order[-1] == "c"
    # a fed fetch needs nothing at all
    assert backward_slice([b], frozenset([b])) == []


def test_unrelated_ops_are_not_in_the_slice(tf):
    p = tf.placeholder(tf.float32, [], name="p")
    tf.add(p, 1.0, name="uses_p")
    c = tf.constant(7.0, name="seven")
    assert names(backward_slice([c])) == ["seven"]


def test_deep_graphs_do_not_hit_the_recursion_limit(tf):
    x = tf.constant(0.0)
    for _ in range(3000):
        x = tf.identity(x)
    order = backward_slice([x])
    assert len(order) == 3001 and order[-1] is x.op


def test_variables_and_their_refs(tf):
    v = tf.Variable(1.0, name="w")
    up = tf.assign(v, 2.0)
    assert is_variable_op(v.op)
    assert variable_of(up) is v.op and variable_of(v._ref()) is v.op
    assert variable_of(tf.constant(1.0)) is None


@pytest.mark.parametrize("n_ctrl", [1, 3])
def test_control_only_dependencies_run_first(tf, n_ctrl):
    ctrls = [tf.no_op(name="n%d" % i) for i in range(n_ctrl)]
    with tf.control_dependencies(ctrls):
        out = tf.constant(1.0, name="out")
    assert names(backward_slice([out])) == ["n%d" % i for i in range(n_ctrl)] + ["out"]


def test_a_control_edge_from_a_fed_placeholder_moves_to_the_feed(tf):
    x = tf.placeholder(tf.float32, [])
    with tf.control_dependencies([x.op]):
        y = tf.constant(2.0) * 3.0
    with tf.Session() as s:
        assert s.run(y + x, {x: 1.0}) == 7.0
        assert s.run([y, x], {x: 4.0}) == [6.0, 4.0]


# TF's testWhileWithControl_3/4/5: a loop built under a control dependency on a placeholder
# (around the loop, or inside its body) runs when the placeholder is fed; the edge moves to
# the feed (it failed with "You must feed a value for placeholder tensor 'Placeholder'")
LOOPS_ON_FED = {
    "around_loop": "with tf.control_dependencies([b]):\n"
                   "    r = tf.while_loop(lambda x: x < 10, lambda x: x + c, [x0])\n",
    "around_loop_identity": "with tf.control_dependencies([b]):\n"
                            "    r = tf.while_loop(lambda x: x < 10,\n"
                            "                      lambda x: x + tf.identity(c), [x0])\n",
    "in_body": "def body(x):\n"
               "    with tf.control_dependencies([b]):\n"
               "        return x + c\n"
               "r = tf.while_loop(lambda x: x < 10, body, [x0])\n",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(LOOPS_ON_FED))
def test_loop_under_control_dependency_on_fed_placeholder(oracle, name):
    from oracle import run_here
    code = ("b = tf.placeholder(tf.bool)\nc = tf.constant(1)\nx0 = tf.constant(0)\n"
            + LOOPS_ON_FED[name] + "with tf.Session() as s:\n    result = s.run(r, {b: True})\n")
    there = oracle(code)
    assert there == {"ok": 10}, there
    assert run_here(code) == there
