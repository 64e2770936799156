"""`tf.keras.datasets.mnist`: 60000 + 10000 28x28 uint8 digits (mnist.npz)."""

import numpy as np

from scopeflow.keras.datasets._common import ORIGIN, cache_folder
from scopeflow.keras.get_file import get_file


def load_data(path="mnist.npz", cache_dir=None):
    """((x_train, y_train), (x_test, y_test))."""
    path = get_file(path, origin=ORIGIN + "mnist.npz", cache_dir=cache_folder(cache_dir),
                    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
