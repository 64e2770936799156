"""tf.keras.applications ResNet50/101/152 against tf_keras in TF1 graphs: layers, variables,
parameters, output, graph ops, and outputs for weights set from a fixed pattern (ResNet50's
with its top; the pooled ResNet50 without it op for op, its body's values the first case's)."""

import pytest
from app_prelude import compare_app

CASES = [
    ("A.ResNet50(weights=None, input_tensor=images, classes=10)", 32, True, True),
    ("A.resnet50.ResNet50(weights=None, input_tensor=images, include_top=False,"
     " pooling='max')", 32, False, True),
    ("A.resnet.ResNet101(weights=None, input_tensor=images, include_top=False)", 32, False,
     False),
    ("A.ResNet152(weights=None, input_shape=(32, 32, 3), pooling='avg', include_top=False)",
     32, False, False),
]


@pytest.mark.parametrize("build,size,values,ops", CASES)
def test_resnet(oracle, build, size, values, ops):
    compare_app(oracle, build, size, values=values, ops=ops)
