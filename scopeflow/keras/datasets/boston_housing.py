"""`tf.keras.datasets.boston_housing`: 506 houses, 13 features, prices in k$."""

import numpy as np

from scopeflow.keras.datasets._common import ORIGIN, cache_folder, shuffled
from scopeflow.keras.get_file import get_file


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, cache_dir=None):
    """((x_train, y_train), (x_test, y_test)), shuffled by `seed` before the split."""
    assert 0 <= test_split < 1
    path = get_file(path, origin=ORIGIN + "boston_housing.npz", cache_dir=cache_folder(cache_dir),
                    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")
    with np.load(path, allow_pickle=True) as f:
        x, y = shuffled(np.random.RandomState(seed), f["x"], f["y"])
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
