"""tf.keras.applications MobileNet against tf_keras in TF1 graphs (width and depth
multipliers, the 1x1-convolution classifier, the name's image size)."""

import pytest
from app_prelude import called, compare_app

CASES = [
    ("A.MobileNet(weights=None, input_tensor=images, classes=10, alpha=0.5)", 32, True),
    (called("A.mobilenet.MobileNet(input_shape=(32, 32, 3), weights=None, include_top=False,"
            " depth_multiplier=2, alpha=0.25, pooling='max')"), 32, True),
    (called("A.MobileNet(weights=None, input_shape=(128, 128, 3), alpha=0.25, classes=4,"
            " dropout=0.5)"), 128, False),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_mobilenet(oracle, build, size, values):
    compare_app(oracle, build, size, values=values, ops=values)
