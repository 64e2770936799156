"""tfprof's messages: what `tf.profiler.profile` returns (GraphNodeProto for the scope and
graph views, MultiGraphNodeProto for the op and code views), AdviceProto and OpLogProto.

OpLogProto is tensorboard's copy of TF's `tfprof_log.proto`; the output messages mirror TF's
`tfprof_output.proto` field for field (names, numbers, types), built from a descriptor as
scopeflow/checkpoint/protos.py does, so their wire and text formats are TF's.
"""

from google.protobuf import descriptor_pb2
from tensorboard.compat.proto import tensor_shape_pb2, types_pb2
from tensorboard.compat.proto.tfprof_log_pb2 import CodeDef, OpLogEntry, OpLogProto

from scopeflow.checkpoint.protos import message_classes

_F = descriptor_pb2.FieldDescriptorProto
_FILE = "scopeflow/profiler/tfprof_output.proto"
_PACKAGE = "scopeflow.tfprof"
_SHAPE = ".tensorboard.TensorShapeProto"
_I64, _I32, _STR, _DBL, _MSG = _F.TYPE_INT64, _F.TYPE_INT32, _F.TYPE_STRING, _F.TYPE_DOUBLE, \
    _F.TYPE_MESSAGE
_OPT, _REP = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED

# (field, number) of the int64 statistics, in TF's declaration order
_GRAPH_STATS = (("run_count", 21), ("exec_micros", 2), ("accelerator_exec_micros", 17),
                ("cpu_exec_micros", 18), ("requested_bytes", 3), ("peak_bytes", 24),
                ("residual_bytes", 25), ("output_bytes", 26), ("parameters", 4),
                ("float_ops", 13))
_GRAPH_TOTALS = (("total_definition_count", 23), ("total_run_count", 22),
                 ("total_exec_micros", 6), ("total_accelerator_exec_micros", 19),
                 ("total_cpu_exec_micros", 20), ("total_requested_bytes", 7),
                 ("total_peak_bytes", 27), ("total_residual_bytes", 28),
                 ("total_output_bytes", 29), ("total_parameters", 8), ("total_float_ops", 14))
_MULTI_STATS = (("exec_micros", 2), ("accelerator_exec_micros", 12), ("cpu_exec_micros", 13),
                ("requested_bytes", 3), ("peak_bytes", 16), ("residual_bytes", 17),
                ("output_bytes", 18), ("parameters", 4), ("float_ops", 5),
                ("total_exec_micros", 6), ("total_accelerator_exec_micros", 14),
                ("total_cpu_exec_micros", 15), ("total_requested_bytes", 7),
                ("total_peak_bytes", 19), ("total_residual_bytes", 20),
                ("total_output_bytes", 21), ("total_parameters", 8), ("total_float_ops", 9))


def _map_entry(msg, name, key_type, value_type, value_type_name=None):
    entry = msg.nested_type.add(name=name)
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=key_type, label=_OPT)
    value = entry.field.add(name="value", number=2, type=value_type, label=_OPT)
    if value_type_name:
        value.type_name = value_type_name


def _file_proto():
    fdp = descriptor_pb2.FileDescriptorProto(name=_FILE, package=_PACKAGE, syntax="proto3")
    fdp.dependency.extend([tensor_shape_pb2.DESCRIPTOR.name, types_pb2.DESCRIPTOR.name])
    own = "." + _PACKAGE + "."

    tensor = fdp.message_type.add(name="TFProfTensorProto")
    tensor.field.add(name="dtype", number=1, type=_F.TYPE_ENUM, label=_OPT,
                     type_name=".tensorboard.DataType")
    tensor.field.add(name="value_double", number=2, type=_DBL, label=_REP)
    tensor.field.add(name="value_int64", number=3, type=_I64, label=_REP)
    tensor.field.add(name="value_str", number=4, type=_STR, label=_REP)

    graph = fdp.message_type.add(name="GraphNodeProto")
    graph.field.add(name="name", number=1, type=_STR, label=_OPT)
    graph.field.add(name="tensor_value", number=15, type=_MSG, label=_OPT,
                    type_name=own + "TFProfTensorProto")
    for name, number in _GRAPH_STATS:
        graph.field.add(name=name, number=number, type=_I64, label=_OPT)
    graph.field.add(name="devices", number=10, type=_STR, label=_REP)
    for name, number in _GRAPH_TOTALS:
        graph.field.add(name=name, number=number, type=_I64, label=_OPT)
    graph.field.add(name="shapes", number=11, type=_MSG, label=_REP, type_name=_SHAPE)
    _map_entry(graph, "InputShapesEntry", _I32, _MSG, _SHAPE)
    graph.field.add(name="input_shapes", number=16, type=_MSG, label=_REP,
                    type_name=own + "GraphNodeProto.InputShapesEntry")
    graph.field.add(name="children", number=12, type=_MSG, label=_REP,
                    type_name=own + "GraphNodeProto")

    multi = fdp.message_type.add(name="MultiGraphNodeProto")
    multi.field.add(name="name", number=1, type=_STR, label=_OPT)
    for name, number in _MULTI_STATS:
        multi.field.add(name=name, number=number, type=_I64, label=_OPT)
    multi.field.add(name="graph_nodes", number=10, type=_MSG, label=_REP,
                    type_name=own + "GraphNodeProto")
    multi.field.add(name="children", number=11, type=_MSG, label=_REP,
                    type_name=own + "MultiGraphNodeProto")

    advice = fdp.message_type.add(name="AdviceProto")
    checker = advice.nested_type.add(name="Checker")
    checker.field.add(name="reports", number=2, type=_STR, label=_REP)
    _map_entry(advice, "CheckersEntry", _STR, _MSG, own + "AdviceProto.Checker")
    advice.field.add(name="checkers", number=1, type=_MSG, label=_REP,
                     type_name=own + "AdviceProto.CheckersEntry")
    return fdp


_CLASSES = message_classes(_FILE, _file_proto, ("TFProfTensorProto", "GraphNodeProto",
                                                 "MultiGraphNodeProto", "AdviceProto"))
TFProfTensorProto = _CLASSES["TFProfTensorProto"]
GraphNodeProto = _CLASSES["GraphNodeProto"]
MultiGraphNodeProto = _CLASSES["MultiGraphNodeProto"]
AdviceProto = _CLASSES["AdviceProto"]
TensorShapeProto = tensor_shape_pb2.TensorShapeProto

__all__ = ["AdviceProto", "CodeDef", "GraphNodeProto", "MultiGraphNodeProto", "OpLogEntry",
           "OpLogProto", "TFProfTensorProto", "TensorShapeProto"]
