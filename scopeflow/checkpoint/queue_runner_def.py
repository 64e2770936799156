"""TF's QueueRunnerDef: how a meta graph stores the `queue_runners` collection.

Queue-based input programs save checkpoints with `Saver.save`, which writes a `.meta` file;
TF stores each QueueRunner there as a serialized QueueRunnerDef so that `import_meta_graph`
followed by `start_queue_runners` feeds the restored graph again. The message mirrors TF's
`queue_runner.proto` field for field (built from a descriptor, as protos.py does); the
closed-exception codes are TF's `error_codes.proto` values (OUT_OF_RANGE = 11), so the
wire and text formats are TF's.

>>> QueueRunnerDef(queue_name="q", queue_closed_exception_types=[11]).SerializeToString()
b'\\n\\x01q*\\x01\\x0b'
"""

from google.protobuf import descriptor_pb2

from scopeflow import errors
from scopeflow.checkpoint.protos import message_classes

_F = descriptor_pb2.FieldDescriptorProto
_PACKAGE = "scopeflow.checkpoint.queue"
_FILE = "scopeflow/checkpoint/queue_runner.proto"
# TF's error_codes.proto: the enum the closed-exception field holds
_CODES = ("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
          "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
          "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
          "UNAUTHENTICATED")


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package=_PACKAGE, syntax="proto3")
    code = fdp.enum_type.add(name="Code")
    for number, name in enumerate(_CODES):
        code.value.add(name=name, number=number)
    msg = fdp.message_type.add(name="QueueRunnerDef")
    for name, number, label in (("queue_name", 1, _F.LABEL_OPTIONAL),
                                ("enqueue_op_name", 2, _F.LABEL_REPEATED),
                                ("close_op_name", 3, _F.LABEL_OPTIONAL),
                                ("cancel_op_name", 4, _F.LABEL_OPTIONAL)):
        msg.field.add(name=name, number=number, type=_F.TYPE_STRING, label=label)
    msg.field.add(name="queue_closed_exception_types", number=5, type=_F.TYPE_ENUM,
                  label=_F.LABEL_REPEATED, type_name=".%s.Code" % _PACKAGE)
    return fdp


QueueRunnerDef = message_classes(_FILE, _file_proto, ("QueueRunnerDef",))["QueueRunnerDef"]


def queue_runner_def(qr, export_scope=None):
    """`qr` as a QueueRunnerDef with `export_scope/` stripped from its names; None when its
    queue lies outside `export_scope` (TF leaves such runners out of the meta graph)."""
    from scopeflow.checkpoint.meta_graph import strip_name_scope
    if export_scope is not None and not qr.queue.name.startswith(export_scope):
        return None
    return QueueRunnerDef(
        queue_name=strip_name_scope(qr.queue.name, export_scope),
        enqueue_op_name=[strip_name_scope(op.name, export_scope) for op in qr.enqueue_ops],
        close_op_name=strip_name_scope(qr.close_op.name, export_scope),
        cancel_op_name=strip_name_scope(qr.cancel_op.name, export_scope),
        queue_closed_exception_types=[errors.error_code_from_exception_type(cls)
                                      for cls in qr.queue_closed_exception_types])
