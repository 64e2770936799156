"""`tf.keras.datasets.fashion_mnist`: Zalando's 28x28 clothes images (four idx files)."""

import gzip
import os

import numpy as np

from scopeflow.keras.datasets._common import ORIGIN, cache_folder
from scopeflow.keras.get_file import get_file

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def load_data(cache_dir=None):
    """((x_train, y_train), (x_test, y_test)), uint8."""
    cache_dir = cache_folder(cache_dir)
    paths = [get_file(f, origin=ORIGIN + f, cache_dir=cache_dir,
                      cache_subdir=os.path.join("datasets", "fashion-mnist")) for f in _FILES]
    out = []
    for labels, images in ((paths[0], paths[1]), (paths[2], paths[3])):
        with gzip.open(labels, "rb") as f:
            y = np.frombuffer(f.read(), np.uint8, offset=8)
        with gzip.open(images, "rb") as f:
            x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y), 28, 28)
        out.append((x, y))
    return tuple(out)
