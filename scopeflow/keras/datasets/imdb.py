"""`tf.keras.datasets.imdb`: 25000 + 25000 movie reviews as word-id sequences, sentiment labels."""

import json

import numpy as np

from scopeflow.keras.datasets._common import (ORIGIN, cache_folder, marked, no_more_kwargs,
                                              remove_long, shuffled, vocabulary)
from scopeflow.keras.get_file import get_file


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, cache_dir=None, **kwargs):
    """((x_train, y_train), (x_test, y_test)): each split shuffled by `seed`, sequences as
    object arrays of lists of ids."""
    num_words = no_more_kwargs(kwargs, ".") or num_words
    path = get_file(path, origin=ORIGIN + "imdb.npz", cache_dir=cache_folder(cache_dir),
                    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train, x_test, labels_test = (f["x_train"], f["y_train"], f["x_test"],
                                                      f["y_test"])
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffled(rng, x_train, labels_train)
    x_test, labels_test = shuffled(rng, x_test, labels_test)
    x_train = marked(x_train, start_char, index_from)
    x_test = marked(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError("After filtering for sequences shorter than maxlen=%s, no sequence "
                             "was kept. Increase maxlen." % maxlen)
    xs = vocabulary(list(x_train) + list(x_test), num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n = len(x_train)
    return ((np.array(xs[:n], dtype="object"), labels[:n]),
            (np.array(xs[n:], dtype="object"), labels[n:]))


def get_word_index(path="imdb_word_index.json"):
    """{word: id} of the reviews' words."""
    path = get_file(path, origin=ORIGIN + "imdb_word_index.json",
                    file_hash="bfafd718b763782e994055a2d397834f")
    with open(path) as f:
        return json.load(f)
