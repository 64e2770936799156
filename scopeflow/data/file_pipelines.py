"""Ready-made file pipelines of `tf.data.experimental`, as TF 2.21 builds them:
`make_csv_dataset` (CSV files as batches of feature dicts and labels: file names globbed and
sorted when called, column names read from the header, column types inferred from the first
rows when not given, then CsvDataset per file, interleaved, shuffled, repeated, batched, mapped
to dicts, prefetched) and `make_batched_features_dataset` (TFRecord files of `tf.train.Example`
batches, parsed).

>>> import os, tempfile, scopeflow as tf
>>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
>>> _ = open(p, "w").write("x,y\\n1,a\\n2,b\\n")
>>> ds = make_csv_dataset(p, 2, num_epochs=1, shuffle=False)
>>> {k: v.name for k, v in ds.output_types.items()}
{'x': 'int32', 'y': 'string'}
"""

import collections
import csv
import glob
import gzip

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.data.csv_dataset import _TYPES, CsvDataset
from scopeflow.data.dataset import AUTOTUNE, DatasetV1, map_dataset
from scopeflow.data.experimental import ignore_errors as _ignore_errors
from scopeflow.data.experimental import parallel_interleave
from scopeflow.ops.constant import constant


class CsvOptions:
    """How the files are read: the CSV dialect and what make_csv_dataset reads ahead."""

    def __init__(self, field_delim, use_quote_delim, na_value, header, compression, encoding):
        self.delim, self.quotes, self.na = field_delim, use_quote_delim, na_value
        self.header, self.compression, self.encoding = header, compression, encoding

    def open(self, path):
        if self.compression == "GZIP":
            return gzip.open(path, "rt", encoding=self.encoding)
        return open(path, encoding=self.encoding)  # noqa: SIM115 - the caller closes it

    def reader(self, f):
        return csv.reader(f, delimiter=self.delim,
                          quoting=csv.QUOTE_MINIMAL if self.quotes else csv.QUOTE_NONE)


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of `{column: values}` (with `label_name`: `(features, labels)`)."""
    reads = 1 if num_parallel_reads is None else num_parallel_reads
    prefetch = AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size
    filenames = _file_names(file_pattern)
    dataset = DatasetV1.from_tensor_slices(filenames)
    if shuffle:
        dataset = dataset.shuffle(len(filenames), shuffle_seed)
    opts = CsvOptions(field_delim, use_quote_delim, na_value, header,
                      _probe_compression(compression_type, column_names, column_defaults),
                      encoding)
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is "
                             "provided.")
        column_names = _header_names(filenames, opts)
    column_names = list(column_names)
    if len(column_names) != len(set(column_names)):
        raise ValueError("Either `column_names` argument or CSV header row contains duplicate "
                         "column names: %s." % _duplicates(column_names))
    if select_columns is not None:
        select_columns = _column_indices(select_columns, column_names)
    if column_defaults is not None:
        column_defaults = [constant([], dtype=x) if _is_csv_type(x) else x
                           for x in column_defaults]
    else:
        column_defaults = _infer_defaults(filenames, len(column_names), opts,
                                          num_rows_for_inference, select_columns)
    if select_columns is not None and len(column_defaults) != len(select_columns):
        raise ValueError("If specified, `column_defaults` and `select_columns` must have the "
                         "same length: `column_defaults` has length %d, `select_columns` has "
                         "length %d." % (len(column_defaults), len(select_columns)))
    if select_columns is not None and len(column_names) > len(select_columns):
        column_names = [column_names[i] for i in select_columns]
    if label_name is not None and label_name not in column_names:
        raise ValueError("`label_name` provided must be one of the columns: %s. Received: %s."
                         % (column_names, label_name))

    def filename_to_dataset(filename):
        ds = CsvDataset(filename, record_defaults=column_defaults, field_delim=field_delim,
                        use_quote_delim=use_quote_delim, na_value=na_value,
                        select_cols=select_columns, header=header,
                        compression_type=compression_type)
        return ds.apply(_ignore_errors()) if ignore_errors else ds

    def map_fn(*columns):
        features = collections.OrderedDict(zip(column_names, columns))
        if label_name is not None:
            label = features.pop(label_name)
            return features, label
        return features

    dataset = dataset.apply(parallel_interleave(filename_to_dataset, cycle_length=reads,
                                                block_length=1, sloppy=sloppy))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size=batch_size, drop_remainder=num_epochs is None)
    dataset = map_dataset(dataset, map_fn, use_inter_op_parallelism=False)
    return dataset.prefetch(prefetch)


def _file_names(file_pattern):
    """The sorted files matching the pattern(s) (TF's _get_file_names)."""
    if isinstance(file_pattern, list):
        if not file_pattern:
            raise ValueError("Argument `file_pattern` should not be empty.")
        names = [n for entry in file_pattern for n in glob.glob(entry)]
    else:
        names = glob.glob(file_pattern)
    if not names:
        raise ValueError("No files match `file_pattern` %s." % file_pattern)
    return sorted(names)


def _probe_compression(compression_type, column_names, column_defaults):
    """The compression the probing reads use (only when names or defaults are inferred)."""
    if compression_type is None or (column_names is not None and column_defaults is not None):
        return ""
    value = compression_type
    if hasattr(value, "op"):
        from scopeflow.ops.constant import constant_value
        value = constant_value(value)
        if value is None:
            raise ValueError("Received unknown `compression_type` %s. Expected: GZIP, ZLIB or "
                             " (empty string)." % compression_type)
    value = value.decode() if isinstance(value, bytes) else str(value)
    if value == "ZLIB":
        raise ValueError("`compression_type` %s is not supported for probing columns."
                         % compression_type)
    if value not in ("", "GZIP"):
        raise ValueError("Received unknown `compression_type` %s. Expected: GZIP, ZLIB or  "
                         "(empty string)." % compression_type)
    return value


def _header_names(filenames, opts):
    names = None
    for path in filenames:
        with opts.open(path) as f:
            try:
                first = next(opts.reader(f))
            except StopIteration:
                raise ValueError("Failed when reading the header line of %s. Is it an empty "
                                 "file?" % path) from None
        if names is None:
            names = first
        elif first != names:
            raise ValueError("All input CSV files should have the same column names in the "
                             "header row. File %s has different column names." % path)
    return names


def _duplicates(names):
    ordered = sorted(names)
    return {a for a, b in zip(ordered[:-1], ordered[1:]) if a == b}


def _column_indices(select_columns, column_names):
    where = {n: i for i, n in enumerate(column_names)}
    out = []
    for v in select_columns:
        if isinstance(v, int):
            if v < 0 or v >= len(column_names):
                raise ValueError("Column index %d specified in `select_columns` should be > 0 "
                                 " and <= %d, which is the number of columns."
                                 % (v, len(column_names)))
            out.append(v)
        elif v not in where:
            raise ValueError("Column %s specified in `select_columns` must be of one of the "
                             "columns: %s." % (v, where.keys()))
        else:
            out.append(where[v])
    unique = sorted(set(out))
    if len(unique) != len(select_columns):  # (TF names the duplicates of the deduplicated)
        raise ValueError("The `select_columns` argument contains duplicate columns: %s."
                         % _duplicates(unique))
    return unique


def _is_csv_type(x):
    try:
        return not hasattr(x, "op") and _dt.as_dtype(x) in _TYPES
    except TypeError:
        return False


# the narrowest type a value fits, tried in order (numpy's own conversions of the text)
_NARROW = [(_dt.int32, lambda s: np.int32(s) == np.int64(s)),
           (_dt.int64, lambda s: np.int64(s) is not None),
           (_dt.float32, lambda s: np.float32(s) < np.inf),
           (_dt.float64, lambda s: np.float64(s) < np.inf),
           (_dt.string, lambda s: True)]


def _fits(test, text):
    try:
        return bool(test(text))
    except (ValueError, OverflowError):
        return False


def _infer_type(text, na_value, previous):
    if text in ("", na_value):
        return previous
    kinds = [k for k, _ in _NARROW]
    for i, (kind, test) in enumerate(_NARROW):
        if _fits(test, text) and (previous is None or previous in kinds[:i + 1]):
            return kind
    return previous


def _infer_defaults(filenames, num_cols, opts, num_rows, select_columns):
    """Defaults typed from the first `num_rows` records: 0 of the type, or "" for strings."""
    columns = range(num_cols) if select_columns is None else select_columns
    inferred = [None] * len(columns)
    for i, row in enumerate(_rows(filenames, num_cols, opts)):
        if num_rows is not None and i >= num_rows:
            break
        for j, col in enumerate(columns):
            inferred[j] = _infer_type(row[col], opts.na, inferred[j])
    return [constant([0 if t not in (None, _dt.string) else ""],
                     dtype=t if t is not None else _dt.string) for t in inferred]


def _rows(filenames, num_cols, opts):
    for path in filenames:
        with opts.open(path) as f:
            reader = opts.reader(f)
            number = 1
            if opts.header:
                next(reader)
                number += 1
            for row in reader:
                if len(row) != num_cols:
                    raise ValueError("Problem inferring types: CSV row %d has %d number of "
                                     "fields. Expected: %d." % (number, len(row), num_cols))
                number += 1
                yield row


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    """A transformation: batches of serialized `tf.train.Example`s parsed into `features`
    (the values of TF's ParseExampleDatasetV2, built here as a map of `parse_example`)."""
    if features is None:
        raise ValueError("Argument `features` is required, but not specified.")
    from scopeflow.io.parse_example import parse_example
    return lambda ds: ds.map(lambda serialized: parse_example(serialized, features))


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None,
                                  label_key=None, reader_args=None, num_epochs=None,
                                  shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                                  prefetch_buffer_size=None, reader_num_threads=None,
                                  parser_num_threads=None, sloppy_ordering=False,
                                  drop_final_batch=False):
    """Batches of parsed `tf.train.Example` features (and labels) from record files."""
    from scopeflow.data.sources import TFRecordDataset
    reader = TFRecordDataset if reader is None else reader
    threads = 1 if reader_num_threads is None else reader_num_threads
    prefetch = AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size
    args = list(reader_args or [])
    dataset = DatasetV1.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    dataset = dataset.apply(parallel_interleave(lambda f: reader(f, *args), cycle_length=threads,
                                                block_length=1, sloppy=sloppy_ordering))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = dataset.apply(parse_example_dataset(features, parser_num_threads or 2))
    if label_key:
        if label_key not in features:
            raise ValueError("The `label_key` provided (%s) must be one of the `features` "
                             "keys: %s." % (label_key, features.keys()))
        dataset = dataset.map(lambda x: (x, x.pop(label_key)))
    return dataset.prefetch(prefetch)
