"""slim nets OverFeat against tf_slim's: ops, variables, end points, collections."""

import pytest
from oracle import compare_net, net_program


@pytest.mark.oracle
@pytest.mark.parametrize("squeeze", [True, False])
def test_overfeat_matches_tf_slim(oracle, squeeze):
    call = "nets.overfeat.overfeat(x, num_classes=10, spatial_squeeze=%s)" % squeeze
    scope = "slim.arg_scope(nets.overfeat.overfeat_arg_scope())"
    compare_net(oracle, net_program(call, 231, scope, values=False))
