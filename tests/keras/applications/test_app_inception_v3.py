"""tf.keras.applications InceptionV3 against tf_keras in TF1 graphs (the pooled model without
its top: graph op for op; its body's values are the first case's)."""

import pytest
from app_prelude import compare_app

CASES = [
    ("A.InceptionV3(weights=None, input_tensor=images, classes=10)", 75, True),
    ("A.inception_v3.InceptionV3(weights=None, input_tensor=images, include_top=False,"
     " pooling='max')", 80, False),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_inception_v3(oracle, build, size, values):
    compare_app(oracle, build, size, values=values)
