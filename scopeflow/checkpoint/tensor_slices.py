"""TF's V1 checkpoint (`tf.train.SaverDef.V1`): one table file of SavedTensorSlices.

The file is a LevelDB table (table.py, as the V2 `.index`): key "" holds the meta (per tensor
its name, shape, dtype and stored slices; the checkpoint version), and every stored piece
lives under its OrderedCode key (`slices.slice_key`; a whole tensor is the slice of full
extents) as a SavedSlice whose TensorProto lists the values in its typed fields (float_val,
int64_val, string_val, ...). A sharded V1 checkpoint is several such files, read together
through a glob pattern.

>>> import os, tempfile, numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "model.ckpt")
>>> write_v1(path, ["w"], [""], [np.arange(3, dtype=np.float32)], [_dt.float32])
>>> V1Reader(path).lookup("w")
array([0., 1., 2.], dtype=float32)
"""

import glob
import os

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint import slices
from scopeflow.checkpoint.bundle import BundleReader, atomic_write, index_filename
from scopeflow.checkpoint.protos import SavedTensorSlices
from scopeflow.checkpoint.table import build_table, read_table

__all__ = ["V1Reader", "open_reader", "write_v1"]

CHECKPOINT_VERSION = 1  # TF_CHECKPOINT_VERSION

# dtype -> the TensorProto field TF's SaveTypeTraits fill (half: its bits as int32)
_FIELDS = {_dt.float32: "float_val", _dt.float64: "double_val", _dt.int32: "int_val",
           _dt.int16: "int_val", _dt.int8: "int_val", _dt.uint8: "int_val",
           _dt.int64: "int64_val", _dt.bool: "bool_val", _dt.string: "string_val",
           _dt.float16: "half_val", _dt.complex64: "scomplex_val",
           _dt.complex128: "dcomplex_val"}


def _field(dtype):
    field = _FIELDS.get(dtype)
    if field is None:
        raise errors.UnimplementedError(None, None, "V1 checkpoints of %s tensors are not "
                                        "supported; save with tf.train.SaverDef.V2"
                                        % dtype.name)
    return field


# ---- writing --------------------------------------------------------------------------------
def _fill(proto, value, dtype):
    """Appends `value`'s elements to the typed field of TensorProto `proto`."""
    flat = np.asarray(value).reshape(-1)
    field = getattr(proto, _field(dtype))
    if dtype is _dt.string:
        field.extend(v if isinstance(v, bytes) else str(v).encode() for v in flat)
    elif dtype is _dt.float16:
        field.extend(flat.astype(np.float16).view(np.uint16).astype(np.int64).tolist())
    elif dtype.is_complex:
        field.extend(np.stack([flat.real, flat.imag], -1).reshape(-1).tolist())
    else:
        field.extend(flat.tolist())


def write_v1(path, names, specs, values, dtypes):
    """Writes SaveSlices' (name, shape_and_slice, value, dtype) lists as the V1 file `path`."""
    head = SavedTensorSlices()
    head.meta.versions.producer = CHECKPOINT_VERSION
    metas, items = {}, []
    for name, text, value, dtype in sorted(zip(names, specs, values, dtypes),
                                           key=lambda e: e[0]):
        dtype = _dt.as_dtype(dtype).base_dtype
        full, spec = slices.parse_shape_and_slice(text)
        if full is None:
            full = np.shape(value)
            spec = ((0, slices.FULL),) * len(full)
        meta = metas.get(name)
        if meta is None:
            meta = metas[name] = head.meta.tensor.add(name=name, type=dtype.as_datatype_enum)
            meta.shape.SetInParent()
            for d in full:
                meta.shape.dim.add(size=d)
        meta.slice.add().CopyFrom(slices.to_proto(spec))
        piece = SavedTensorSlices()
        piece.data.name = name
        piece.data.slice.SetInParent()
        piece.data.slice.CopyFrom(slices.to_proto(spec))
        piece.data.data.SetInParent()
        _fill(piece.data.data, value, dtype)
        items.append((slices.slice_key(name, spec), piece.SerializeToString()))
    items.sort(key=lambda kv: kv[0])
    atomic_write(path, build_table([(b"", head.SerializeToString()), *items]))


