"""`tf.keras.preprocessing.image` against TF + tf_keras (NumPy seeded alike on both sides):
ImageDataGenerator's random transforms (rotation, float / int / list shifts, shear, zoom,
channel shift, flips, fill modes, channels_first), standardization (rescale, sample- and
feature-wise, ZCA) and `fit`, `flow` batches with labels, sample weights, extra arrays,
validation subsets and seeds, `next()` past the end, the errors and warnings; the per-image
functions and `img_to_array`. (TF's environment has no PIL: brightness and the PIL
conversions are not compared.)"""

import pytest
from approx import agree, explain
from oracle import run_here

HEAD = """
import warnings
I = tf.keras.preprocessing.image
rng = np.random.RandomState(0)
x = rng.rand(6, 7, 5, 3).astype('float32') * 255
y = np.array([0, 1, 2, 0, 1, 2])
def batches(it, n):
    return [it.next() for _ in range(n)]
"""
CASES = [
    "g = I.ImageDataGenerator(rotation_range=30, width_shift_range=0.2, height_shift_range=0.1,"
    " shear_range=10, zoom_range=0.2, horizontal_flip=True, vertical_flip=True,"
    " fill_mode='constant', cval=7.0)\n"
    "np.random.seed(1)\nresult = [batches(g.flow(x, y, batch_size=4), 3)]",
    "g = I.ImageDataGenerator(width_shift_range=[-2, 1, 3], height_shift_range=2,"
    " channel_shift_range=20.0, fill_mode='reflect', rescale=1 / 255.)\n"
    "np.random.seed(2)\nresult = [batches(g.flow(x, batch_size=6, shuffle=False), 2)]",
    "g = I.ImageDataGenerator(rotation_range=45, fill_mode='wrap', interpolation_order=0,"
    " data_format='channels_first')\nxc = x.transpose(0, 3, 1, 2)\n"
    "it = g.flow(xc, y, batch_size=2, seed=3, sample_weight=np.arange(6.))\n"
    "result = [it[1], it[2], len(it), batches(it, 4)]",
    "with warnings.catch_warnings(record=True) as w:\n"
    "    warnings.simplefilter('always')\n"
    "    g = I.ImageDataGenerator(featurewise_std_normalization=True,"
    " samplewise_std_normalization=True)\n"
    "    before = g.standardize(x[0].copy())\n"
    "    g.fit(x, augment=True, rounds=2, seed=4)\n"
    "    h = I.ImageDataGenerator(zca_whitening=True, featurewise_std_normalization=True)\n"
    "    h.fit(x[:, :3, :3] / 255., seed=1)\n"
    "result = [before, g.mean, g.std, g.featurewise_center, g.samplewise_center,"
    " g.standardize(x[1].copy()), h.zca_whitening_matrix.shape,"
    " h.standardize(x[2, :3, :3] / 255.),"
    " h.featurewise_center, h.featurewise_std_normalization,"
    " sorted(set(str(m.message) for m in w))]",
    "g = I.ImageDataGenerator(validation_split=0.5)\n"
    "def err(f):\n    try:\n        return f()\n    except Exception as e:\n"
    "        return [type(e).__name__, str(e)]\n"
    "yy = np.array([0, 1, 0, 1, 0, 1])\n"
    "tr = g.flow((x, [np.arange(6), np.ones((6, 2))]), yy, batch_size=2, shuffle=False,"
    " subset='training')\n"
    "va = g.flow(x, yy, batch_size=5, shuffle=False, subset='validation')\n"
    "result = [tr[0], len(tr), va[0], len(va), err(lambda: tr[3]),"
    " err(lambda: len(g.flow(x, y, subset='validation'))),"
    " err(lambda: g.flow(x, y, subset='test')), err(lambda: g.flow(x[0], y)),"
    " err(lambda: g.flow(x, y[:3])), err(lambda: g.flow(x, y, sample_weight=[1.])),"
    " err(lambda: g.flow((x, [np.ones(2)]), y)), err(lambda: g.fit(x[0])),"
    " err(lambda: I.ImageDataGenerator(zoom_range=[1, 2, 3])),"
    " err(lambda: I.ImageDataGenerator(validation_split=1.5)),"
    " err(lambda: I.ImageDataGenerator(data_format='nchw')),"
    " err(lambda: I.ImageDataGenerator(brightness_range=0.5)),"
    " isinstance(tr, tf.keras.utils.Sequence), isinstance(tr, I.Iterator)]",
    "np.random.seed(5)\na = x[0].transpose(2, 0, 1)\n"
    "def err(f):\n    try:\n        return f()\n    except Exception as e:\n"
    "        return [type(e).__name__, str(e)]\n"
    "result = [I.random_rotation(a, 20), I.random_shift(a, 0.2, 0.3, fill_mode='nearest'),"
    " I.random_shear(a, 15, cval=1.0, fill_mode='constant'), I.random_zoom(a, (0.7, 1.2)),"
    " I.random_channel_shift(a, 30.0), I.apply_channel_shift(x[1], 10.0, 2),"
    " I.apply_affine_transform(x[2], theta=10, tx=1, ty=-2, shear=5, zx=0.9, zy=1.1,"
    " row_axis=0, col_axis=1, channel_axis=2, order=3),"
    " err(lambda: I.apply_affine_transform(a, theta=5, row_axis=1, col_axis=1)),"
    " err(lambda: I.apply_affine_transform(a, theta=5, row_axis=3)),"
    " err(lambda: I.apply_affine_transform(x, theta=5)),"
    " err(lambda: I.apply_affine_transform(a, theta=5, row_axis=0, col_axis=2, channel_axis=1)),"
    " err(lambda: I.random_zoom(a, (1,))), I.img_to_array(x[0, :, :, 0]).shape,"
    " I.img_to_array(x[0], data_format='channels_first').shape,"
    " I.img_to_array(x[0, :, :, 0], dtype='int32', data_format='channels_first').dtype.name,"
    " err(lambda: I.img_to_array(x)), err(lambda: I.img_to_array(x[0], data_format='x')),"
    " tf.keras.utils.img_to_array(x[0, :, :, 0]).shape,"
    " [hasattr(tf.keras.utils, n) for n in ['array_to_img', 'load_img', 'save_img']]]",
]
PROGRAMS = [HEAD + c for c in CASES]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_image_preprocessing_as_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
