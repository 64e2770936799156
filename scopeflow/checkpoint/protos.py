"""The checkpoint messages tensorboard does not ship: bundle header/entry, slices, state, and
the V1 checkpoint's saved tensor slices.

The classes are built at import time from a descriptor that mirrors TF's
`tensor_bundle.proto`, `tensor_slice.proto`, `saved_tensor_slice.proto` and
`checkpoint_state.proto` field for field, so
their wire and text formats are TF's. Shapes, dtypes and versions reuse tensorboard's protos.

>>> BundleEntryProto(dtype=1, size=8).size
8
"""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from tensorboard.compat.proto import tensor_pb2, tensor_shape_pb2, types_pb2, versions_pb2

_F = descriptor_pb2.FieldDescriptorProto
_PACKAGE = "scopeflow.checkpoint"
_FILE = "scopeflow/checkpoint/checkpoint.proto"

# message name -> [(field name, number, type, label, message/enum type name or None)]
_MESSAGES = {
    "TensorSliceProto": [("extent", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "Extent")],
    "TensorSliceProto.Extent": [("start", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None),
                                ("length", 2, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None)],
    "BundleHeaderProto": [
        ("num_shards", 1, _F.TYPE_INT32, _F.LABEL_OPTIONAL, None),
        ("endianness", 2, _F.TYPE_ENUM, _F.LABEL_OPTIONAL, ".%s.BundleHeaderProto.Endianness"
         % _PACKAGE),
        ("version", 3, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".tensorboard.VersionDef")],
    "BundleEntryProto": [
        ("dtype", 1, _F.TYPE_ENUM, _F.LABEL_OPTIONAL, ".tensorboard.DataType"),
        ("shape", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".tensorboard.TensorShapeProto"),
        ("shard_id", 3, _F.TYPE_INT32, _F.LABEL_OPTIONAL, None),
        ("offset", 4, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None),
        ("size", 5, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None),
        ("crc32c", 6, _F.TYPE_FIXED32, _F.LABEL_OPTIONAL, None),
        ("slices", 7, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".%s.TensorSliceProto" % _PACKAGE)],
    # TF's saved_tensor_slice.proto: the V1 checkpoint's table values
    "SavedSliceMeta": [
        ("name", 1, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None),
        ("shape", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".tensorboard.TensorShapeProto"),
        ("type", 3, _F.TYPE_ENUM, _F.LABEL_OPTIONAL, ".tensorboard.DataType"),
        ("slice", 4, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".%s.TensorSliceProto" % _PACKAGE)],
    "SavedTensorSliceMeta": [
        ("tensor", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".%s.SavedSliceMeta" % _PACKAGE),
        ("versions", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".tensorboard.VersionDef")],
    "SavedSlice": [
        ("name", 1, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None),
        ("slice", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".%s.TensorSliceProto" % _PACKAGE),
        ("data", 3, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".tensorboard.TensorProto")],
    "SavedTensorSlices": [
        ("meta", 1, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".%s.SavedTensorSliceMeta" % _PACKAGE),
        ("data", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".%s.SavedSlice" % _PACKAGE)],
    "CheckpointState": [
        ("model_checkpoint_path", 1, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None),
        ("all_model_checkpoint_paths", 2, _F.TYPE_STRING, _F.LABEL_REPEATED, None),
        ("all_model_checkpoint_timestamps", 3, _F.TYPE_DOUBLE, _F.LABEL_REPEATED, None),
        ("last_preserved_timestamp", 4, _F.TYPE_DOUBLE, _F.LABEL_OPTIONAL, None)],
}


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package=_PACKAGE, syntax="proto3")
    fdp.dependency.extend([tensor_shape_pb2.DESCRIPTOR.name, types_pb2.DESCRIPTOR.name,
                           versions_pb2.DESCRIPTOR.name, tensor_pb2.DESCRIPTOR.name])
    tops = {}
    for name, fields in _MESSAGES.items():
        outer, _, inner = name.partition(".")
        if inner:
            msg = tops[outer].nested_type.add(name=inner)
        else:
            msg = tops[name] = fdp.message_type.add(name=name)
        for fname, number, ftype, label, tname in fields:
            f = msg.field.add(name=fname, number=number, type=ftype, label=label)
            if tname:
                f.type_name = tname if tname.startswith(".") else "%s.%s" % (name, tname)
    # `length` sits in a oneof (`has_length`) so that an explicit 0 differs from "to the end"
    ext = tops["TensorSliceProto"].nested_type[0]
    ext.oneof_decl.add(name="has_length")
    ext.field[1].oneof_index = 0
    endian = tops["BundleHeaderProto"].enum_type.add(name="Endianness")
    endian.value.add(name="LITTLE", number=0)
    endian.value.add(name="BIG", number=1)
    return fdp


def message_classes(file_name, file_proto, names):
    """{name: message class} of the messages `names` of descriptor file `file_name`, added to
    the default pool from `file_proto()` the first time."""
    pool = descriptor_pool.Default()
    try:
        fd = pool.FindFileByName(file_name)
    except KeyError:
        fd = pool.Add(file_proto())
    return {n: message_factory.GetMessageClass(fd.message_types_by_name[n]) for n in names}


_CLASSES = message_classes(_FILE, _file_proto, ("TensorSliceProto", "BundleHeaderProto",
                                                 "BundleEntryProto", "CheckpointState",
                                                 "SavedTensorSlices"))
TensorSliceProto = _CLASSES["TensorSliceProto"]
BundleHeaderProto = _CLASSES["BundleHeaderProto"]
BundleEntryProto = _CLASSES["BundleEntryProto"]
CheckpointState = _CLASSES["CheckpointState"]
SavedTensorSlices = _CLASSES["SavedTensorSlices"]
TensorShapeProto = tensor_shape_pb2.TensorShapeProto
VersionDef = versions_pb2.VersionDef
