"""tf.keras.applications.imagenet_utils and the applications' arguments against tf_keras:
preprocess_input on arrays and tensors, decode_predictions and imagenet weights read from a
Keras cache in a temporary home (hash checks patched to pass; no network), input shapes and
argument errors."""

from oracle import ATTEMPT, snippet_matches

PREPROCESS = ATTEMPT + r'''
A = tf.keras.applications
def shown(r):
    if isinstance(r, (list, tuple)):
        return [shown(x) for x in r]
    return [str(r.dtype), np.asarray(r, np.float64).round(4).tolist()]
rgb = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) * 10.0
result = []
for mode in ("caffe", "tf", "torch"):
    for fmt in ("channels_last", "channels_first"):
        for x in (rgb.copy(), rgb[0].copy(), rgb.astype(np.uint8), rgb.astype(np.float64)):
            y = A.imagenet_utils.preprocess_input(x, data_format=fmt, mode=mode)
            result.append([mode, fmt, shown(y), shown(x)])  # the input changed in place
for f in (A.vgg16, A.vgg19, A.resnet, A.resnet50, A.resnet_v2, A.mobilenet, A.mobilenet_v2,
          A.inception_v3):
    result.append(shown(f.preprocess_input(rgb.copy())))
result += [attempt(lambda: A.imagenet_utils.preprocess_input(rgb, mode="bgr")),
           attempt(lambda: A.imagenet_utils.preprocess_input(rgb, data_format="nhwc")),
           attempt(lambda: A.vgg16.preprocess_input(rgb, data_format="NCHW"))]
p = tf.placeholder(tf.float32, [None, 2, 2, 3], name="p")
q = tf.placeholder(tf.float64, [3, 2, 2], name="q")
outs = [A.imagenet_utils.preprocess_input(p, mode=m) for m in ("caffe", "tf", "torch")]
outs += [A.imagenet_utils.preprocess_input(p, data_format="channels_first", mode="torch"),
         A.imagenet_utils.preprocess_input(q, data_format="channels_first"),
         A.resnet.preprocess_input(p), A.mobilenet_v2.preprocess_input(p)]
with tf.Session() as s:
    vals = s.run(outs, {p: rgb, q: rgb[0].transpose(2, 0, 1)})
result += [[t.name, t.dtype.name, t.shape.as_list()] for t in outs]
result += [shown(v) for v in vals]
result.append(sorted([op.name, op.type] for op in tf.get_default_graph().get_operations()))
'''


def test_preprocess_input(oracle):
    snippet_matches(oracle, PREPROCESS)


SHAPES = ATTEMPT + r'''
import warnings
warnings.simplefilter("ignore")  # the channel-count warning
A = tf.keras.applications
U = A.imagenet_utils
def shape(**kw):
    return A.VGG16(**kw).input.shape.as_list()
result = [attempt(lambda: shape(weights=None)),
          attempt(lambda: shape(weights=None, include_top=False)),
          attempt(lambda: shape(input_shape=(64, 64, 3))),
          attempt(lambda: shape(weights=None, include_top=False, input_shape=(64, 64))),
          attempt(lambda: shape(weights=None, include_top=False, input_shape=(16, 64, 3))),
          attempt(lambda: shape(include_top=False, input_shape=(64, 64, 1))),
          attempt(lambda: shape(weights=None, input_shape=(None, None, 3))),
          attempt(lambda: shape(weights=None, include_top=False, input_shape=(40, 40, 5))),
          attempt(lambda: shape(weights=None, input_shape=(40, 40, 1))),
          attempt(lambda: U.decode_predictions(np.zeros((2, 10)))),
          attempt(lambda: U.decode_predictions(np.zeros((1000,))))]
images = tf.placeholder(tf.float32, [None, 32, 32, 3])
for build in [
        lambda: A.VGG16(weights="nope"),
        lambda: A.VGG19(weights="nope"),
        lambda: A.VGG16(classes=10),
        lambda: A.VGG19(classes=10),
        lambda: A.ResNet50(weights="nope"),
        lambda: A.ResNet50V2(classes=10),
        lambda: A.ResNet50(weights=None, bad=1),
        lambda: A.ResNet101(include_top=True, input_shape=(64, 64, 3)),
        lambda: A.MobileNet(weights="nope"),
        lambda: A.MobileNet(classes=3),
        lambda: A.MobileNet(alpha=0.3, include_top=False),
        lambda: A.MobileNet(depth_multiplier=2, include_top=False),
        lambda: A.MobileNetV2(weights="nope"),
        lambda: A.MobileNetV2(classes=3),
        lambda: A.MobileNetV2(alpha=0.3, include_top=False),
        lambda: A.MobileNetV2(input_tensor=images, input_shape=(32, 32, 3), weights=None),
        lambda: A.MobileNetV2(input_tensor=tf.keras.Input((32, 32, 3)),
                              input_shape=(32, 31, 3), weights=None),
        lambda: A.InceptionV3(weights="nope"),
        lambda: A.InceptionV3(classes=3),
        lambda: A.InceptionV3(weights=None, input_shape=(70, 70, 3), include_top=False),
        lambda: A.InceptionV3(weights=None, include_top=True, input_shape=(None, 99, 3)),
        lambda: A.VGG16(weights=None, include_top=False, input_shape=(31, 40, 3))]:
    result.append(attempt(lambda: build().name))
result += [A.VGG16(weights=None, include_top=False).input.name,
           A.MobileNet(weights=None, include_top=False).name,
           A.MobileNetV2(weights=None, input_tensor=tf.keras.Input((128, 128, 3))).name,
           A.MobileNetV2(weights=None, include_top=False, input_shape=(160, 96, 3)).name,
           A.ResNet50(weights=None, classifier_activation=None).output.name]
'''


