"""tf_slim.data.parallel_reader: several readers filling one common (shuffling) queue.

>>> get_data_files(["a.tfrecord", "b.tfrecord"])
['a.tfrecord', 'b.tfrecord']
"""

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api as tf
from scopeflow.ops.readers import ReaderBase


class ParallelReader(ReaderBase):
    """`num_readers` readers of `reader_class` whose records go through `common_queue` (a
    queue of (key, value) strings); reading dequeues from it."""

    def __init__(self, reader_class, common_queue, num_readers=4, reader_kwargs=None):
        # no reader op of its own, as in tf_slim: ReaderBase.__init__ is not called
        if len(common_queue.dtypes) != 2:
            raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        for dtype in common_queue.dtypes:
            if not dtype.is_compatible_with(_dt.string):
                raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        reader_kwargs = reader_kwargs or {}
        self._readers = [reader_class(**reader_kwargs) for _ in range(num_readers)]
        self._common_queue = common_queue

    @property
    def num_readers(self):
        return len(self._readers)

    @property
    def common_queue(self):
        return self._common_queue

    def read(self, queue, name=None):
        """The next (key, value) of any reader reading the work units of `queue`."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue(name=name)

    def read_up_to(self, queue, num_records, name=None):
        """Up to `num_records` (keys, values) of the readers reading the work units of `queue`."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue_up_to(num_records, name)

    def _configure_readers_by(self, queue):
        t = tf()
        enqueue_ops = [self._common_queue.enqueue(r.read(queue)) for r in self._readers]
        t.train.add_queue_runner(t.train.QueueRunner(self._common_queue, enqueue_ops))

    def num_records_produced(self, name=None):
        """The number of records all readers have produced."""
        return tf().add_n([r.num_records_produced() for r in self._readers], name=name)

    def num_work_units_completed(self, name=None):
        """The number of work units (files) all readers have finished."""
        return tf().add_n([r.num_work_units_completed() for r in self._readers], name=name)


def parallel_read(data_sources, reader_class, num_epochs=None, num_readers=4,
                  reader_kwargs=None, shuffle=True, dtypes=None, capacity=256,
                  min_after_dequeue=128, seed=None, scope=None):
    """(key, value) of records of `data_sources` read by `num_readers` parallel readers."""
    t = tf()
    data_files = get_data_files(data_sources)
    with t.name_scope(scope, "parallel_read"):
        filename_queue = t.train.string_input_producer(data_files, num_epochs=num_epochs,
                                                       shuffle=shuffle, seed=seed,
                                                       name="filenames")
        dtypes = dtypes or [_dt.string, _dt.string]
        if shuffle:
            common_queue = t.RandomShuffleQueue(capacity=capacity,
                                                min_after_dequeue=min_after_dequeue,
                                                dtypes=dtypes, seed=seed, name="common_queue")
        else:
            common_queue = t.FIFOQueue(capacity=capacity, dtypes=dtypes, name="common_queue")
        t.summary.scalar("fraction_of_%d_full" % capacity,
                         t.cast(common_queue.size(), _dt.float32) * (1.0 / capacity))
        return ParallelReader(reader_class, common_queue, num_readers=num_readers,
                              reader_kwargs=reader_kwargs).read(filename_queue)


def single_pass_read(data_sources, reader_class, reader_kwargs=None, scope=None):
    """(key, value) of records of `data_sources` read once, in order, by one reader."""
    t = tf()
    data_files = get_data_files(data_sources)
    with t.name_scope(scope, "single_pass_read"):
        filename_queue = t.train.string_input_producer(data_files, num_epochs=1, shuffle=False,
                                                       capacity=1, name="filenames")
        return reader_class(**(reader_kwargs or {})).read(filename_queue)


def get_data_files(data_sources):
    """The files of `data_sources`: a path, a glob pattern, or a list of them."""
    if isinstance(data_sources, (list, tuple)):
        data_files = []
        for source in data_sources:
            data_files += get_data_files(source)
    elif "*" in data_sources or "?" in data_sources or "[" in data_sources:
        data_files = tf().gfile.Glob(data_sources)
    else:
        data_files = [data_sources]
    if not data_files:
        raise ValueError("No data files found in %s" % (data_sources,))
    return data_files
