"""slim nets Inception V1 against tf_slim's: graph, end points, collections, seeded logits."""

import pytest
from oracle import compare_net, net_program

# tf_slim's batch_norm does not build under TF 2.21 (see test_resnet_v1.py): the arg scope
# case turns batch norm off
SCOPE = "slim.arg_scope(nets.inception.inception_v1_arg_scope(use_batch_norm=False))"
CASES = {
    "logits": ("nets.inception.inception_v1(x, num_classes=10, is_training=False)", 224, "",
               True),
    "arg_scope_unsqueezed": (("nets.inception_v1.inception_v1(x, num_classes=7, "
                             "spatial_squeeze=False)"), 224, SCOPE, False),
    "base_to_mixed_4c": ("nets.inception.inception_v1_base(x, final_endpoint='Mixed_4c')",
                         96, SCOPE, True),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_inception_v1_matches_tf_slim(oracle, case):
    call, size, scope, values = CASES[case]
    compare_net(oracle, net_program(call, size, scope, values=values))
