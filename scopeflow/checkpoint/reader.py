"""Reading checkpoints without a graph: `tf.train.NewCheckpointReader`, `load_variable`, ...

>>> import os, tempfile, numpy as np
>>> from scopeflow.checkpoint.bundle import write_bundle
>>> prefix = os.path.join(tempfile.mkdtemp(), "m")
>>> write_bundle(prefix, {"w": np.ones(2, np.float32)})
>>> list_variables(prefix)
[('w', [2])]
"""

import glob
import os

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint import state
from scopeflow.checkpoint.bundle import index_filename
from scopeflow.checkpoint.tensor_slices import V1Reader, open_reader


class CheckpointReader:
    """TF's CheckpointReader over a V2 bundle (or V1 files): tensors by name, name -> shape /
    dtype maps."""

    def __init__(self, prefix):
        self._prefix = prefix
        self._bundle = open_reader(prefix)

    def has_tensor(self, tensor_str):
        return self._bundle.contains(tensor_str)

    def get_tensor(self, tensor_str):
        """The tensor as a NumPy array (a NumPy scalar for a 0-d tensor, as TF returns)."""
        value = self._bundle.lookup(tensor_str)
        return value[()] if value.ndim == 0 else value

    def get_variable_to_shape_map(self):
        return {k: list(self._bundle.dtype_and_shape(k)[1]) for k in self._bundle.names()}

    def get_variable_to_dtype_map(self):
        return {k: self._bundle.dtype_and_shape(k)[0] for k in self._bundle.names()}

    def debug_string(self):
        """One "name (DT_X) [d0,d1]" line per stored entry, slice pieces included, as TF."""
        lines = []
        if isinstance(self._bundle, V1Reader):  # V1: with the count of a sliced one's pieces
            for name in sorted(self._bundle.names()):
                dtype, shape = self._bundle.dtype_and_shape(name)
                n = self._bundle.num_slices(name)
                lines.append("%s (%s) [%s]%s\n" % (name, _dt.enum_name(dtype),
                                                   ",".join(map(str, shape)),
                                                   ", %d slices" % n if n > 1 else ""))
            return "".join(lines).encode()
        for key in self._bundle.raw_keys():
            e = self._bundle.entry(key)
            if e.slices:
                continue
            dims = ",".join(str(d.size) for d in e.shape.dim)
            lines.append(key + b" (%s) [%s]\n" % (_dt.enum_name(_dt.as_dtype(e.dtype)).encode(),
                                                 dims.encode()))
        return b"".join(lines)

    def _GetVariableToDataTypeMap(self):
        return {k: v.as_datatype_enum for k, v in self.get_variable_to_dtype_map().items()}

    def _HasTensor(self, tensor_str):
        return self.has_tensor(tensor_str)


def NewCheckpointReader(filepattern):
    """A CheckpointReader for the checkpoint prefix `filepattern`.

    >>> NewCheckpointReader("/no/such/ckpt")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    NotFoundError: Unsuccessful TensorSliceReader constructor: ...
    """
    if isinstance(filepattern, bytes):
        filepattern = filepattern.decode()
    filepattern = os.fspath(filepattern)
    if not os.path.exists(index_filename(filepattern)) and not glob.glob(filepattern):
        raise errors.NotFoundError(None, None, "Unsuccessful TensorSliceReader constructor: "
                                   "Failed to find any matching files for %s" % filepattern)
    if not os.path.exists(index_filename(filepattern)) and os.path.isdir(filepattern):
        raise errors.DataLossError(None, None, "Unable to open table file %s: FAILED_PRECONDITION"
                                   ": %s; Is a directory: perhaps your file is in a different "
                                   "file format and you need to use a different restore "
                                   "operator?" % (filepattern, filepattern))
    try:
        return CheckpointReader(filepattern)
    except errors.DataLossError as e:
        # TF's reader translates what its C++ reader says by its words: a corrupt table
        # (not "Unable to open table file") is an OpError of code UNKNOWN
        if "Unable to open table file" in e.message:
            raise
        raise errors.OpError(None, None, e.message, errors.UNKNOWN) from None


def checkpoint_filename(ckpt_dir_or_file):
    """The newest checkpoint of a folder, or the path itself (TF's _get_checkpoint_filename)."""
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        return state.latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file):
    """CheckpointReader for a checkpoint prefix, or for the newest checkpoint of a folder."""
    filename = checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory %s"
                         % ckpt_dir_or_file)
    return NewCheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name):
    """The value of tensor `name` ("w" or "w:0") in a checkpoint, as a NumPy array."""
    name = name.removesuffix(":0")
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file):
    """Sorted [(name, shape list)] of the tensors in a checkpoint."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def as_numpy(value, dtype):
    """`value` as an array of `dtype` (TF's DType), for feeding restored tensors."""
    return np.asarray(value, dtype=object if dtype.base_dtype is _dt.string
                      else np.dtype(dtype.base_dtype.as_numpy_dtype))
