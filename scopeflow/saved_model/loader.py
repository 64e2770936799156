"""`tf.saved_model.loader.load`: a TF1 SavedModel into a Session (graph, variables, main op).

>>> # with tf.Session(graph=tf.Graph()) as sess:
>>> #     meta = load(sess, ["serve"], "/tmp/m"); sig = meta.signature_def["serving_default"]
"""

import logging
import os

from google.protobuf import text_format
from google.protobuf.message import DecodeError
from tensorboard.compat.proto import meta_graph_pb2

from scopeflow.checkpoint.meta_import import _import_with_returns
from scopeflow.checkpoint.saveables import all_saveable_objects
from scopeflow.checkpoint.saver import Saver
from scopeflow.saved_model import constants as C
from scopeflow.saved_model.protos import SavedModel
from scopeflow.saved_model.signature_def_utils import load_op_from_signature_def

__all__ = ["SavedModelLoader", "contains_saved_model", "load", "maybe_saved_model_directory",
           "parse_saved_model"]

_log = logging.getLogger("tensorflow")


def _as_str(x):
    x = os.fspath(x)
    return x.decode() if isinstance(x, bytes) else x


def parse_saved_model(export_dir):
    """The SavedModel proto in `export_dir` (`saved_model.pb`, else `saved_model.pbtxt`)."""
    export_dir = _as_str(export_dir)
    pb = os.path.join(export_dir, C.SAVED_MODEL_FILENAME_PB)
    pbtxt = os.path.join(export_dir, C.SAVED_MODEL_FILENAME_PBTXT)
    saved = SavedModel()
    if os.path.exists(pb):
        with open(pb, "rb") as f:
            data = f.read()
        try:
            saved.ParseFromString(data)
        except DecodeError as e:
            raise OSError("Cannot parse file %s: %s." % (pb, e)) from e
    elif os.path.exists(pbtxt):
        with open(pbtxt, "rb") as f:
            data = f.read()
        try:
            text_format.Parse(data.decode("utf-8"), saved)
        except text_format.ParseError as e:
            raise OSError("Cannot parse file %s: %s." % (pbtxt, e)) from e
    else:
        raise OSError("SavedModel file does not exist at: %s%s{%s|%s}"
                      % (export_dir, os.path.sep, C.SAVED_MODEL_FILENAME_PBTXT,
                         C.SAVED_MODEL_FILENAME_PB))
    return saved


def maybe_saved_model_directory(export_dir):
    """Whether `export_dir` holds a `saved_model.pb` or `saved_model.pbtxt`."""
    export_dir = _as_str(export_dir)
    return any(os.path.exists(os.path.join(export_dir, name))
               for name in (C.SAVED_MODEL_FILENAME_PBTXT, C.SAVED_MODEL_FILENAME_PB,
                            "saved_model.cpb"))


contains_saved_model = maybe_saved_model_directory


def get_asset_tensors(export_dir, meta_graph_def, import_scope=None):
    """{asset tensor name: path under `export_dir/assets`}: what a load feeds the init op."""
    protos = list(meta_graph_def.asset_file_def)
    if not protos and C.ASSETS_KEY in meta_graph_def.collection_def:
        for packed in meta_graph_def.collection_def[C.ASSETS_KEY].any_list.value:
            protos.append(meta_graph_pb2.AssetFileDef.FromString(packed.value))
    assets_dir = os.path.join(_as_str(export_dir).encode(), C.ASSETS_DIRECTORY.encode())
    out = {}
    for proto in protos:
        name = proto.tensor_info.name
        if import_scope:
            name = "%s/%s" % (import_scope, name)
        out[name] = os.path.join(assets_dir, proto.filename.encode())
    return out


def _op_from_collection(graph, meta_graph_def, key):
    if key not in meta_graph_def.collection_def:
        return None
    listed = meta_graph_def.collection_def[key].node_list.value
    if len(listed) != 1:
        raise RuntimeError("Expected exactly one SavedModel init op. Found %d: %s."
                           % (len(listed), listed))
    return graph.get_collection(key)[0]


