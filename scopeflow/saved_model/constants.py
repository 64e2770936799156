"""SavedModel constants as TF1 names them: file layout, collection keys, tags, signatures.

>>> SAVED_MODEL_FILENAME_PB, SERVING, PREDICT_METHOD_NAME
('saved_model.pb', 'serve', 'tensorflow/serving/predict')
"""

import types

# ---- file layout and collection keys (tf.saved_model.constants) ------------------------------
ASSETS_DIRECTORY = "assets"
ASSETS_KEY = "saved_model_assets"
DEBUG_DIRECTORY = "debug"
DEBUG_INFO_FILENAME_PB = "saved_model_debug_info.pb"
LEGACY_INIT_OP_KEY = "legacy_init_op"
MAIN_OP_KEY = "saved_model_main_op"
TRAIN_OP_KEY = "saved_model_train_op"
INIT_OP_SIGNATURE_KEY = "__saved_model_init_op"
TRAIN_OP_SIGNATURE_KEY = "__saved_model_train_op"
SAVED_MODEL_FILENAME_PB = "saved_model.pb"
SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt"
SAVED_MODEL_SCHEMA_VERSION = 1
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"

# ---- tags (tf.saved_model.tag_constants) -----------------------------------------------------
SERVING = "serve"
TRAINING = "train"
GPU = "gpu"
TPU = "tpu"

# ---- signatures (tf.saved_model.signature_constants) -----------------------------------------
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
CLASSIFY_INPUTS = "inputs"
CLASSIFY_METHOD_NAME = "tensorflow/serving/classify"
CLASSIFY_OUTPUT_CLASSES = "classes"
CLASSIFY_OUTPUT_SCORES = "scores"
PREDICT_INPUTS = "inputs"
PREDICT_METHOD_NAME = "tensorflow/serving/predict"
PREDICT_OUTPUTS = "outputs"
REGRESS_INPUTS = "inputs"
REGRESS_METHOD_NAME = "tensorflow/serving/regress"
REGRESS_OUTPUTS = "outputs"
SUPERVISED_TRAIN_METHOD_NAME = "tensorflow/supervised/training"
SUPERVISED_EVAL_METHOD_NAME = "tensorflow/supervised/eval"

_CONSTANTS = ["ASSETS_DIRECTORY", "ASSETS_KEY", "DEBUG_DIRECTORY", "DEBUG_INFO_FILENAME_PB",
              "LEGACY_INIT_OP_KEY", "MAIN_OP_KEY", "SAVED_MODEL_FILENAME_PB",
              "SAVED_MODEL_FILENAME_PBTXT", "SAVED_MODEL_SCHEMA_VERSION", "VARIABLES_DIRECTORY",
              "VARIABLES_FILENAME"]
_TAGS = ["GPU", "SERVING", "TPU", "TRAINING"]
_SIGNATURES = ["CLASSIFY_INPUTS", "CLASSIFY_METHOD_NAME", "CLASSIFY_OUTPUT_CLASSES",
               "CLASSIFY_OUTPUT_SCORES", "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "PREDICT_INPUTS",
               "PREDICT_METHOD_NAME", "PREDICT_OUTPUTS", "REGRESS_INPUTS", "REGRESS_METHOD_NAME",
               "REGRESS_OUTPUTS"]


def _namespace(name, doc, names):
    mod = types.ModuleType(name, doc)
    for n in names:
        setattr(mod, n, globals()[n])
    mod.__all__ = list(names)
    return mod


constants = _namespace("scopeflow.saved_model.constants",
                       "`tf.saved_model.constants`: file names and collection keys.", _CONSTANTS)
tag_constants = _namespace("scopeflow.saved_model.tag_constants",
                           "`tf.saved_model.tag_constants`: meta graph tags.", _TAGS)
signature_constants = _namespace("scopeflow.saved_model.signature_constants",
                                 "`tf.saved_model.signature_constants`: signature keys and "
                                 "method names.", _SIGNATURES)

__all__ = [*_CONSTANTS, *_TAGS, *_SIGNATURES, "constants", "signature_constants",  # noqa: PLE0604
           "tag_constants"]
