"""`SaveV2` (`SaveSlices` for V1) and `RestoreV2`: the graph ops a Saver adds, with kernels
that touch files (RestoreV2 reads V1 files where no V2 `.index` exists, as TF's does).

Saver.save / Saver.restore do their file work in Python around a Session run (execute.py);
these kernels serve graphs that run the ops themselves (`init_from_checkpoint` initializers,
an imported `save/restore_all`). File names and tensor names must be graph constants there:
strings never enter XLA. Tensor data moves through `io_callback`, so each run reads or writes
the file as it is then.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     print(restore_v2("/tmp/model", ["w"], [""], [tf.float32])[0].name)
RestoreV2:0
"""

import functools

import jax
import numpy as np
from jax.experimental import io_callback

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint import slices
from scopeflow.checkpoint.bundle import BundleWriter
from scopeflow.checkpoint.tensor_slices import open_reader, write_v1
from scopeflow.core.shape import TensorShape
from scopeflow.ops.registry import ANY, op


def _restore_specs(prefix, tensor_names, shape_and_slices, *, dtypes):
    """RestoreV2 outputs: a sliced tensor has its piece's shape, a whole one is unknown."""
    from scopeflow.ops.constant import constant_value
    specs = constant_value(shape_and_slices)
    out = []
    for i, dt in enumerate(dtypes):
        shape = TensorShape(None)
        if specs is not None and i < np.size(specs):
            text = _text(np.reshape(specs, -1)[i])
            full, spec = slices.parse_shape_and_slice(text)
            if full is not None:
                shape = TensorShape(list(slices.piece_shape(spec, full)))
        out.append((shape, _dt.as_dtype(dt).base_dtype))
    return out


def _text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def _static_strings(op_name, *values):
    """Python strings of constant string inputs; a run-time string cannot be read here."""
    out = []
    for v in values:
        if isinstance(v, jax.core.Tracer) or not isinstance(v, np.ndarray):
            raise errors.UnimplementedError(
                None, None, "%s needs its file and tensor names as graph constants; use "
                "Saver.save / Saver.restore to save or restore with a fed file name." % op_name)
        out.append([_text(x) for x in np.reshape(v, -1)])
    return out


@op("RestoreV2", infer=_restore_specs, types={"prefix": _dt.string,
                                               "tensor_names": _dt.string,
                                               "shape_and_slices": _dt.string},
    context=True, stateful=True, multi=True)
def _restore_v2(ctx, prefix, tensor_names, shape_and_slices, *, dtypes):
    (path,), names, specs = _static_strings("RestoreV2", prefix, tensor_names, shape_and_slices)
    reader = open_reader(path)
    values = [read_tensor(reader, n, s, dt) for n, s, dt in zip(names, specs, dtypes)]
    out = []
    for i, v in enumerate(values):
        if v.dtype == object:  # strings stay host values
            out.append(v)
            continue
        read = functools.partial(_read_one, path, names[i], specs[i], dtypes[i])
        out.append(io_callback(read, jax.ShapeDtypeStruct(v.shape, v.dtype)))
    return out[0] if len(out) == 1 else out  # one output is returned bare


def _read_one(path, name, spec, dtype):
    return read_tensor(open_reader(path), name, spec, dtype)


def read_tensor(reader, name, spec_text, dtype):
    """Tensor `name` (or its slice `spec_text`) from `reader`, checked against `dtype`."""
    stored, _ = reader.dtype_and_shape(name)
    want = _dt.as_dtype(dtype).base_dtype
    if stored is not want:
        raise errors.InvalidArgumentError(
            None, None, "tensor_name = %s; expected dtype %s does not equal original dtype %s"
            % (name, type_string(want), type_string(stored)))
    full, spec = slices.parse_shape_and_slice(spec_text)
    if full is None:
        return reader.lookup(name)
    return reader.lookup_slice(name, full, spec)


def type_string(dtype):
    """TF's DataTypeString: 'float', 'double', 'half', 'int32', ..."""
    return _dt.enum_name(dtype)[3:].lower()


def _save_specs(prefix, tensor_names, shape_and_slices, tensors, *, dtypes):
    return []


@op("SaveV2", infer=_save_specs, types={"prefix": _dt.string, "tensor_names": _dt.string,
                                         "shape_and_slices": _dt.string, "tensors": ANY},
    lists=("tensors",), context=True, stateful=True)