def get_init_op(graph, meta_graph_def, import_scope=None):
    """The op a load runs after restoring: the init signature's, else the main op's."""
    if C.INIT_OP_SIGNATURE_KEY in meta_graph_def.signature_def:
        op = load_op_from_signature_def(meta_graph_def.signature_def[C.INIT_OP_SIGNATURE_KEY],
                                        C.INIT_OP_SIGNATURE_KEY, import_scope)
        if op is not None:
            return op
    return (_op_from_collection(graph, meta_graph_def, C.MAIN_OP_KEY)
            or _op_from_collection(graph, meta_graph_def, C.LEGACY_INIT_OP_KEY))


class SavedModelLoader:
    """Loads graphs and restores variable values from a SavedModel."""

    def __init__(self, export_dir):
        self._export_dir = export_dir
        self._variables_path = os.path.join(_as_str(export_dir), C.VARIABLES_DIRECTORY,
                                            C.VARIABLES_FILENAME)
        self._saved_model = parse_saved_model(export_dir)

    export_dir = property(lambda self: self._export_dir)
    variables_path = property(lambda self: self._variables_path)
    saved_model = property(lambda self: self._saved_model)

    def get_meta_graph_def_from_tags(self, tags):
        """The MetaGraphDef whose tag set equals `tags`; TF's RuntimeError when none does."""
        available = []
        for meta in self._saved_model.meta_graphs:
            available.append(set(meta.meta_info_def.tags))
            if set(meta.meta_info_def.tags) == set(tags):
                return meta
        raise RuntimeError(
            "MetaGraphDef associated with tags %s could not be found in SavedModel, with "
            "available tags '%s'. To inspect available tag-sets in the SavedModel, please use "
            "the SavedModel CLI: `saved_model_cli`." % (str(tags).strip("[]"), available))

    def load_graph(self, graph, tags, import_scope=None, **saver_kwargs):
        """Imports the tagged meta graph into `graph`: (its Saver, return elements)."""
        meta = self.get_meta_graph_def_from_tags(tags)
        with graph.as_default():
            return _import_with_returns(meta, import_scope=import_scope, **saver_kwargs)

    def restore_variables(self, sess, saver, import_scope=None):
        """Restores `variables/variables` into `sess` through `saver`."""
        with sess.graph.as_default():
            if saver is None and not all_saveable_objects(sess.graph, import_scope):
                _log.info("The specified SavedModel has no variables; no checkpoints were "
                          "restored.")
            elif isinstance(saver, Saver):
                saver.restore(sess, self._variables_path)
            else:
                raise ValueError(
                    "No tf.train.Saver object was passed to the function "
                    "`SavedModelLoader.restore_variables`. Since there are variables in the "
                    "graph, a saver is required.")

    def run_init_ops(self, sess, tags, import_scope=None):
        """Runs the main op (or init op), feeding the asset tensors their paths."""
        meta = self.get_meta_graph_def_from_tags(tags)
        with sess.graph.as_default():
            assets = get_asset_tensors(self._export_dir, meta, import_scope)
            init_op = get_init_op(sess.graph, meta, import_scope)
            if init_op is not None:
                sess.run(fetches=[init_op], feed_dict=assets)

    def load(self, sess, tags, import_scope=None, **saver_kwargs):
        """Imports the graph, restores the variables, runs the init op; the MetaGraphDef."""
        with sess.graph.as_default():
            saver, _ = self.load_graph(sess.graph, tags, import_scope, **saver_kwargs)
            self.restore_variables(sess, saver, import_scope)
            self.run_init_ops(sess, tags, import_scope)
        return self.get_meta_graph_def_from_tags(tags)


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """`tf.saved_model.loader.load`: loads the meta graph tagged `tags` into `sess`."""
    return SavedModelLoader(export_dir).load(sess, tags, import_scope, **saver_kwargs)
