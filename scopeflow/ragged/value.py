"""`tf.compat.v1.ragged.RaggedTensorValue`: what Session.run returns for a fetched RaggedTensor.

    >>> import numpy as np
    >>> RaggedTensorValue(np.array([1, 2, 3]), np.array([0, 2, 3])).to_list()
    [[1, 2], [3]]
"""

import numpy as np


class RaggedTensorValue:
    """A ragged value in NumPy: `values` (an array or a RaggedTensorValue) cut at `row_splits`."""

    def __init__(self, values, row_splits):
        if not (isinstance(row_splits, (np.ndarray, np.generic))
                and row_splits.dtype in (np.int64, np.int32) and row_splits.ndim == 1):
            raise TypeError("row_splits must be a 1D int32 or int64 numpy array")
        if not isinstance(values, (np.ndarray, np.generic, RaggedTensorValue)):
            raise TypeError("values must be a numpy array or a RaggedTensorValue")
        if isinstance(values, RaggedTensorValue) and row_splits.dtype != values.row_splits.dtype:
            raise ValueError("row_splits and values.row_splits must have the same dtype")
        self._values = values
        self._row_splits = row_splits

    row_splits = property(lambda self: self._row_splits)
    values = property(lambda self: self._values)
    dtype = property(lambda self: self._values.dtype)

    @property
    def flat_values(self):
        v = self._values
        while isinstance(v, RaggedTensorValue):
            v = v.values
        return v

    @property
    def nested_row_splits(self):
        out, v = [self._row_splits], self._values
        while isinstance(v, RaggedTensorValue):
            out.append(v.row_splits)
            v = v.values
        return tuple(out)

    @property
    def ragged_rank(self):
        return self._values.ragged_rank + 1 if isinstance(self._values, RaggedTensorValue) else 1

    @property
    def shape(self):
        return (self._row_splits.shape[0] - 1,) + (None,) + self._values.shape[1:]

    def __str__(self):
        return "<tf.RaggedTensorValue %s>" % self.to_list()

    def __repr__(self):
        return "tf.RaggedTensorValue(values=%r, row_splits=%r)" % (self._values, self._row_splits)

    def to_list(self):
        """The value as nested Python lists."""
        if isinstance(self._values, RaggedTensorValue):
            values = self._values.to_list()
        else:
            values = self._values.tolist()
        s = self._row_splits
        return [values[s[i]:s[i + 1]] for i in range(len(s) - 1)]


def from_components(parts):
    """A RaggedTensorValue from fetched (row_splits..., flat_values)."""
    parts = list(parts)
    value = parts.pop()
    while parts:
        value = RaggedTensorValue(value, parts.pop())
    return value


