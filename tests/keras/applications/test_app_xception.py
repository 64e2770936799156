"""tf.keras.applications Xception against tf_keras in TF1 graphs: the model, its argument
errors, preprocessing and weight files."""

from app_prelude import compare_app, preprocessing
from oracle import ATTEMPT, snippet_matches


def test_xception(oracle):
    compare_app(oracle, "A.xception.Xception(weights=None, input_tensor=images, classes=10)", 71)


ARGUMENTS = ATTEMPT + r'''
A = tf.keras.applications
result = [attempt(lambda: build().name) for build in [
    lambda: A.Xception(weights="nope"),
    lambda: A.Xception(classes=10),
    lambda: A.Xception(weights=None, include_top=False, input_shape=(70, 99, 3)),
    lambda: A.Xception(input_shape=(71, 71, 3)),
    lambda: A.xception.Xception(weights=None, input_shape=(None, 80, 3))]]
''' + preprocessing("xception")

FILES = r'''
import inspect, re, sys
source = inspect.getsource(sys.modules[tf.keras.applications.Xception.__module__])
result = [re.findall(r'"(xception/\w+\.h5)"', source),
          sorted(re.findall(r'get_file\(\s*"(\w+\.h5)",.*?file_hash="(\w+)"', source, re.S))]
'''


def test_xception_arguments_preprocessing_and_weight_files(oracle):
    snippet_matches(oracle, ARGUMENTS)
    from scopeflow.keras.applications import xception
    paths, files = oracle(FILES)["ok"]
    assert sorted([n, h] for n, _, h in xception._FILES) == files
    assert [url.split("keras-applications/")[1] for _, url, _ in xception._FILES] == paths
