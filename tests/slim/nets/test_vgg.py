"""slim nets VGG A/16/19 against tf_slim's: ops, variables, end points, collections."""

import pytest
from oracle import compare_net, net_program

SCOPE = "slim.arg_scope(nets.vgg.vgg_arg_scope(%s))"
CASES = {
    "vgg_16_eval": ("nets.vgg.vgg_16(x, num_classes=10, is_training=False)", 224, ""),
    "vgg_19_arg_scope": ("nets.vgg.vgg_19(x, num_classes=5)", 224, SCOPE % ""),
    "vgg_a_unsqueezed": ("nets.vgg.vgg_a(x, num_classes=7, spatial_squeeze=False, "
                         "is_training=False)", 224, SCOPE % "0.01"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_vgg_matches_tf_slim(oracle, case):
    # 138M parameters: the graphs are compared, not the logits (test_alexnet runs those)
    compare_net(oracle, net_program(*CASES[case], values=False))
