"""MetaGraphDef export and import: GraphDef + SaverDef + collections, TF's `.meta` file.

Collections are stored as TF stores them: variables (and the global step) as serialized
VariableDefs, savers as SaverDefs, queue runners as QueueRunnerDefs, graph elements as names (`node_list`), strings, ints and
floats as lists; what cannot be serialized is left out with a warning.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     v = tf.Variable(1.0, name="v")
...     print(export_meta_graph().collection_def["variables"].WhichOneof("kind"))
bytes_list
"""

import logging
import numbers
import os

from google.protobuf import any_pb2, text_format
from google.protobuf.message import DecodeError
from tensorboard.compat.proto import meta_graph_pb2, saver_pb2, variable_pb2

from scopeflow.checkpoint.bundle import atomic_write
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.tensor import Operation, Tensor

_log = logging.getLogger("tensorflow")
_VERSION = "2.21.0"  # the TF release whose formats scopeflow writes
_VARIABLE_KEYS = frozenset(GraphKeys._VARIABLE_COLLECTIONS + [GraphKeys.GLOBAL_STEP])


def _variable_from_proto(proto, import_scope=None):
    from scopeflow.core.variables import Variable
    return Variable.from_proto(proto, import_scope=import_scope)


def _saver_from_proto(proto, import_scope=None):
    from scopeflow.checkpoint.saver import Saver
    return Saver.from_proto(proto, import_scope)


def _queue_runner_from_proto(proto, import_scope=None):
    from scopeflow.train.queue_runner import QueueRunner
    return QueueRunner.from_proto(proto, import_scope)


def _proto_functions(key):
    """(proto class, to_proto(x, export_scope), from_proto(proto, import_scope)) or None."""
    if key in _VARIABLE_KEYS:
        return variable_pb2.VariableDef, lambda x, s: x.to_proto(s), _variable_from_proto
    if key == GraphKeys.SAVERS:
        return saver_pb2.SaverDef, lambda x, s: x.to_proto(s), _saver_from_proto
    if key == GraphKeys.QUEUE_RUNNERS:
        from scopeflow.checkpoint.queue_runner_def import QueueRunnerDef
        return QueueRunnerDef, lambda x, s: x.to_proto(s), _queue_runner_from_proto
    return None


def _kind(x):
    if isinstance(x, any_pb2.Any):
        return "any_list"
    if isinstance(x, (Tensor, Operation)) or hasattr(x, "_as_graph_element"):
        return "node_list"
    if isinstance(x, (bytes, str)):
        return "bytes_list"
    if isinstance(x, numbers.Integral):
        return "int64_list"
    if isinstance(x, numbers.Real):
        return "float_list"
    return "any_list"


def strip_name_scope(name, export_scope):
    """`name` with the leading `export_scope/` removed (also after a '^' or 'loc:@')."""
    if not export_scope:
        return name
    prefix = export_scope.rstrip("/") + "/"
    for lead in ("^", "loc:@", ""):
        if name.startswith(lead + prefix):
            return lead + name[len(lead) + len(prefix):]
    return name


def prepend_name_scope(name, import_scope):
    """`import_scope/name` (after a leading '^' or 'loc:@'); non-strings come back as given."""
    if not import_scope:
        return name
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    if not isinstance(name, str):
        return name
    scope = import_scope.rstrip("/")
    for lead in ("^", "loc:@"):
        if name.startswith(lead):
            return lead + scope + "/" + name[len(lead):]
    return scope + "/" + name


def add_collection_def(meta_graph_def, key, graph=None, export_scope=None):
    """Stores collection `key` of `graph` into `meta_graph_def.collection_def`."""
    graph = graph or default_graph()
    items = [x for x in graph.get_collection(key) if _in_scope(x, export_scope)]
    if not items:
        return
    col = meta_graph_def.collection_def[key]
    try:
        if key in (GraphKeys.COND_CONTEXT, GraphKeys.WHILE_CONTEXT) and \
                not isinstance(items[0], (bytes, str)):  # (bytes: read from a meta graph)
            from scopeflow.checkpoint.cf_context_def import context_def
            protos = [context_def(x, export_scope) for x in items]
            col.bytes_list.value.extend(p.SerializeToString() for p in protos if p)
            if not col.bytes_list.value:
                del meta_graph_def.collection_def[key]
            return
        funcs = _proto_functions(key)
        if funcs:
            for x in items:
                proto = funcs[1](x, export_scope)
                if proto:
                    col.bytes_list.value.append(proto.SerializeToString())
            return
        kind = _kind(items[0])
        if kind == "node_list":
            col.node_list.value.extend(strip_name_scope(_element(x).name, export_scope)
                                       for x in items)
        elif kind == "bytes_list":
            col.bytes_list.value.extend(x.encode() if isinstance(x, str) else x for x in items)
        elif kind == "any_list":
            col.any_list.value.extend(items)
        else:
            getattr(col, kind).value.extend(items)
    except Exception as e:  # TF skips a collection it cannot serialize, as here
        _log.warning("Issue encountered when serializing: %s.\n%s", key, e)
        del meta_graph_def.collection_def[key]


def _element(x):
    return x if isinstance(x, (Tensor, Operation)) else x._as_graph_element()


