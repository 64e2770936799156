"""`tf.data.experimental.TFRecordWriter`: `write(dataset)` is a DatasetToTFRecord op that,
when run, writes every scalar string of the dataset to one TFRecord file ("", "GZIP", "ZLIB").

>>> import os, tempfile, scopeflow as tf
>>> p = os.path.join(tempfile.mkdtemp(), "r.tfrecord")
>>> op = TFRecordWriter(p).write(tf.data.Dataset.from_tensor_slices(["a", "b"]))
>>> tf.Session().run(op)
>>> [r for r in tf.io.tf_record_iterator(p)]
[b'a', b'b']
"""

from scopeflow import dtypes as _dt
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.data.readers import _kind
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import convert_to_tensor

dataset_to_tf_record = g._register(
    "DatasetToTFRecord", ["input_dataset", "filename", "compression_type"],
    infer=g._no_outputs, stateful=True)


class TFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file (TF1: the op `write` returns)."""

    def __init__(self, filename, compression_type=None):
        self._filename = convert_to_tensor(filename, _dt.string, name="filename")
        self._compression_type = convert_to_tensor(
            "" if compression_type is None else compression_type, _dt.string,
            name="compression_type")

    def write(self, dataset):
        from scopeflow.data.dataset import DatasetV2
        if not isinstance(dataset, DatasetV2):
            raise TypeError("Invalid `dataset.` Expected a `tf.data.Dataset` object but got "
                            "%s." % type(dataset))
        spec = dataset._structure
        if st.is_nested(spec) or spec.sparse or spec.dtype != _dt.string or \
                not spec.shape.is_compatible_with([]):
            raise TypeError(
                "Invalid `dataset`. Expected a`dataset` that produces scalar `tf.string` "
                "elements, but got a dataset which produces elements with shapes %s and types "
                "%s." % (st.shapes_of(spec), st.types_of(spec)))
        return dataset_to_tf_record(dataset._variant_tensor, self._filename,
                                    self._compression_type)


@host_kernel("DatasetToTFRecord")
def _write_records(ctx, op, ds, filename, compression):
    import numpy as np

    from scopeflow.data.kernels import _at
    from scopeflow.errors import OpError
    from scopeflow.summary.records import TFRecordWriter as _Writer
    name = np.asarray(filename, dtype=object)[()]
    try:
        kind = _kind(compression)
        with _Writer(name.decode() if isinstance(name, bytes) else str(name), kind) as out:
            for el in ds:
                out.write(np.asarray(el[0], dtype=object)[()])
    except OpError as e:
        raise _at(e, op) from None
    return []
