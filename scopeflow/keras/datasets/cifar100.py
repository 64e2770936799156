"""`tf.keras.datasets.cifar100`: 50000 + 10000 32x32 colour images, 100 fine / 20 coarse
classes."""

import os

import numpy as np

from scopeflow.keras.datasets._common import cache_folder, channels_last, load_batch
from scopeflow.keras.get_file import get_file


def load_data(label_mode="fine", cache_dir=None):
    """((x_train, y_train), (x_test, y_test)); labels (n, 1) of `label_mode`."""
    if label_mode not in ["fine", "coarse"]:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. Received: '
                         "label_mode=%s." % label_mode)
    path = get_file("cifar-100-python",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                    untar=True, cache_dir=cache_folder(cache_dir),
                    file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7")
    key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=key)
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    x_train, x_test = channels_last(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)
