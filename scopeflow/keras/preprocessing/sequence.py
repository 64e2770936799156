"""`tf.keras.preprocessing.sequence`: padding of integer sequences to one length, skip-gram
pairs with word2vec's sampling table, and `TimeseriesGenerator` (a `Sequence` of windows).

>>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2).tolist()
[[0, 1], [2, 3], [5, 6]]
"""

import json
import random

import numpy as np

from scopeflow.keras.utils import Sequence


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """A `[len(sequences), maxlen, *sample shape]` array: each sequence cut to `maxlen` at
    its start (`truncating="pre"`) or end, then placed at the end (`padding="pre"`) or start
    of a row filled with `value`."""
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape = [], None
    for seq in sequences:
        try:
            lengths.append(len(seq))
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             "%s" % (seq,)) from e
        if sample_shape is None and len(seq):
            sample_shape = np.asarray(seq).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = np.max(lengths)
    text_dtype = np.issubdtype(dtype, np.str_)
    if isinstance(value, str) and dtype != object and not text_dtype:  # noqa: E721 - as Keras
        raise ValueError("`dtype` %s is not compatible with `value`'s type: %s\nYou should set "
                         "`dtype=object` for variable length strings." % (dtype, type(value)))
    out = np.full((len(sequences), maxlen) + tuple(sample_shape), value, dtype=dtype)
    for row, seq in enumerate(sequences):
        if not len(seq):
            continue
        if truncating not in ("pre", "post"):
            raise ValueError('Truncating type "%s" not understood' % (truncating,))
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError("Shape of sample %s of sequence at position %d is different from "
                             "expected shape %s" % (kept.shape[1:], row, sample_shape))
        if padding == "post":
            out[row, :len(kept)] = kept
        elif padding == "pre":
            out[row, -len(kept):] = kept
        else:
            raise ValueError('Padding type "%s" not understood' % (padding,))
    return out


def make_sampling_table(size, sampling_factor=1e-5):
    """word2vec's keep probability of the word of each frequency rank, the frequencies taken
    from Zipf's law: `min(1, f / sqrt(f))` with `f = sampling_factor * rank (log rank + 0.577)
    + 1/2 - 1/(12 rank)` (rank 0 counted as 1)."""
    rank = np.arange(size)
    rank[0] = 1
    f = sampling_factor * (rank * (np.log(rank) + 0.577) + 0.5 - 1.0 / (12.0 * rank))
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """(couples, labels): each word (not 0, kept with its `sampling_table` probability) with
    each other word of its window, label 1; then `negative_samples` times as many couples of
    a positive couple's first word (shuffled) and a random word, label 0; shuffled alike with
    Python's `random` under `seed`."""
    positive = [1] if not categorical else [0, 1]
    couples, labels = [], []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([wi, sequence[j]])
                labels.append(positive[0] if not categorical else list(positive))
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        firsts = [c[0] for c in couples]
        random.shuffle(firsts)
        couples += [[firsts[k % len(firsts)], random.randint(1, int(vocabulary_size - 1))]
                    for k in range(count)]
        labels += [[1, 0] if categorical else 0] * count
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        for items in (couples, labels):
            random.seed(seed)
            random.shuffle(items)
    return couples, labels


class TimeseriesGenerator(Sequence):
    """Batches of windows over `data`: sample `i` is `data[row - length:row:sampling_rate]`
    with `targets[row]`, rows from `start_index + length` to `end_index` by `stride` (or
    drawn at random with `shuffle`), reversed in time with `reverse`."""

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError("Data and targets have to be of same length. Data length is %d "
                             "while target length is %d" % (len(data), len(targets)))
        self.data, self.targets, self.length = data, targets, length
        self.sampling_rate, self.stride = sampling_rate, stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, batch_size
        if self.start_index > self.end_index:
            raise ValueError("`start_index+length=%i > end_index=%i` is disallowed, as no part "
                             "of the sequence would be left to be used as current step."
                             % (self.start_index, self.end_index))

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        targets = np.array([self.targets[r] for r in rows])
        return (samples[:, ::-1, ...] if self.reverse else samples), targets

    def get_config(self):
        def as_json(values, what):
            if type(values).__module__ == np.__name__:
                values = values.tolist()
            try:
                return json.dumps(values)
            except TypeError as e:
                raise TypeError("%s not JSON Serializable:" % what, values) from e
        return {"data": as_json(self.data, "Data"),
                "targets": as_json(self.targets, "Targets"), "length": self.length,
                "sampling_rate": self.sampling_rate, "stride": self.stride,
                "start_index": self.start_index, "end_index": self.end_index,
                "shuffle": self.shuffle, "reverse": self.reverse,
                "batch_size": self.batch_size}

    def to_json(self, **kwargs):
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)
