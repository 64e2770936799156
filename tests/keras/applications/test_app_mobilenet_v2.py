"""tf.keras.applications MobileNetV2 against tf_keras in TF1 graphs (widths, residual adds,
the corrected padding of odd and even sizes, the name's image size)."""

import pytest
from app_prelude import called, compare_app

CASES = [
    ("A.MobileNetV2(weights=None, input_tensor=images, classes=10)", 32, True),
    ("A.mobilenet_v2.MobileNetV2(weights=None, input_tensor=images, include_top=False,"
     " pooling='avg', alpha=0.35)", 33, True),
    (called("A.MobileNetV2(input_shape=(96, 96, 3), alpha=1.4, weights=None, classes=5)"),
     96, False),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_mobilenet_v2(oracle, build, size, values):
    compare_app(oracle, build, size, values=values, ops=values)
