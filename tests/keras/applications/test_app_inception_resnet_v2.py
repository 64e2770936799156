"""tf.keras.applications InceptionResNetV2 against tf_keras in TF1 graphs: the model (its
residual blocks' CustomScaleLayer), its argument errors, preprocessing and weight files."""

from app_prelude import compare_app, preprocessing
from oracle import ATTEMPT, snippet_matches


def test_inception_resnet_v2(oracle):
    compare_app(oracle, "A.InceptionResNetV2(weights=None, input_tensor=images, classes=10)",
                75)


ARGUMENTS = ATTEMPT + r'''
A = tf.keras.applications
result = [attempt(lambda: build().name) for build in [
    lambda: A.InceptionResNetV2(weights="nope"),
    lambda: A.InceptionResNetV2(classes=10),
    lambda: A.InceptionResNetV2(weights=None, include_top=False, input_shape=(74, 99, 3)),
    lambda: A.InceptionResNetV2(input_shape=(75, 75, 3)),
    lambda: A.InceptionResNetV2(weights=None, input_shape=(None, 80, 3)),
    lambda: A.inception_resnet_v2.InceptionResNetV2(weights=None, alpha=2)]]
# the residual blocks' layer, registered when tf.keras is imported
scale = tf.keras.utils.get_custom_objects()["Custom>CustomScaleLayer"](0.25, name="sc")
a, b = tf.placeholder(tf.float32, [None, 2]), tf.placeholder(tf.float32, [None, 2])
y = scale([a, b])
result.append([type(scale).__name__, scale.get_config(), y.name, y.shape.as_list(),
               tf.keras.utils.get_registered_name(type(scale)), scale.weights,
               tf.Session().run(y, {a: [[1.0, 2.0]], b: [[4.0, 8.0]]}).tolist()])
''' + preprocessing("inception_resnet_v2")

FILES = r'''
import inspect, re, sys
source = inspect.getsource(sys.modules[tf.keras.applications.InceptionResNetV2.__module__])
result = [re.findall(r'"(keras-applications/inception_resnet_v2/)"', source),
          [re.findall(r'"([\w.]+)"', f) for f in re.findall(r'fname = \(?((?:\s*"[\w.]+")+)',
                                                             source)],
          re.findall(r'file_hash="(\w+)"', source)]
'''


def test_inception_resnet_v2_arguments_preprocessing_and_weight_files(oracle):
    snippet_matches(oracle, ARGUMENTS)
    from scopeflow.keras.applications import inception_resnet_v2
    folders, names, hashes = oracle(FILES)["ok"]
    assert folders == ["keras-applications/inception_resnet_v2/"]
    assert [n for n, _, _ in inception_resnet_v2._FILES] == ["".join(n) for n in names]
    assert [h for _, _, h in inception_resnet_v2._FILES] == hashes
    assert all(url.endswith(folders[0] + n) for n, url, _ in inception_resnet_v2._FILES)
