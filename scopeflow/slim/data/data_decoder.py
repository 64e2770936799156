"""tf_slim.data.data_decoder: what a decoder of serialized records provides.

>>> class Nothing(DataDecoder):
...     def decode(self, data, items): return []
...     def list_items(self): return []
>>> Nothing().list_items()
[]
"""

import abc


class DataDecoder(abc.ABC):
    """Decodes one serialized record into the tensors of the requested items."""

    @abc.abstractmethod
    def decode(self, data, items):
        """The tensors of `items` decoded from `data`, in the order of `items`."""

    @abc.abstractmethod
    def list_items(self):
        """The names of the items this decoder can decode."""
