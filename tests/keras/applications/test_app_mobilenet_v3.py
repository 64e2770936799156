"""tf.keras.applications MobileNetV3Small / Large against tf_keras in TF1 graphs: the
blocks, squeeze-and-excite, the hard sigmoid's automatically wrapped op layers, minimalistic,
alpha, include_preprocessing, the top and pooling."""

import pytest
from app_prelude import called, compare_app
from oracle import ATTEMPT, snippet_matches

KERAS_IMAGES = "input_tensor=K.Input(tensor=images), input_shape=(SIZE, SIZE, 3)"
CASES = [
    ("A.MobileNetV3Small(weights=None, %s, classes=10)" % KERAS_IMAGES, 32, True),
    ("A.MobileNetV3Large(weights=None, %s, include_top=False, pooling='avg',"
     " alpha=0.75, include_preprocessing=False)" % KERAS_IMAGES, 33, True),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_mobilenet_v3(oracle, build, size, values):
    compare_app(oracle, build.replace("SIZE", str(size)), size, values=values, ops=values)


def test_mobilenet_v3_called_minimalistic_and_wide(oracle):
    # a second call of the model makes the op layers' ops again (tf_op_layer_add/add ...)
    compare_app(oracle, called("A.MobileNetV3Small(input_shape=(32, 32, 3), alpha=1.25,"
                               " weights=None, classes=5, dropout_rate=0.0)"), 32)
    compare_app(oracle, "A.MobileNetV3Large(minimalistic=True, weights=None, %s, classes=3,"
                " classifier_activation=None)" % KERAS_IMAGES.replace("SIZE", "32"), 32,
                values=False, ops=False)


ARGUMENTS = ATTEMPT + r'''
A = tf.keras.applications
images = tf.placeholder(tf.float32, [2, 32, 32, 3], name="images")
result = [attempt(lambda: build().name) for build in [
    lambda: A.MobileNetV3Small(weights="nope"),
    lambda: A.MobileNetV3Large(classes=10),
    lambda: A.MobileNetV3Small(weights=None, input_shape=(31, 40, 3)),
    lambda: A.MobileNetV3Small(alpha=0.5),
    lambda: A.MobileNetV3Large(alpha=0.75, minimalistic=True),
    lambda: A.MobileNetV3Small(weights=None, input_tensor=images),
    lambda: A.MobileNetV3Small(weights=None, input_tensor=images, input_shape=(32, 32, 3)),
    lambda: A.MobileNetV3Small(weights=None, input_tensor=tf.keras.Input((32, 32, 3)),
                               input_shape=(40, 40, 3)),
    lambda: A.MobileNetV3Small(weights=None, input_tensor=[1]),
    lambda: A.MobileNetV3Small(weights=None, input_tensor=[1], input_shape=(32, 32, 3))]]
module = sys.modules[A.MobileNetV3Small.__module__]
result.append([module.BASE_WEIGHT_PATH, sorted(module.WEIGHTS_HASHES.items())])
result.append(A.mobilenet_v3.preprocess_input(np.arange(3.0)).tolist())
result.append(A.mobilenet_v3.decode_predictions.__module__.split(".")[-1])
'''


def test_mobilenet_v3_arguments_and_weight_files(oracle):
    snippet_matches(oracle, "import sys\n" + ARGUMENTS)
