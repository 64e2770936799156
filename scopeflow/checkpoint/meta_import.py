"""`tf.train.import_meta_graph`: a `.meta` file back into the graph, collections and a Saver.

>>> # saver = import_meta_graph("/tmp/model-7.meta"); saver.restore(sess, "/tmp/model-7")
"""

import logging

from tensorboard.compat.proto import meta_graph_pb2

from scopeflow.checkpoint.importer import import_graph_def
from scopeflow.checkpoint.meta_graph import (
    _VARIABLE_KEYS,
    _proto_functions,
    prepend_name_scope,
    read_meta_graph_file,
    strip_name_scope,
)
from scopeflow.checkpoint.saveables import all_saveable_objects
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys

_log = logging.getLogger("tensorflow")


def _clear_devices(graph_def):
    out = type(graph_def)()
    out.CopyFrom(graph_def)
    for node in out.node:
        node.device = ""
    return out


def _restore_collection(graph, key, col, scope, variables):
    """Adds the items of one CollectionDef to `graph`'s collection `key`."""
    kind = col.WhichOneof("kind")
    if kind is None:
        _log.warning("Cannot identify data type for collection %s. Skipping.", key)
        return
    funcs = _proto_functions(key)
    if funcs and kind == "bytes_list":
        proto_type, _, from_proto = funcs
        for value in col.bytes_list.value:
            if key in _VARIABLE_KEYS and value in variables:
                graph.add_to_collection(key, variables[value])
                continue
            proto = proto_type()
            proto.ParseFromString(value)
            item = from_proto(proto, scope)
            if key in _VARIABLE_KEYS:
                variables[value] = item
            graph.add_to_collection(key, item)
        return
    field = getattr(col, kind)
    if kind == "node_list":
        for value in field.value:
            graph.add_to_collection(key, graph.as_graph_element(
                prepend_name_scope(value, scope)))
    elif kind == "any_list":  # Any protos (SavedModel assets) come back as they are
        for value in field.value:
            graph.add_to_collection(key, value)
    elif kind == "int64_list":
        for value in field.value:
            graph.add_to_collection(key, int(value))
    else:  # TF treats strings (and, harmlessly, floats) as names under the import scope
        for value in field.value:
            graph.add_to_collection(key, prepend_name_scope(value, scope))


def import_scoped_meta_graph_with_return_elements(meta_graph_or_file, clear_devices=False,
                                                  graph=None, import_scope=None,
                                                  input_map=None, return_elements=None):
    """Imports a MetaGraphDef; ({var name without scope: Variable}, return elements)."""
    meta = meta_graph_or_file
    if not isinstance(meta, meta_graph_pb2.MetaGraphDef):
        meta = read_meta_graph_file(meta_graph_or_file)
    graph = graph or default_graph()
    graph_def = _clear_devices(meta.graph_def) if clear_devices else meta.graph_def
    with graph.as_default():
        returned = import_graph_def(graph_def, input_map=input_map,
                                    return_elements=return_elements,
                                    name=import_scope or "")
        scope = import_scope or ""
        variables = {}
        for key in sorted(meta.collection_def):
            _restore_collection(graph, key, meta.collection_def[key], scope, variables)
    imported = {}
    for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=scope or None):
        imported[strip_name_scope(v.name, scope)] = v
    return imported, returned


def import_scoped_meta_graph(meta_graph_or_file, clear_devices=False, graph=None,
                             import_scope=None, input_map=None):
    return import_scoped_meta_graph_with_return_elements(
        meta_graph_or_file, clear_devices, graph, import_scope, input_map)[0]


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Imports a MetaGraphDef; returns the Saver built from its SaverDef (or None)."""
    return _import_with_returns(meta_graph_or_file, clear_devices, import_scope, **kwargs)[0]


def _import_with_returns(meta_graph_or_file, clear_devices=False, import_scope=None,
                         return_elements=None, **kwargs):
    meta = meta_graph_or_file
    if not isinstance(meta, meta_graph_pb2.MetaGraphDef):
        meta = read_meta_graph_file(meta_graph_or_file)
    imported, returned = import_scoped_meta_graph_with_return_elements(
        meta, clear_devices, import_scope=import_scope, return_elements=return_elements,
        **kwargs)
    return _saver_for(meta, import_scope, imported), returned


def _saver_for(meta, import_scope, imported):
    from scopeflow.checkpoint.saver import Saver
    if meta.HasField("saver_def"):
        scope = import_scope
        if imported:
            key = next(iter(imported))
            scope = imported[key].name[:-len(key)]
        return Saver(saver_def=meta.saver_def, name=scope)
    if all_saveable_objects(default_graph(), import_scope):
        return Saver()
    _log.info("Saver not created because there are no variables in the graph to restore")
    return None
