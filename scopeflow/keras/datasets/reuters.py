"""`tf.keras.datasets.reuters`: 11228 newswires as word-id sequences, 46 topics."""

import json

import numpy as np

from scopeflow.keras.datasets._common import (ORIGIN, cache_folder, marked, no_more_kwargs,
                                              remove_long, shuffled, vocabulary)
from scopeflow.keras.get_file import get_file

_LABELS = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
           "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
           "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
           "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
           "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
           "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, cache_dir=None, **kwargs):
    """((x_train, y_train), (x_test, y_test)): shuffled by `seed`, then split."""
    num_words = no_more_kwargs(kwargs) or num_words
    path = get_file(path, origin=ORIGIN + "reuters.npz", cache_dir=cache_folder(cache_dir),
                    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    with np.load(path, allow_pickle=True) as f:
        xs, labels = shuffled(np.random.RandomState(seed), f["x"], f["y"])
    xs = marked(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long(maxlen, xs, labels)
    xs = vocabulary(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:n], dtype="object"), np.array(labels[:n])),
            (np.array(xs[n:], dtype="object"), np.array(labels[n:])))


def get_word_index(path="reuters_word_index.json"):
    """{word: id} of the newswires' words."""
    path = get_file(path, origin=ORIGIN + "reuters_word_index.json",
                    file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topics' names, by label."""
    return _LABELS
