"""`tf.saved_model` (TF1 forms): builder, loader, signature_def_utils, utils, the constants.

TF2's object-based `tf.saved_model.save` / `load_v2` are not provided.
"""

import types as _types

from scopeflow.saved_model import builder as _builder
from scopeflow.saved_model import constants as _c
from scopeflow.saved_model import loader as _loader
from scopeflow.saved_model import main_op as _main_op
from scopeflow.saved_model import signature_def_utils as _sigs
from scopeflow.saved_model import utils as _utils
from scopeflow.saved_model.builder import SavedModelBuilder, simple_save
from scopeflow.saved_model.constants import *  # noqa: F401,F403
from scopeflow.saved_model.constants import constants, signature_constants, tag_constants
from scopeflow.saved_model.loader import contains_saved_model, load, maybe_saved_model_directory
from scopeflow.saved_model.main_op import main_op_with_restore
from scopeflow.saved_model.signature_def_utils import (
    build_signature_def,
    classification_signature_def,
    is_valid_signature,
    predict_signature_def,
    regression_signature_def,
)
from scopeflow.saved_model.utils import build_tensor_info, get_tensor_from_tensor_info

Builder = SavedModelBuilder


def _namespace(name, doc, **names):
    mod = _types.ModuleType("scopeflow.saved_model." + name, doc)
    mod.__dict__.update(names)
    mod.__all__ = sorted(names)
    return mod


builder = _namespace("builder", "`tf.saved_model.builder`.", SavedModelBuilder=SavedModelBuilder)
loader = _namespace("loader", "`tf.saved_model.loader`.", load=load,
                    maybe_saved_model_directory=maybe_saved_model_directory)
main_op = _namespace("main_op", "`tf.saved_model.main_op`.", main_op=_main_op.main_op,
                     main_op_with_restore=main_op_with_restore)
signature_def_utils = _namespace(
    "signature_def_utils", "`tf.saved_model.signature_def_utils`.",
    **{n: getattr(_sigs, n) for n in _sigs.__all__})
utils = _namespace("utils", "`tf.saved_model.utils`.",
                   **{n: getattr(_utils, n) for n in _utils.__all__})


def _not_provided(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            "tf.saved_model.%s (TF2's object-based SavedModel) is not provided by scopeflow; "
            "use tf.saved_model.simple_save or tf.saved_model.builder.SavedModelBuilder." % name)
    fn.__name__ = name
    return fn


save = _not_provided("save")
load_v2 = _not_provided("load_v2")

__all__ = (list(_c._CONSTANTS) + list(_c._TAGS) + list(_c._SIGNATURES) + [
    "Builder", "build_signature_def", "build_tensor_info", "builder",
    "classification_signature_def", "constants", "contains_saved_model",
    "get_tensor_from_tensor_info", "is_valid_signature", "load", "load_v2", "loader", "main_op",
    "main_op_with_restore", "maybe_saved_model_directory", "predict_signature_def",
    "regression_signature_def", "save", "signature_constants", "signature_def_utils",
    "simple_save", "tag_constants", "utils"])
del _builder, _loader
