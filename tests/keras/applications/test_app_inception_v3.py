"""tf.keras.applications InceptionV3 against tf_keras in TF1 graphs."""

import pytest
from app_prelude import compare_app

CASES = [
    ("A.InceptionV3(weights=None, input_tensor=images, classes=10)", 75),
    ("A.inception_v3.InceptionV3(weights=None, input_tensor=images, include_top=False,"
     " pooling='max')", 80),
]


@pytest.mark.parametrize("build,size", CASES)
def test_inception_v3(oracle, build, size):
    compare_app(oracle, build, size)
