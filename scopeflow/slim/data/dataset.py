"""tf_slim.data.dataset: a Dataset, a specification of where records come from and how they
decode.

>>> Dataset(["a.tfrecord"], None, None, 10, {"image": "a picture"}, labels=5).labels
5
"""


class Dataset:
    """The data sources, reader class, decoder, sample count and item descriptions of a
    dataset; extra keyword arguments become attributes too."""

    def __init__(self, data_sources, reader, decoder, num_samples, items_to_descriptions,
                 **kwargs):
        kwargs.update(data_sources=data_sources, reader=reader, decoder=decoder,
                      num_samples=num_samples, items_to_descriptions=items_to_descriptions)
        self.__dict__.update(kwargs)
