"""Dataset sources: tensors, slices, ranges, zips, generators, file lists and file readers.

>>> import scopeflow as tf
>>> ds = from_tensor_slices({"a": [1, 2], "b": [[1.0], [2.0]]})
>>> ds.output_shapes["b"].as_list(), ds._variant_tensor.op.type
([1], 'TensorSliceDataset')
"""

import itertools

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.data.dataset import DatasetV1, _attrs, _int64
from scopeflow.ops.constant import convert_to_tensor

_generator_ids = itertools.count()


def from_tensors(tensors):
    structure, flat = st.normalize(tensors)
    variant = g.tensor_dataset(flat, Toutput_types=[t.dtype.base_dtype for t in flat],
                               output_shapes=[t.shape for t in flat], metadata="")
    return DatasetV1(variant, structure, "_TensorDataset")


def from_tensor_slices(tensors, is_files=False):
    structure, flat = st.normalize(tensors, sliced=True)
    first = None
    for t in flat:
        if t.shape.ndims == 0:
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        if t.shape.ndims is not None:
            d = t.shape.as_list()[0]
            if first is not None and d is not None and first != d:
                raise ValueError("Dimensions %d and %d are not compatible" % (first, d))
            first = d if first is None else first
    structure = st.unbatched(structure)
    variant = g.tensor_slice_dataset(flat, Toutput_types=[t.dtype.base_dtype for t in flat],
                                     output_shapes=[s.flat_shape for s in st.flatten(
                                         structure)],
                                     is_files=is_files, metadata="", replicate_on_split=False)
    return DatasetV1(variant, structure, "_TensorSliceDataset")


def range_(*args, output_type=_dt.int64, name=None):
    if not 1 <= len(args) <= 3:
        raise ValueError("Invalid arguments to RangeDataset: %s" % (args,))
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (
        (args[0], args[1], 1) if len(args) == 2 else args)
    start, stop, step = (_int64(start, "start"), _int64(stop, "stop"), _int64(step, "step"))
    structure = st.TensorSpec([], _dt.as_dtype(output_type))
    variant = g.range_dataset(start, stop, step, **_attrs(structure, replicate_on_split=False))
    return DatasetV1(variant, structure, "_RangeDataset")


def zip_(datasets):
    flat = st.flatten(datasets)
    for d in flat:
        if not hasattr(d, "_variant_tensor"):
            raise TypeError("Invalid input to `zip`. Inputs are expected to be (nested) "
                            "structures of `tf.data.Dataset` objects. Python `list` is not "
                            "supported and you should use `tuple` instead.")
    structure = st.pack(datasets, [d._structure for d in flat])
    variant = g.zip_dataset([d._variant_tensor for d in flat], N=len(flat),
                            **_attrs(structure))
    return DatasetV1(variant, structure, "_ZipDataset")


def from_generator(generator, output_types, output_shapes, args, output_signature):
    if not callable(generator):
        raise TypeError("`generator` must be a Python callable.")
    if output_signature is not None:
        structure = output_signature
    else:
        if output_types is None:
            raise TypeError("To specify the output signature you need to provide either the "
                            "`output_signature` argument or the `output_types` argument.")
        types = st.map_structure(_dt.as_dtype, output_types)
        structure = st.from_legacy(types, output_shapes)
    specs = st.flatten(structure)
    arg_tensors = [convert_to_tensor(a) for a in (args or ())]
    id_ds = from_tensors(next(_generator_ids) % (2 ** 31))

    def body(_):
        variant = g.generator_dataset(arg_tensors, generator=generator, specs=specs,
                                      flatten=lambda v: _flatten_value(structure, v),
                                      spec_text=lambda flat: st.spec_text(
                                          st.pack(structure, flat)),
                                      **_attrs(structure))
        return DatasetV1(variant, structure, "_GeneratorDataset")

    return id_ds.flat_map(body)


def _flatten_value(structure, value):
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _flatten_value(structure[k], value[k])]
    if isinstance(structure, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(structure):
            return [value] * (len(st.flatten(structure)) + 1)  # reported as a mismatch
        return [x for s, v in zip(structure, value) for x in _flatten_value(s, v)]
    return [value]


def list_files(file_pattern, shuffle=None, seed=None):
    graph = default_graph()
    with graph.name_scope("list_files"):
        from scopeflow.ops.array import identity
        pattern = convert_to_tensor(file_pattern, dtype=_dt.string, name="file_pattern")
        matching = identity(g.matching_files(pattern))
        ds = from_tensor_slices(matching, is_files=True)
        if shuffle is None or shuffle:
            from scopeflow.ops import math as m
            from scopeflow.ops.shape_ops import shape
            n = m.maximum(shape(matching, out_type=_dt.int64)[0], 1)
            ds = ds.shuffle(n, seed=seed)
    return ds


# ---- file readers: TF builds each as a flat_map over the file names ------------------------
def _filenames(filenames):
    from scopeflow.ops.array import reshape
    t = convert_to_tensor(filenames, dtype=_dt.string)
    if t.dtype.base_dtype != _dt.string:
        raise TypeError("`filenames` must be a `tf.Tensor` of dtype `tf.string` dtype.")
    return reshape(t, [-1], name="flat_filenames")


def _reader(filenames, kind, make):
    names = from_tensor_slices(_filenames(filenames))
    ds = names.flat_map(make)
    return DatasetV1(ds._variant_tensor, ds._structure, kind)


def _string_arg(x, name):
    return convert_to_tensor("" if x is None else x, dtype=_dt.string, name=name)


_LINE = st.TensorSpec([], _dt.string)


def TextLineDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                    name=None):
    """`tf.data.TextLineDataset`: the lines of text files, without line endings."""

    def make(f):
        variant = g.text_line_dataset(f, _string_arg(compression_type, "compression_type"),
                                      _int64(256 * 1024 if buffer_size is None else buffer_size,
                                             "buffer_size"), metadata="")
        return DatasetV1(variant, _LINE, "_TextLineDataset")

    return _reader(filenames, "TextLineDatasetV2", make)


def TFRecordDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                    name=None):
    """`tf.data.TFRecordDataset`: the records of TFRecord files ("", "GZIP", "ZLIB")."""

    def make(f):
        variant = g.tf_record_dataset(f, _string_arg(compression_type, "compression_type"),
                                      _int64(-1 if buffer_size is None else buffer_size,
                                             "buffer_size"), metadata="")
        return DatasetV1(variant, _LINE, "_TFRecordDataset")

    return _reader(filenames, "TFRecordDatasetV2", make)


def FixedLengthRecordDataset(filenames, record_bytes, header_bytes=None, footer_bytes=None,
                             buffer_size=None, compression_type=None, num_parallel_reads=None,
                             name=None):
    """`tf.data.FixedLengthRecordDataset`: records of `record_bytes` bytes from binary files."""

    def make(f):
        variant = g.fixed_length_record_dataset(
            f, _int64(header_bytes or 0, "header_bytes"), _int64(record_bytes, "record_bytes"),
            _int64(footer_bytes or 0, "footer_bytes"),
            _int64(-1 if buffer_size is None else buffer_size, "buffer_size"),
            _string_arg(compression_type, "compression_type"), metadata="")
        return DatasetV1(variant, _LINE, "_FixedLengthRecordDataset")

    return _reader(filenames, "FixedLengthRecordDatasetV2", make)