def test_shapes_and_argument_errors(oracle):
    snippet_matches(oracle, SHAPES)


CACHE = ATTEMPT + r'''
import json, os, sys, tempfile
A = tf.keras.applications
home, old_home = tempfile.mkdtemp(), os.environ.get("HOME")
os.environ["HOME"] = home
models = os.path.join(home, ".keras", "models")
os.makedirs(models)
files = (sys.modules.get("tf_keras.src.utils.data_utils")
         or sys.modules.get("scopeflow.keras.get_file"))
utils = sys.modules[A.imagenet_utils.decode_predictions.__module__]
old_validate = files.validate_file
with open(os.path.join(models, "imagenet_class_index.json"), "w") as f:
    json.dump({str(i): ["n%08d" % i, "class_%d" % i] for i in range(1000)}, f)
preds = np.cos(np.arange(2000) * 0.7).reshape(2, 1000).astype(np.float32)
import h5py
def write(m, path):
    """The file a Keras save_weights writes, of m's layers with values from a fixed pattern
    (h5py here: TF's own save_weights takes seconds per model); returns the values."""
    values = []
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [l.name.encode() for l in m.layers]
        f.attrs["backend"], f.attrs["keras_version"] = b"tensorflow", b"2.21.0"
        for i, l in enumerate(m.layers):
            g = f.create_group(l.name)
            g.attrs["weight_names"] = [w.name.encode() for w in l.weights]
            for j, w in enumerate(l.weights):
                shape = w.shape.as_list()
                values.append(np.cos(np.arange(np.prod(shape)) * 0.1 + i + j).reshape(shape)
                              .astype(np.float32) * 0.05 + (1.0 if "variance" in w.name else 0.0))
                g.create_dataset(w.name, data=values[-1])
    return values
def loaded(m, values):
    # the model's weights are the file's, in order, exactly
    got = m.get_weights()
    return [len(got), all(np.array_equal(a, b) for a, b in zip(got, values))]
files.validate_file = lambda *a, **k: True
utils.CLASS_INDEX = None
try:
    result = [[[list(map(str, r[:2])), round(float(r[2]), 5)] for r in row]
              for row in A.vgg16.decode_predictions(preds, top=3)]
    result.append(len(A.imagenet_utils.decode_predictions(preds)[1]))
    # each file of the cache, by name; a file's path as `weights` (the same load for every
    # application) with VGG16 only, the cheapest to build
    for make, fname in [
            (lambda w: A.VGG16(weights=w, include_top=False, input_shape=(32, 32, 3),
                               pooling="max"),
             "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            (lambda w: A.MobileNetV2(weights=w, include_top=False, alpha=0.35,
                                     input_shape=(32, 32, 3), pooling="avg"),
             "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"),
            (lambda w: A.MobileNet(weights=w, include_top=False, alpha=0.25,
                                   input_shape=(32, 32, 3), pooling="avg"),
             "mobilenet_2_5_224_tf_no_top.h5")]:
        path = os.path.join(models, fname)
        values = write(make(None), path)
        result.append(attempt(lambda: loaded(make("imagenet"), values)))
        if fname.startswith("vgg16"):
            result.append(attempt(lambda: loaded(make(path), values)))
    result.append(sorted(os.listdir(models)))
finally:
    files.validate_file = old_validate
    utils.CLASS_INDEX = None
    if old_home is not None:
        os.environ["HOME"] = old_home
'''


def test_imagenet_weights_and_decode_from_cache(oracle):
    snippet_matches(oracle, CACHE)
