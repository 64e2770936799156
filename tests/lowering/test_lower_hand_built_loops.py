"""A while loop built from raw Enter / Merge / LoopCond / Switch / NextIteration / Exit ops, its
back edge closed by `Merge._update_input` (TF's testLoop_1 / testLoop_2), runs as a loop."""

import pytest

import scopeflow.compat.v1 as tf
from scopeflow.ops import cf_composite, cf_ops


def _hand_built_counter(limit, step_outside_switch=False):
    """i = 0; while i < limit: i += 1, from raw ops; returns the Exit tensor."""
    zero, one, n = tf.constant(0), tf.constant(1), tf.constant(limit)
    enter_i = cf_ops._enter(zero, frame_name="foo", is_constant=False, name="Enter")
    enter_one = cf_ops._enter(one, frame_name="foo", is_constant=True, name="Enter")
    enter_n = cf_ops._enter(n, frame_name="foo", is_constant=True, name="Enter")
    merge_i = cf_composite.merge([enter_i, enter_i])[0]
    cond = cf_ops._loop_cond(tf.less(merge_i, enter_n), name="LoopCond")
    switch_i = cf_composite.switch(merge_i, cond)
    if step_outside_switch:  # testLoop_2: the step reads the value through an Identity
        add_i = tf.add(tf.identity(switch_i[1]), enter_one)
    else:
        add_i = tf.add(switch_i[1], enter_one)
    next_i = cf_ops._next_iteration(add_i, name="NextIteration")
    merge_i.op._update_input(1, next_i)
    return cf_ops._exit(switch_i[0], name="Exit"), merge_i


@pytest.mark.parametrize("identity", [False, True])
def test_runs_as_a_loop(identity):
    with tf.Graph().as_default():
        out, _ = _hand_built_counter(10, identity)
        with tf.Session() as s:
            assert s.run(out) == 10
            assert s.run(out + 5) == 15


def test_update_input_rewires():
    with tf.Graph().as_default():
        out, merge = _hand_built_counter(3)
        assert merge.op.inputs[1].op.type == "NextIteration"
        assert [c.type for c in merge.op.inputs[1].consumers()] == ["Merge"]


def test_update_input_errors():
    with tf.Graph().as_default():
        a = tf.identity(tf.constant(1))
        with pytest.raises(TypeError, match="tensor must be a Tensor: 3"):
            a.op._update_input(0, 3)
        with tf.Graph().as_default():
            other = tf.constant(2)
        with pytest.raises(ValueError, match="must be from the same graph"):
            a.op._update_input(0, other)
