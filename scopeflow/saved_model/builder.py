"""`tf.saved_model.builder.SavedModelBuilder` and `simple_save`: TF1 SavedModels.

Layout (TF Serving's): `saved_model.pb` (a SavedModel proto of tagged MetaGraphDefs),
`variables/variables.{index,data-00000-of-00001}` (a checkpoint of the first meta graph's
Session) and `assets/` (copies of the files named by the assets collection). Files are
written atomically, with the process umask.

>>> # b = SavedModelBuilder("/tmp/m"); b.add_meta_graph_and_variables(sess, ["serve"]); b.save()
"""

import logging
import os

import numpy as np
from google.protobuf import any_pb2, text_format
from tensorboard.compat.proto import meta_graph_pb2, saver_pb2, types_pb2

from scopeflow.checkpoint.bundle import atomic_write
from scopeflow.checkpoint.saveables import all_saveable_objects
from scopeflow.checkpoint.saver import Saver
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.tensor import Operation, Tensor
from scopeflow.saved_model import constants as C
from scopeflow.saved_model.protos import SavedModel
from scopeflow.saved_model.signature_def_utils import predict_signature_def

__all__ = ["SavedModelBuilder", "simple_save"]

_log = logging.getLogger("tensorflow")
# TF's loader unpacks assets by the message's TF name; tensorboard's copy is `tensorboard.*`
ASSET_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef"


def _as_str(x):
    return x.decode() if isinstance(x, bytes) else str(x)


class SavedModelBuilder:
    """Builds a SavedModel: the first meta graph with its variables, then more meta graphs.

    >>> # b = SavedModelBuilder(path); b.add_meta_graph_and_variables(sess, ["serve"],
    >>> #     signature_def_map={"serving_default": sig}); b.save()
    """

    def __init__(self, export_dir):
        self._saved_model = SavedModel(saved_model_schema_version=C.SAVED_MODEL_SCHEMA_VERSION)
        self._export_dir = _as_str(export_dir)
        if os.path.exists(self._export_dir):
            if os.listdir(self._export_dir):
                raise AssertionError(
                    "Export directory %s already exists, and isn't empty. Please choose a "
                    "different export directory, or delete all the contents of the specified "
                    "directory." % export_dir)
        else:
            os.makedirs(self._export_dir)
        self._has_saved_variables = False
        self._saved_asset_files = set()

    # ---- checks -----------------------------------------------------------------------------
    def _validate_tensor_info(self, info):
        if info is None:
            raise AssertionError("All TensorInfo protos used in the SignatureDefs must have the "
                                 "name and dtype fields set.")
        encoding = info.WhichOneof("encoding")
        if encoding is None:
            raise AssertionError(
                "Invalid `tensor_info`: %s. All TensorInfo protos used in the SignatureDefs "
                "must have one of the 'encoding' fields (e.g., name or coo_sparse) set." % info)
        if encoding == "composite_tensor":
            for component in info.composite_tensor.components:
                self._validate_tensor_info(component)
        elif info.dtype == types_pb2.DT_INVALID:
            raise AssertionError(
                "Invalid `tensor_info`: %s. All TensorInfo protos used in the SignatureDefs "
                "must have the dtype field set." % info)

    def _validate_signature_def_map(self, signature_def_map):
        for sig in signature_def_map.values():
            for info in list(sig.inputs.values()) + list(sig.outputs.values()):
                self._validate_tensor_info(info)
        for key, what in ((C.INIT_OP_SIGNATURE_KEY, "initialization"),
                          (C.TRAIN_OP_SIGNATURE_KEY, "the train op")):
            if key in signature_def_map:
                raise KeyError('SignatureDef map key "%s" is reserved for %s. Please use a '
                               "different key." % (key, what))

    # ---- collections ------------------------------------------------------------------------
    def _add_collections(self, assets_collection, main_op):
        self._save_and_write_assets(assets_collection)
        self._maybe_add_main_op(main_op)

    def _save_and_write_assets(self, assets):
        filename_map = _maybe_save_assets(assets)
        if not filename_map:
            _log.info("No assets to write.")
            return
        _copy_assets(filename_map, self._export_dir, self._saved_asset_files)

    @staticmethod
    def _maybe_add_main_op(main_op):
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError("Expected %s to be an Operation but got type %s instead."
                            % (main_op, type(main_op)))
        graph = default_graph()
        for key in (C.MAIN_OP_KEY, C.LEGACY_INIT_OP_KEY):
            if graph.get_collection(key):
                raise ValueError("Graph already contains one or more main ops under the "
                                 "collection %s." % key)
        graph.add_to_collection(C.MAIN_OP_KEY, main_op)

    @staticmethod
    def _maybe_create_saver(saver=None):
        if saver:
            return saver
        return Saver(all_saveable_objects(default_graph()), sharded=True,
                     write_version=saver_pb2.SaverDef.V2, allow_empty=True)

    def _tag_and_add_meta_graph(self, meta_graph_def, tags, signature_def_map):
        meta_graph_def.meta_info_def.tags.extend(tags)
        for key, sig in (signature_def_map or {}).items():
            meta_graph_def.signature_def[key].CopyFrom(sig)
        self._saved_model.meta_graphs.add().CopyFrom(meta_graph_def)

    # ---- public -----------------------------------------------------------------------------
    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None,
                       legacy_init_op=None, clear_devices=False, main_op=None,
                       strip_default_attrs=False, saver=None):
        """Adds the default graph as another meta graph (its variables were saved already)."""
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been "
                                 "saved yet. Please invoke `add_meta_graph_and_variables()` "
                                 "first.")
        signature_def_map = signature_def_map or {}
        self._validate_signature_def_map(signature_def_map)
        main_op = main_op if main_op is not None else legacy_init_op
        self._add_collections(assets_collection, main_op)
        saver = self._maybe_create_saver(saver)
        meta = saver.export_meta_graph(clear_devices=clear_devices,
                                       strip_default_attrs=strip_default_attrs)
        self._tag_and_add_meta_graph(meta, tags, signature_def_map)

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None,
                                     assets_collection=None, legacy_init_op=None,
                                     clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None):
        """Adds the session's graph as the first meta graph and saves its variables."""
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already been "
                                 "saved. Please invoke `add_meta_graph()` instead.")
        signature_def_map = signature_def_map or {}
        self._validate_signature_def_map(signature_def_map)
        main_op = main_op or legacy_init_op
        self._add_collections(assets_collection, main_op)
        variables_dir = os.path.join(self._export_dir, C.VARIABLES_DIRECTORY)
        os.makedirs(variables_dir, exist_ok=True)
        saver = self._maybe_create_saver(saver)
        saver.save(sess, os.path.join(variables_dir, C.VARIABLES_FILENAME),
                   write_meta_graph=False, write_state=False)
        meta = saver.export_meta_graph(clear_devices=clear_devices,
                                       strip_default_attrs=strip_default_attrs)
        self._tag_and_add_meta_graph(meta, tags, signature_def_map)
        self._has_saved_variables = True

    def save(self, as_text=False):
        """Writes `saved_model.pb` (or `.pbtxt` with `as_text`); returns its path as bytes."""
        os.makedirs(self._export_dir, exist_ok=True)
        if as_text:
            path = os.path.join(self._export_dir, C.SAVED_MODEL_FILENAME_PBTXT)
            data = text_format.MessageToString(self._saved_model).encode()
        else:
            path = os.path.join(self._export_dir, C.SAVED_MODEL_FILENAME_PB)
            data = self._saved_model.SerializeToString(deterministic=True)
        atomic_write(path, data)
        _log.info("SavedModel written to: %s", path)
        return path.encode()


