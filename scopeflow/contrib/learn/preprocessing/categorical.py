"""CategoricalProcessor of TF 1.15's `tf.contrib.learn.preprocessing`: each column's values to
ids, a Python-float NaN as the unknown id 0."""

import math

import numpy as np

from scopeflow.contrib.learn.preprocessing.categorical_vocabulary import CategoricalVocabulary


def _rows(x):
    """The rows to process: a pandas DataFrame's values, anything else as given."""
    return x.values if type(x).__module__.startswith("pandas") and hasattr(x, "columns") else x


def _is_nan(value):
    # TF tests isinstance(value, float): np.float64 NaN is unknown, np.float32 NaN a category
    return isinstance(value, float) and math.isnan(value)


class CategoricalProcessor:
    """Rows of categories to int64 rows of ids, one vocabulary per column (or one shared).

    >>> [r.tolist() for r in CategoricalProcessor().fit_transform([["a", 1], ["b", 1]])]
    [[1, 1], [2, 1]]
    """

    def __init__(self, min_frequency=0, share=False, vocabularies=None):
        self.min_frequency = min_frequency
        self.share = share
        self.vocabularies_ = vocabularies

    def freeze(self, freeze=True):
        """Freezes (or unfreezes) every column's vocabulary."""
        for vocab in self.vocabularies_:
            vocab.freeze(freeze)

    def fit(self, x, unused_y=None):
        """Counts each column's categories (vocabularies made on the first row); returns self."""
        for row in _rows(x):
            if self.vocabularies_ is None:
                shared = CategoricalVocabulary()
                self.vocabularies_ = [shared if self.share else CategoricalVocabulary()
                                      for _ in row]
            for idx, value in enumerate(row):
                if not _is_nan(value):
                    self.vocabularies_[idx].add(value)
        if self.min_frequency > 0:
            for vocab in self.vocabularies_:
                vocab.trim(self.min_frequency)
        self.freeze()
        return self

    def fit_transform(self, x, unused_y=None):
        self.fit(x)
        return self.transform(x)

    def transform(self, x):
        """Yields an int64 array of ids per row (0 for NaN and unseen categories)."""
        self.freeze()
        for row in _rows(x):
            ids = [0 if _is_nan(v) else self.vocabularies_[i].get(v) for i, v in enumerate(row)]
            yield np.array(ids, dtype=np.int64)
