"""`ImageDataGenerator.flow_from_directory` (DirectoryIterator): the files and classes it
finds against TF + tf_keras (sorted class folders, subfolders, extensions in any case,
`classes`, `subset` by `validation_split`, its "Found ..." line, shapes, errors; TF's
environment has no PIL, so no batch is read there), and batches read from PNG files here
(their pixels, labels by class_mode, a fit over them)."""

import numpy as np
import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
import contextlib, io, os, shutil, tempfile
I = tf.keras.preprocessing.image
d = tempfile.mkdtemp()
for c, n in [("dogs", 3), ("cats", 4), ("zz_empty", 0)]:
    os.makedirs(os.path.join(d, c))
    for i in range(n):
        ext = ["png", "jpg", "JPEG", "txt"][i % 4]
        open(os.path.join(d, c, "img%d.%s" % (i, ext)), "w").close()
os.makedirs(os.path.join(d, "cats", "sub"))
open(os.path.join(d, "cats", "sub", "deep.bmp"), "w").close()
open(os.path.join(d, "notadir.png"), "w").close()
g = I.ImageDataGenerator(validation_split=0.5)
out = []
for kw in [{}, {"subset": "training"}, {"subset": "validation", "class_mode": "binary"},
           {"classes": ["dogs"], "color_mode": "grayscale", "target_size": (5, 6)}]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        it = g.flow_from_directory(d, batch_size=2, shuffle=False, **kw)
    out.append([printed.getvalue(), it.samples, it.num_classes, sorted(it.class_indices.items()),
                it.filenames, it.classes, len(it), it.image_shape,
                [os.path.relpath(p, d) for p in it.filepaths], it.split])
for bad in [dict(color_mode="cmyk"), dict(subset="test")]:
    try:
        g.flow_from_directory(d, **bad)
    except ValueError as e:
        out.append(str(e))
shutil.rmtree(d)
result = out
"""


@pytest.mark.oracle
def test_directory_listing_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)


def test_batches_read_from_png_files(tf, tmp_path):
    pytest.importorskip("PIL")
    image = tf.keras.preprocessing.image
    rng = np.random.RandomState(0)
    pixels = {}
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(3):
            img = rng.randint(0, 256, (4, 5, 3)).astype("float32")
            image.save_img(str(tmp_path / label / ("%d.png" % i)), img, scale=False)
            pixels[(label, i)] = img
    gen = image.ImageDataGenerator(rescale=0.5)
    it = gen.flow_from_directory(str(tmp_path), target_size=(4, 5), batch_size=4,
                                 shuffle=False, class_mode="sparse")
    x, y = it[0]
    assert x.shape == (4, 4, 5, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x[3], pixels[("b", 0)] * 0.5)
    np.testing.assert_array_equal(y, [0, 0, 0, 1])
    x2, y2 = gen.flow_from_directory(str(tmp_path), target_size=(4, 5), batch_size=6,
                                     shuffle=False)[0]
    np.testing.assert_array_equal(y2, np.repeat(np.eye(2, dtype="float32"), 3, axis=0))
    assert gen.flow_from_directory(str(tmp_path), target_size=(2, 2), color_mode="grayscale",
                                   class_mode=None, shuffle=False)[0].shape == (6, 2, 2, 1)
    model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(4, 5, 3)),
                                 tf.keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    it = gen.flow_from_directory(str(tmp_path), target_size=(4, 5), batch_size=3)
    assert len(model.fit_generator(it, epochs=2, verbose=0).history["loss"]) == 2
