"""tf.keras.applications DenseNet121/169/201 against tf_keras in TF1 graphs: layers,
variables, parameters, output, and (DenseNet121) graph ops and outputs for weights set from a
fixed pattern."""

import pytest
from app_prelude import compare_app, preprocessing
from oracle import ATTEMPT, snippet_matches

CASES = [
    ("A.DenseNet121(weights=None, input_tensor=images, classes=10)", 32, True),
    ("A.densenet.DenseNet169(weights=None, input_tensor=images, include_top=False,"
     " pooling='max')", 32, False),
    ("A.DenseNet201(weights=None, input_shape=(32, 32, 3), include_top=False, pooling='avg')",
     32, False),
]


@pytest.mark.parametrize("build,size,values", CASES)
def test_densenet(oracle, build, size, values):
    compare_app(oracle, build, size, values=values, ops=values)


ARGUMENTS = ATTEMPT + r'''
import os, sys, tempfile, warnings
warnings.simplefilter("ignore")
A = tf.keras.applications
result = []
for build in [lambda: A.DenseNet121(weights="nope"),
              lambda: A.DenseNet169(classes=10),
              lambda: A.DenseNet201(weights=None, include_top=False, input_shape=(31, 40, 3)),
              lambda: A.DenseNet121(include_top=False, input_shape=(64, 64, 1)),
              lambda: A.DenseNet121(input_shape=(64, 64, 3)),
              lambda: A.DenseNet121(weights=None, input_shape=(None, None, 3))]:
    result.append(attempt(lambda: build().name))
''' + preprocessing("densenet") + r'''
# imagenet weights: the cached files get_file checks (with their hashes), and their values
home, old_home = tempfile.mkdtemp(), os.environ.get("HOME")
os.environ["HOME"] = home
models = os.path.join(home, ".keras", "models")
os.makedirs(models)
files = (sys.modules.get("tf_keras.src.utils.data_utils")
         or sys.modules.get("scopeflow.keras.get_file"))
old_validate, checked = files.validate_file, []
files.validate_file = lambda path, file_hash, *a, **k: checked.append(
    [os.path.basename(path), file_hash]) or True
try:
    make = lambda w: A.DenseNet121(weights=w, include_top=False, input_shape=(32, 32, 3),
                                   pooling="avg")
    # the file a Keras save_weights writes (h5py here: TF's own takes 20 s for DenseNet121)
    import h5py
    shapes = {}
    with h5py.File(os.path.join(
            models, "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"), "w") as f:
        shaped = make(None)
        f.attrs["layer_names"] = [l.name.encode() for l in shaped.layers]
        f.attrs["backend"], f.attrs["keras_version"] = b"tensorflow", b"2.21.0"
        for i, l in enumerate(shaped.layers):
            g = f.create_group(l.name)
            g.attrs["weight_names"] = [w.name.encode() for w in l.weights]
            for j, w in enumerate(l.weights):
                shape = w.shape.as_list()
                g.create_dataset(w.name, data=np.cos(np.arange(np.prod(shape)) * 0.1 + i + j)
                                 .reshape(shape).astype(np.float32) + 1.0)
    loaded = make("imagenet")
    result.append([np.asarray(loaded.get_layer(name).get_weights(), np.float64).sum().round(3)
                   for name in ("conv1/conv", "conv1/bn", "conv4_block7_2_conv", "bn")])
    result.append(checked)
finally:
    files.validate_file = old_validate
    if old_home is not None:
        os.environ["HOME"] = old_home
'''


def test_densenet_arguments_preprocessing_and_imagenet_files(oracle):
    snippet_matches(oracle, ARGUMENTS)


FILES = r'''
import inspect, re, sys
source = inspect.getsource(sys.modules[tf.keras.applications.DenseNet121.__module__])
result = sorted(re.findall(r'get_file\(\s*"(\w+\.h5)",.*?file_hash="(\w+)"', source, re.S))
'''


def test_densenet_weight_files_are_tf_keras(oracle):
    # the names and hashes of tf_keras' get_file calls (loading each file would build
    # DenseNet169 and 201 with their tops: too slow here)
    from scopeflow.keras.applications import densenet
    mine = [f for name, pair in densenet._MODELS.values()
            for f in densenet._common.kernel_files("densenet/", name, pair)]
    assert sorted([n, h] for n, _, h in mine) == oracle(FILES)["ok"]
    assert all(url.endswith("keras-applications/densenet/" + n) for n, url, _ in mine)