def _asset_path(tensor):
    """The file path a scalar string constant holds (TF's rules for asset tensors)."""
    if not isinstance(tensor, Tensor):
        raise TypeError("Asset path tensor %s must be a Tensor." % tensor)
    if tensor.op.type != "Const":
        raise TypeError("Asset path tensor %s must be of type constant.Has type %s instead."
                        % (tensor, tensor.op.type))
    if tensor.dtype.base_dtype.name != "string":
        raise TypeError("Asset path tensor %s` must be of dtype string.Has type %s instead."
                        % (tensor, tensor.dtype))
    values = np.asarray(tensor.op._get_attr("value"), dtype=object).reshape(-1)
    if len(values) != 1:
        raise TypeError("Asset path tensor %s must be a scalar." % tensor)
    return values[0] if isinstance(values[0], bytes) else str(values[0]).encode()


def _maybe_save_assets(assets):
    """{asset file name: source path} for the asset tensors, each recorded in the graph's
    `saved_model_assets` collection as an AssetFileDef in an Any."""
    filename_map = {}
    if assets is None:
        return filename_map
    for tensor in assets:
        source = _asset_path(tensor)
        if not source:
            raise ValueError("Asset filepath tensor %s in is invalid." % tensor)
        name = _asset_filename(source, filename_map)
        proto = meta_graph_pb2.AssetFileDef(filename=name.decode())
        proto.tensor_info.name = tensor.name
        default_graph().add_to_collection(C.ASSETS_KEY, any_pb2.Any(
            type_url=ASSET_TYPE_URL, value=proto.SerializeToString()))
        filename_map[name] = source
    return filename_map


def _same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def _asset_filename(source, filename_map):
    """The asset's base name, suffixed `_1`, `_2`... when another file has taken it."""
    name = os.path.basename(source)
    other = filename_map.get(name)
    if other is None or other == source or _same_file(source, other):
        return name
    i, unique = 1, name
    while unique in filename_map:
        unique = b"_".join([name, str(i).encode()])
        i += 1
    return unique


def _copy_assets(filename_map, export_dir, saved_files):
    assets_dir = os.path.join(export_dir.encode(), C.ASSETS_DIRECTORY.encode())
    os.makedirs(assets_dir, exist_ok=True)
    for name, source in filename_map.items():
        dest = os.path.join(assets_dir, name)
        if os.path.exists(source) and source != dest and dest not in saved_files:
            with open(source, "rb") as f:
                atomic_write(dest.decode(), f.read())
            saved_files.add(dest)
    _log.info("Assets written to: %s", assets_dir.decode())


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """A serving SavedModel in one call: one predict signature, tag `serve`, devices cleared."""
    sigs = {C.DEFAULT_SERVING_SIGNATURE_DEF_KEY: predict_signature_def(inputs, outputs)}
    b = SavedModelBuilder(export_dir)
    b.add_meta_graph_and_variables(
        session, tags=[C.SERVING], signature_def_map=sigs,
        assets_collection=default_graph().get_collection(GraphKeys.ASSET_FILEPATHS),
        main_op=legacy_init_op, clear_devices=True)
    b.save()