# ---- reading --------------------------------------------------------------------------------
def _decode(proto, dtype, shape):
    """The values of TensorProto `proto` (typed fields, or tensor_content) as an array."""
    np_type = object if dtype is _dt.string else np.dtype(dtype.as_numpy_dtype)
    if proto.tensor_content:
        return np.frombuffer(proto.tensor_content, np_type).reshape(shape).copy()
    values = list(getattr(proto, _field(dtype)))
    if dtype is _dt.float16:
        out = np.array(values, np.uint16).view(np.float16)
    elif dtype.is_complex:
        pairs = np.array(values, np.float64).reshape(-1, 2)
        out = (pairs[:, 0] + 1j * pairs[:, 1]).astype(np_type)
    elif dtype is _dt.string:
        out = np.empty(len(values), object)
        out[:] = values
    else:
        out = np.array(values, np_type)
    count = int(np.prod(shape, dtype=np.int64))
    if out.size != count:
        raise errors.DataLossError(None, None, "Checkpoint slice holds %d values where its "
                                   "shape %s needs %d" % (out.size, list(shape), count))
    return out.reshape(shape)


class V1Reader:
    """Reads the V1 checkpoint files matching `pattern`, with BundleReader's interface."""

    def __init__(self, pattern):
        self._pattern = pattern
        files = sorted(glob.glob(pattern))
        if not files:
            raise errors.NotFoundError(None, None, "Unsuccessful TensorSliceReader "
                                       "constructor: Failed to find any matching files for %s"
                                       % pattern)
        self._meta, self._pieces = {}, {}
        for path in files:
            with open(path, "rb") as f:
                items = read_table(f.read())
            if not items or items[0][0] != b"":
                raise errors.DataLossError(None, None, "Unable to read the meta of checkpoint "
                                           "file %s" % path)
            for meta in SavedTensorSlices.FromString(items[0][1]).meta.tensor:
                old = self._meta.setdefault(meta.name, [meta.type, meta.shape, []])
                old[2].extend(slices.from_proto(s) for s in meta.slice)
            self._pieces.update(items[1:])

    def names(self):
        return list(self._meta)

    def contains(self, name):
        return _text(name) in self._meta

    def _entry(self, name):
        entry = self._meta.get(_text(name))
        if entry is None:
            raise errors.NotFoundError(None, None, 'Tensor name "%s" not found in checkpoint '
                                       "files %s" % (_text(name), self._pattern))
        return entry

    def dtype_and_shape(self, name):
        dtype, shape, _ = self._entry(name)
        return _dt.as_dtype(dtype), tuple(d.size for d in shape.dim)

    def num_slices(self, name):
        return len(self._entry(name)[2])

    def lookup(self, name):
        """The whole tensor `name` as a NumPy array (its pieces joined)."""
        name = _text(name)
        dtype, full = self.dtype_and_shape(name)
        pieces = []
        for spec in self._entry(name)[2]:
            raw = self._pieces.get(slices.slice_key(name, spec))
            if raw is None:
                raise errors.DataLossError(None, None, "Checkpoint %s lacks slice %s of %s"
                                           % (self._pattern, slices.slice_string(spec), name))
            data = SavedTensorSlices.FromString(raw).data.data
            pieces.append((spec, _decode(data, dtype, slices.piece_shape(spec, full))))
        if len(pieces) == 1 and slices.is_full(pieces[0][0], full):
            return pieces[0][1]
        np_type = object if dtype is _dt.string else np.dtype(dtype.as_numpy_dtype)
        out = slices.assemble(full, np_type, pieces)
        if out is None:
            raise errors.InvalidArgumentError(
                None, None, "Does not have sufficient slices for partitioned tensor %s to "
                "restore in slice_spec: %s" % (name, slices.slice_string(
                    ((0, slices.FULL),) * len(full))))
        return out

    def lookup_slice(self, name, full_shape, spec):
        return self.lookup(name)[slices.index(spec, full_shape)]


def _text(name):
    return name.decode() if isinstance(name, bytes) else name


def open_reader(prefix):
    """A reader of the checkpoint `prefix`: its V2 bundle where `<prefix>.index` exists, else
    the V1 files `prefix` matches (TF's RestoreV2 falls back the same way)."""
    if not os.path.exists(index_filename(prefix)) and glob.glob(prefix):
        return V1Reader(prefix)
    return BundleReader(prefix)
