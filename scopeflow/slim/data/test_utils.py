"""tf_slim.data.test_utils: random images as serialized Examples, and TFRecord files of them.

>>> import numpy as np, scopeflow as tf
>>> with tf.Session():
...     image, example = generate_image((2, 2, 3), image_format="png")
>>> image.shape
(2, 2, 3)
"""

import os

import numpy as np

from scopeflow.layers.core import tf_api as tf


def _int64_feature(array):
    t = tf()
    return t.train.Feature(int64_list=t.train.Int64List(value=array.flatten().tolist()))


def _bytes_feature(value):
    t = tf()
    return t.train.Feature(bytes_list=t.train.BytesList(value=[value]))


def _encode(image, image_format):
    """The encoded bytes of `image` (an array), computed in the default session."""
    assert image_format in ["jpeg", "png"]
    t = tf()
    encode = t.image.encode_jpeg if image_format == "jpeg" else t.image.encode_png
    return encode(t.constant(image, dtype=t.uint8)).eval()


def generate_image(image_shape, image_format="jpeg", label=0):
    """(a random uint8 image, a serialized Example holding it encoded, its format and label)."""
    t = tf()
    image = np.random.randint(0, 256, size=image_shape)
    example = t.train.Example(features=t.train.Features(feature={
        "image/encoded": _bytes_feature(_encode(image, image_format)),
        "image/format": _bytes_feature(image_format.encode("utf-8")),
        "image/class/label": _int64_feature(np.array(label))}))
    return image, example.SerializeToString()


def create_tfrecord_files(output_dir, num_files=3, num_records_per_file=10):
    """Writes `num_files` TFRecord files of random 10x10 JPEG Examples; returns their paths."""
    t = tf()
    paths = []
    for i in range(num_files):
        path = os.path.join(output_dir, "flowers.tfrecord-%d-of-%s" % (i, num_files))
        paths.append(path)
        writer = t.io.TFRecordWriter(path)
        for _ in range(num_records_per_file):
            writer.write(generate_image(image_shape=(10, 10, 3))[1])
        writer.close()
    return paths
