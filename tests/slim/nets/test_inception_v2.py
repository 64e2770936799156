"""slim nets Inception V2 against tf_slim's: graph, end points, collections, seeded logits."""

import pytest
from oracle import compare_net, net_program

import scopeflow.compat.v1 as tf
from scopeflow.slim.nets import inception_v2

# tf_slim's batch_norm does not build under TF 2.21 (see test_resnet_v1.py), and
# inception_v2_arg_scope always uses it: the arg scope here is weight decay only
SCOPE = "slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(0.1))"
# values: the seeded outputs of the thin base networks (initializing a full Inception is slow)
CASES = {
    # 96x96 ends in a 3x3 Mixed_5c: the logits pool shrinks to AvgPool_1a_3x3
    "small_logits": ("nets.inception.inception_v2(x, num_classes=10, is_training=False)", 96,
                     "", False),
    "thin_224": (("nets.inception_v2.inception_v2(x, num_classes=5, depth_multiplier=0.5, "
                 "min_depth=8, spatial_squeeze=False)"), 224, SCOPE, False),
    "base_to_mixed_4a": (("nets.inception_v2.inception_v2_base(x, final_endpoint='Mixed_4a', "
                         "depth_multiplier=0.25)"), 64, SCOPE, True),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_inception_v2_matches_tf_slim(oracle, case):
    call, size, scope, values = CASES[case]
    compare_net(oracle, net_program(call, size, scope, values=values))


def test_inception_v2_refuses_bad_depth_multiplier_and_end_point():
    images = tf.placeholder(tf.float32, [1, 64, 64, 3])
    with pytest.raises(ValueError, match="depth_multiplier is not greater than zero."):
        inception_v2.inception_v2(images, depth_multiplier=0)
    with pytest.raises(ValueError, match="Unknown final endpoint Mixed_9z"):
        inception_v2.inception_v2_base(images, final_endpoint="Mixed_9z")