def _save_v2(ctx, prefix, tensor_names, shape_and_slices, tensors, *, dtypes):
    _write_later("SaveV2", write_bundle_entries, (prefix, tensor_names, shape_and_slices),
                 tensors, dtypes)


@op("SaveSlices", infer=lambda *inputs, **attrs: [],
    types={"filename": _dt.string, "tensor_names": _dt.string, "shapes_and_slices": _dt.string,
           "data": ANY}, lists=("data",), context=True, stateful=True)
def _save_slices(ctx, filename, tensor_names, shapes_and_slices, data, *, T):
    """The V1 checkpoint's save op (tf.train.SaverDef.V1): one table file at `filename`."""
    _write_later("SaveSlices", write_v1, (filename, tensor_names, shapes_and_slices), data, T)


def _write_later(op_type, writer, strings, tensors, dtypes):
    """Calls `writer(path, names, specs, values, dtypes)` when the run computes `tensors`."""
    (path,), names, specs = _static_strings(op_type, *strings)
    host = {i: v for i, v in enumerate(tensors) if not isinstance(v, jax.core.Tracer)}
    traced = [v for i, v in enumerate(tensors) if i not in host]

    def write(*dyn):
        it = iter(dyn)
        values = [host[i] if i in host else np.asarray(next(it)) for i in range(len(tensors))]
        writer(path, names, specs, values, dtypes)

    io_callback(write, None, *traced, ordered=True)


def write_bundle_entries(path, names, specs, values, dtypes):
    """Writes SaveV2's (name, shape_and_slice, value, dtype) lists as one bundle at `path`."""
    w = BundleWriter(path)
    try:
        # by name (stable: the pieces of one tensor keep their order), as TF writes them
        for name, text, value, dtype in sorted(zip(names, specs, values, dtypes),
                                               key=lambda e: e[0]):
            full, spec = slices.parse_shape_and_slice(text)
            if full is None:
                w.add(name, value, dtype)
            else:
                w.add_slice(name, full, spec, value, dtype)
    except BaseException:
        w.abort()
        raise
    w.finish()


def _strings(values, name):
    from scopeflow.ops.constant import constant
    return constant(np.array([v.encode() for v in values], dtype=object), _dt.string, name=name)


def save_v2(prefix, tensor_names, shape_and_slices, tensors, name=None):
    """A `SaveV2` op writing `tensors` under `tensor_names` to the bundle `prefix`."""
    return _save_op(_save_v2, "SaveV2", (prefix, tensor_names, shape_and_slices), tensors,
                    name, ("shape_and_slices", "dtypes"))


def save_slices(filename, tensor_names, tensor_slices, tensors, name=None):
    """A `SaveSlices` op (TF's `io_ops._save`) writing `tensors` as the V1 file `filename`."""
    return _save_op(_save_slices, "save", (filename, tensor_names, tensor_slices), tensors,
                    name, ("shapes_and_slices", "T"))


def _save_op(builder, default_name, strings, tensors, name, names):
    """`builder`'s op over (file, names, slices) `strings` and `tensors`; `names`: the name of
    its slices constant and of its dtypes attr."""
    from scopeflow.core.contexts import name_scope
    path, tensor_names, specs = strings
    with name_scope(name, default_name, [path, *tensors]) as scope:
        names_t = _strings(tensor_names, "tensor_names")
        slice_t = _strings(specs, names[0])
        dtypes = [t.dtype.base_dtype for t in tensors]
        return builder(path, names_t, slice_t, list(tensors), name=scope, **{names[1]: dtypes})


def restore_v2(prefix, tensor_names, shape_and_slices, dtypes, name=None):
    """A `RestoreV2` op reading `tensor_names` from the bundle `prefix`; its outputs."""
    from scopeflow.core.contexts import name_scope
    from scopeflow.ops.constant import convert_to_tensor
    with name_scope(name, "RestoreV2", [prefix]) as scope:
        if not hasattr(prefix, "dtype"):
            prefix = convert_to_tensor(prefix, _dt.string, name="prefix")
        names = _strings(tensor_names, "tensor_names")
        slice_t = _strings(shape_and_slices, "shape_and_slices")
        dtypes = [_dt.as_dtype(d).base_dtype for d in dtypes]
        return _restore_v2(prefix, names, slice_t, dtypes=dtypes, name=scope)
