"""tf.keras.applications ResNet50V2/101V2/152V2 against tf_keras in TF1 graphs."""

import pytest
from app_prelude import compare_app

CASES = [
    ("A.ResNet50V2(weights=None, input_tensor=images, classes=10)", 32, True),
    ("A.resnet_v2.ResNet101V2(weights=None, input_tensor=images, include_top=False,"
     " pooling='avg')", 32, False),
    ("A.ResNet152V2(weights=None, input_tensor=images, include_top=False)", 32, False),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_resnet_v2(oracle, build, size, values):
    compare_app(oracle, build, size, values=values, ops=values)
