"""scopeflow.gradients.plan: which ops a gradient may pass, and where tf.gradients refuses."""

import pytest

import scopeflow.compat.v1 as tf

OPTIMIZERS = {
    "ApplyGradientDescent": lambda: tf.train.GradientDescentOptimizer(0.1),
    "ApplyMomentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    "ApplyAdam": lambda: tf.train.AdamOptimizer(0.1),
    "ApplyRMSProp": lambda: tf.train.RMSPropOptimizer(0.1),
}


@pytest.mark.parametrize("op_type", sorted(OPTIMIZERS))
def test_gradients_through_a_training_op_are_a_lookup_error_as_in_tf(op_type):
    # TF registers no gradient for the training ops: tf.gradients of a value read through
    # one raises, it does not answer [None] (which would hide a wiring mistake).
    with tf.Graph().as_default() as g:
        v = tf.Variable([1.0, 2.0], name="v")
        x = tf.placeholder(tf.float32, [2])
        OPTIMIZERS[op_type]().apply_gradients([(x, v)])
        op = next(o for o in g.get_operations() if o.type == op_type)
        message = (r"No gradient defined for operation'%s' \(op type: %s\)"
                   % (op.name, op_type))
        with pytest.raises(LookupError, match=message):
            tf.gradients(op.outputs[0], x)
        assert tf.gradients(tf.assign_add(v, x), x) == [None]  # AssignAdd: no gradient flows
        assert tf.gradients(v * x, x)[0] is not None  # the graph stays usable
