"""tf.keras.applications VGG16 / VGG19 against tf_keras in TF1 graphs: layers, variables,
parameters, output, graph ops, and outputs for weights set from a fixed pattern."""

import pytest
from app_prelude import called, compare_app

CASES = [
    ("A.VGG16(weights=None, input_tensor=images, classes=10)", 32),
    ("A.vgg19.VGG19(weights=None, input_tensor=K.Input(tensor=images), include_top=False,"
     " pooling='avg')", 32),
    (called("A.VGG19(weights=None, input_shape=(48, 48, 3), classes=3,"
            " classifier_activation=None)"), 48),
]


@pytest.mark.parametrize("build,size", CASES)
def test_vgg(oracle, build, size):
    compare_app(oracle, build, size)
