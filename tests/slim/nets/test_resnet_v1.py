"""slim nets ResNet v1 against tf_slim's: graph, end points, update ops and seeded outputs."""

import pytest
from oracle import compare_net, net_program

# tf_slim's batch_norm does not build under TF 2.21 (it imports tf_keras.legacy_tf_layers, which
# tf_keras no longer has), so resnet_arg_scope (batch norm everywhere) has no oracle: the cases
# keep to what TF builds, with a weight-decay arg scope (resnet_v2 always uses batch norm:
# tests/slim/test_slim_tf_slim_files.py runs tf_slim's own resnet_v2 tests instead)
SCOPE = "slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(0.1))"
CASES = {
    # without the arg scope: no batch norm; 64x64 keeps the run short (global pool)
    "50_logits": ("nets.resnet_v1.resnet_v1_50(x, num_classes=10, is_training=False)", 64, "",
                  True),
    "50_arg_scope_training": ("nets.resnet_v1.resnet_v1_50(x, num_classes=10)", 224, SCOPE,
                              False),
    "101_features_stride_16": ("nets.resnet_v1.resnet_v1_101(x, global_pool=False, "
                               "output_stride=16, is_training=False)", 224, SCOPE, False),
    "small_blocks": ("nets.resnet_v1.resnet_v1(x, [nets.resnet_v1.resnet_v1_block('block1', 8, "
                     "2, 2), nets.resnet_v1.resnet_v1_block('block2', 16, 2, 1)], 5, "
                     "is_training=False, scope='tiny')", 32, SCOPE, True),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_resnet_v1_matches_tf_slim(oracle, case):
    call, size, scope, values = CASES[case]
    compare_net(oracle, net_program(call, size, scope, values=values))
