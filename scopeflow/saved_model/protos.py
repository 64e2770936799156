"""The `SavedModel` message, which tensorboard's protos lack, built from a descriptor that
mirrors TF's `saved_model.proto` field for field (its wire and text formats are TF's).

>>> SavedModel(saved_model_schema_version=1).saved_model_schema_version
1
"""

from google.protobuf import descriptor_pb2
from tensorboard.compat.proto import meta_graph_pb2

from scopeflow.checkpoint.protos import message_classes

_F = descriptor_pb2.FieldDescriptorProto
_FILE = "scopeflow/saved_model/saved_model.proto"


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package="scopeflow.saved_model",
                                             syntax="proto3")
    fdp.dependency.append(meta_graph_pb2.DESCRIPTOR.name)
    msg = fdp.message_type.add(name="SavedModel")
    msg.field.add(name="saved_model_schema_version", number=1, type=_F.TYPE_INT64,
                  label=_F.LABEL_OPTIONAL)
    msg.field.add(name="meta_graphs", number=2, type=_F.TYPE_MESSAGE, label=_F.LABEL_REPEATED,
                  type_name="." + meta_graph_pb2.MetaGraphDef.DESCRIPTOR.full_name)
    return fdp


SavedModel = message_classes(_FILE, _file_proto, ("SavedModel",))["SavedModel"]
