"""slim nets AlexNet v2 against tf_slim's: graph, end points, and the seeded logits."""

import pytest
from oracle import compare_net, net_program


@pytest.mark.oracle
@pytest.mark.parametrize("training", [False, True])
def test_alexnet_v2_matches_tf_slim(oracle, training):
    call = ("nets.alexnet.alexnet_v2(x, num_classes=10, is_training=%s, dropout_keep_prob=1.0)"
            % training)
    scope = "slim.arg_scope(nets.alexnet.alexnet_v2_arg_scope())"
    compare_net(oracle, net_program(call, 224, scope, values=not training))
