"""`tf.keras.datasets.cifar10`: 50000 + 10000 32x32 colour images in 10 classes."""

import os

import numpy as np

from scopeflow.keras.datasets._common import cache_folder, channels_last, load_batch
from scopeflow.keras.get_file import get_file


def load_data(cache_dir=None):
    """((x_train, y_train), (x_test, y_test)); images channels last unless the backend's
    image_data_format is channels_first, labels (n, 1) uint8."""
    path = get_file("cifar-10-batches-py",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                    untar=True, cache_dir=cache_folder(cache_dir),
                    file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    x_train = np.empty((50000, 3, 32, 32), dtype="uint8")
    y_train = np.empty((50000,), dtype="uint8")
    for i in range(1, 6):
        rows = slice((i - 1) * 10000, i * 10000)
        x_train[rows], y_train[rows] = load_batch(os.path.join(path, "data_batch_%d" % i))
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    x_train, x_test = channels_last(x_train, x_test)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
