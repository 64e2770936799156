"""What the dataset loaders share: the storage folder, the cache folder argument, CIFAR's
pickled batches and the word-index sequences of imdb / reuters."""

import os
import pickle

import numpy as np

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def cache_folder(cache_dir):
    """`cache_dir` expanded and made, or None (get_file's `~/.keras`)."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    return cache_dir


def load_batch(fpath, label_key="labels"):
    """(images as (n, 3, 32, 32) uint8, labels) of one pickled CIFAR batch."""
    with open(fpath, "rb") as f:
        d = {k.decode("utf8"): v for k, v in pickle.load(f, encoding="bytes").items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def channels_last(*images):
    from scopeflow.keras.backend import image_data_format
    if image_data_format() == "channels_last":
        return tuple(x.transpose(0, 2, 3, 1) for x in images)
    return images


def shuffled(rng, *arrays):
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return tuple(a[indices] for a in arrays)


def no_more_kwargs(kwargs, tail=""):
    if "nb_words" in kwargs:
        from scopeflow.compat.v1 import logging
        logging.warning("The `nb_words` argument in `load_data` has been renamed `num_words`.")
        kwargs = dict(kwargs)
        num_words = kwargs.pop("nb_words")
    else:
        num_words = None
    if kwargs:
        raise TypeError("Unrecognized keyword arguments: %s%s" % (kwargs, tail))
    return num_words


def marked(xs, start_char, index_from):
    """Each sequence's word ids moved by `index_from`, after `start_char` where given."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return xs


def remove_long(maxlen, seqs, labels):
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def vocabulary(xs, num_words, skip_top, oov_char):
    """Ids outside [skip_top, num_words) replaced by `oov_char`, or dropped without one."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]
