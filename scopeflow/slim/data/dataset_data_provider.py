"""tf_slim.data.dataset_data_provider: a DataProvider reading and decoding a Dataset's records
through parallel readers and a (shuffling) common queue.

>>> DatasetDataProvider.__mro__[1].__name__
'DataProvider'
"""

from scopeflow.slim.data import data_provider, parallel_reader


class DatasetDataProvider(data_provider.DataProvider):
    """The decoded items of `dataset`'s records, plus the record key as `record_key`."""

    def __init__(self, dataset, num_readers=1, reader_kwargs=None, shuffle=True, num_epochs=None,
                 common_queue_capacity=256, common_queue_min=128, record_key="record_key",
                 seed=None, scope=None):
        key, data = parallel_reader.parallel_read(
            dataset.data_sources, reader_class=dataset.reader, num_epochs=num_epochs,
            num_readers=num_readers, reader_kwargs=reader_kwargs, shuffle=shuffle,
            capacity=common_queue_capacity, min_after_dequeue=common_queue_min, seed=seed,
            scope=scope)
        items = dataset.decoder.list_items()
        items_to_tensors = dict(zip(items, dataset.decoder.decode(data, items)))
        if record_key in items_to_tensors:
            raise ValueError("The item name used for `record_key` cannot also be used for a "
                             "dataset item: %s" % record_key)
        items_to_tensors[record_key] = key
        super().__init__(items_to_tensors=items_to_tensors, num_samples=dataset.num_samples)
