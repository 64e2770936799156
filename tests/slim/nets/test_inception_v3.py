"""slim nets Inception V3 against tf_slim's: graph, aux head, end points, seeded logits."""

import pytest
from oracle import compare_net, net_program

import scopeflow.compat.v1 as tf
from scopeflow.slim.nets import inception_v3

# tf_slim's batch_norm does not build under TF 2.21 (see test_resnet_v1.py), and
# inception_v3_arg_scope always uses it: the arg scope here is weight decay only
SCOPE = "slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(0.1))"
# values: the seeded outputs of the thin base networks (initializing a full Inception is slow)
CASES = {
    # 107x107 is about the smallest input: Mixed_6e is 5x5 (one aux pool), Mixed_7c 2x2
    "small_logits": ("nets.inception.inception_v3(x, num_classes=10, is_training=False)", 107,
                     "", False),
    "full_299": ("nets.inception_v3.inception_v3(x, num_classes=6)", 299, SCOPE, False),
    "thin_no_aux": (("nets.inception_v3.inception_v3(x, num_classes=4, depth_multiplier=0.5, "
                    "create_aux_logits=False, spatial_squeeze=False)"), 139, SCOPE, False),
    "base_to_mixed_6a": (("nets.inception_v3.inception_v3_base(x, final_endpoint='Mixed_6a', "
                         "depth_multiplier=0.25)"), 96, SCOPE, True),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_inception_v3_matches_tf_slim(oracle, case):
    call, size, scope, values = CASES[case]
    compare_net(oracle, net_program(call, size, scope, values=values))


def test_inception_v3_root_end_point_stops_early():
    net, ends = inception_v3.inception_v3_base(tf.placeholder(tf.float32, [1, 75, 75, 3]),
                                               final_endpoint="MaxPool_3a_3x3")
    assert net.name == "InceptionV3/MaxPool_3a_3x3/MaxPool:0"
    assert sorted(ends) == ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "MaxPool_3a_3x3"]
    with pytest.raises(ValueError, match="Unknown final endpoint Logits"):
        inception_v3.inception_v3_base(tf.placeholder(tf.float32, [1, 75, 75, 3]),
                                       final_endpoint="Logits")
