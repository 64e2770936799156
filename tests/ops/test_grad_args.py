"""BroadcastGradientArgs: the reduction axes of a broadcasting op, against TensorFlow."""

import pytest
from approx import agree, explain
from oracle import run_here

CASES = [([1, 3], [1, 3]), ([2, 1], [1]), ([], [3]), ([4, 1, 3], [2, 1]), ([1], [1]),
         ([5, 4], [4]), ([2, 3], [])]


@pytest.mark.oracle
@pytest.mark.parametrize("a,b", CASES)
def test_values_match_tf(oracle, a, b):
    code = ("r = tf.raw_ops.BroadcastGradientArgs(s0=tf.constant(%r, tf.int32), "
            "s1=tf.constant(%r, tf.int32))\nwith tf.Session() as s:\n"
            "    result = [x.tolist() for x in s.run(list(r))] + [r[0].name, r[1].name]"
            % (a, b))
    here = run_here("from scopeflow.ops.grad_args import broadcast_gradient_args\n"
                    "_bga = lambda s0, s1: broadcast_gradient_args(s0, s1)\n"
                    + code.replace("tf.raw_ops.BroadcastGradientArgs", "_bga"))
    there = oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_incompatible_shapes_raise(tf):
    from scopeflow.ops.grad_args import broadcast_gradient_args
    r = broadcast_gradient_args(tf.placeholder(tf.int32, [2]), [3, 4])
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError):
        s.run(r, {r[0].op.inputs[0]: [2, 4]})
