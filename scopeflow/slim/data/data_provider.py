"""tf_slim.data.data_provider: maps item names to the tensors that provide them.

>>> DataProvider({"x": 1}, 3).get(["x"])
[1]
"""

import abc


class DataProvider(abc.ABC):  # abstract as in tf_slim, with no abstract method
    """Item names -> tensors, and the number of samples behind them."""

    def __init__(self, items_to_tensors, num_samples):
        self._items_to_tensors = items_to_tensors
        self._num_samples = num_samples

    def get(self, items):
        """The tensors of `items` (a list or tuple of item names), in that order."""
        self._validate_items(items)
        return [self._items_to_tensors[item] for item in items]

    def list_items(self):
        """The item names this provider provides."""
        return self._items_to_tensors.keys()

    def num_samples(self):
        """The number of samples in the dataset."""
        return self._num_samples

    def _validate_items(self, items):
        if not isinstance(items, (list, tuple)):
            raise ValueError("items must be a list or tuple")  # noqa: TRY004 - TF's class
        valid_items = self.list_items()
        for item in items:
            if item not in valid_items:
                raise ValueError("Item [%s] is invalid. Valid entries include: %s"
                                 % (item, valid_items))