def _in_scope(x, export_scope):
    """TF's _should_include_node: strings count as node names; nameless items are kept."""
    if not export_scope:
        return True
    name = x if isinstance(x, str) else getattr(x, "name", None)
    return not isinstance(name, str) or name.startswith(export_scope)


def _scoped_graph_def(graph_def, export_scope, clear_devices):
    """The nodes under `export_scope`, renamed relative to it; devices cleared if asked."""
    if not export_scope and not clear_devices:
        return graph_def
    out = type(graph_def)()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    for node in graph_def.node:
        if export_scope and not node.name.startswith(export_scope.rstrip("/") + "/"):
            continue
        n = out.node.add()
        n.CopyFrom(node)
        n.name = strip_name_scope(node.name, export_scope)
        del n.input[:]
        n.input.extend(strip_name_scope(i, export_scope) for i in node.input)
        if clear_devices:
            n.device = ""
    return out


def create_meta_graph_def(graph_def, saver_def=None, collection_list=None, graph=None,
                          export_scope=None):
    """A MetaGraphDef from a GraphDef, a SaverDef and the graph's collections."""
    graph = graph or default_graph()
    meta = meta_graph_pb2.MetaGraphDef()
    meta.meta_info_def.tensorflow_version = _VERSION
    meta.meta_info_def.tensorflow_git_version = "scopeflow"
    meta.graph_def.MergeFrom(graph_def)
    if saver_def is not None:
        meta.saver_def.MergeFrom(saver_def)
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        add_collection_def(meta, key, graph, export_scope)
    return meta


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """`tf.train.export_meta_graph`: the MetaGraphDef of `graph`, written to `filename`."""
    graph = graph or default_graph()
    if graph_def is None:
        graph_def = graph.as_graph_def(add_shapes=True)
    graph_def = _scoped_graph_def(graph_def, export_scope, clear_devices)
    if clear_extraneous_savers and saver_def is not None:
        graph_def = _without_other_savers(graph_def, saver_def)
    meta = create_meta_graph_def(graph_def, saver_def, collection_list, graph, export_scope)
    if clear_extraneous_savers:
        meta.collection_def.pop(GraphKeys.SAVERS, None)
    if meta_info_def is not None:
        meta.meta_info_def.MergeFrom(meta_info_def)
    if strip_default_attrs:
        strip_default_attributes(meta.graph_def)
        meta.meta_info_def.stripped_default_attrs = True
    if filename:
        write_graph(meta, os.path.dirname(filename), os.path.basename(filename), as_text)
    return meta


_SAVE_AND_RESTORE_OPS = ("SaveV2", "Save", "SaveSlice", "Restore", "RestoreV2", "RestoreSlice")


def _scope_of(name):
    name = name.lstrip("^")
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _without_other_savers(graph_def, saver_def):
    """Drops the ops of every Saver scope but the one `saver_def` names (TF's rule)."""
    keep = {_scope_of(saver_def.save_tensor_name.split(":")[0]) + "/",
            _scope_of(saver_def.restore_op_name) + "/"}
    saver_nodes = {n.name for n in graph_def.node if n.op in _SAVE_AND_RESTORE_OPS}
    scopes = {_scope_of(x) for x in saver_nodes} - saver_nodes
    drop = {x + "/" for x in scopes} - keep
    out = type(graph_def)()
    out.CopyFrom(graph_def)
    del out.node[:]
    for node in graph_def.node:
        if not any(node.name.startswith(d) for d in drop):
            out.node.add().CopyFrom(node)
    return out


def strip_default_attributes(graph_def):
    """Removes from each NodeDef the attrs that hold their op's default value (TF's
    `strip_default_attrs`: importers fill them back in from the op's definition)."""
    from scopeflow.summary.graph_def import _signature, attr_value
    for node in graph_def.node:
        sig = _signature(node.op)
        for name, typ, default, has_default in sig[2] if sig else ():
            if has_default and name in node.attr and attr_value(default, typ) == node.attr[name]:
                del node.attr[name]


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """`tf.train.write_graph`: writes a GraphDef (or any proto) as text or binary; the path."""
    proto = graph_or_graph_def
    if hasattr(proto, "as_graph_def"):
        proto = proto.as_graph_def()
    path = os.path.join(logdir, name)
    if logdir and not os.path.isdir(logdir):
        os.makedirs(logdir, exist_ok=True)
    data = text_format.MessageToString(proto).encode() if as_text else \
        proto.SerializeToString()
    atomic_write(path, data)
    return path


def read_meta_graph_file(filename):
    """The MetaGraphDef in `filename` (binary, or text as a fallback)."""
    if not os.path.exists(filename):
        raise OSError("File does not exist. Received: %s." % filename)
    with open(filename, "rb") as f:
        data = f.read()
    meta = meta_graph_pb2.MetaGraphDef()
    try:
        meta.ParseFromString(data)
        return meta
    except DecodeError:
        meta = meta_graph_pb2.MetaGraphDef()  # not binary: try the text format
    try:
        text_format.Merge(data.decode("utf-8"), meta)
    except text_format.ParseError as e:
        raise OSError("Cannot parse file %s: %s." % (filename, str(e))) from None
    return meta
