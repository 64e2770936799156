"""tf.keras.applications NASNetMobile and NASNetLarge against tf_keras in TF1 graphs: the
models (their name scopes, pads and adjust blocks), argument errors, preprocessing and
weight files."""

from app_prelude import compare_app, preprocessing
from oracle import ATTEMPT, snippet_matches


def test_nasnet_mobile(oracle):
    compare_app(oracle, "A.NASNetMobile(weights=None, input_tensor=images, classes=10)", 32)


def test_nasnet_mobile_pooled_on_an_odd_size(oracle):
    compare_app(oracle, "A.nasnet.NASNetMobile(weights=None, include_top=False, "
                        "input_tensor=images, pooling='max')", 37, values=False,
                ops=False)


def test_nasnet_large_structure(oracle):
    compare_app(oracle, "A.NASNetLarge(weights=None, input_tensor=images, classes=10)", 32,
                values=False, ops=False)


ARGUMENTS = ATTEMPT + r'''
A = tf.keras.applications
result = [attempt(lambda: build().name) for build in [
    lambda: A.NASNetMobile(weights="nope"),
    lambda: A.NASNetLarge(classes=10),
    lambda: A.NASNetMobile(input_shape=(None, 224, 3)),
    lambda: A.NASNetMobile(weights=None, include_top=False, input_shape=(31, 99, 3)),
    lambda: A.NASNetMobile(input_shape=(32, 32, 3)),
    lambda: A.nasnet.NASNetMobile(weights=None, input_shape=(None, 80, 3)),
    lambda: A.NASNetMobile(weights=None, classifier_activation="nope")]]
''' + preprocessing("nasnet")

FILES = r'''
import inspect, re, sys
source = inspect.getsource(sys.modules[tf.keras.applications.NASNetMobile.__module__])
paths = dict(re.findall(r'(NASNET_\w+) = BASE_WEIGHTS_PATH \+ "([\w.-]+)"', source))
base = re.findall(r'"(https://[\w./-]+/nasnet/)"', source)[0]
result = [[name, base + paths[path], file_hash] for name, path, file_hash in re.findall(
    r'get_file\(\s*"(\w+\.h5)",\s*(\w+),.*?file_hash="(\w+)"', source, re.S)]
'''


def test_nasnet_arguments_preprocessing_and_weight_files(oracle):
    snippet_matches(oracle, ARGUMENTS)
    from scopeflow.keras.applications import nasnet
    files = oracle(FILES)["ok"]
    assert [list(f) for f in nasnet._MOBILE_FILES + nasnet._LARGE_FILES] == files
