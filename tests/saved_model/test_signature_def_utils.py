"""SignatureDefs (predict, classify, regress, build, is_valid) and their errors, against TF."""

import re

import pytest
from oracle import explain, run_here

_CLASS = re.compile(r"<class '[^']*'>")  # the Tensor classes are named differently

_INPUTS = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
ex = tf.placeholder(tf.string, [None], name="ex")
cls = tf.constant(["a", "b"], name="cls")
sc = tf.constant([0.5, 0.25], name="sc")
i = tf.constant([1, 2], name="i")
u = tf.saved_model.signature_def_utils
"""

CASES = [
    "result = str(u.predict_signature_def({'a': x, 'b': ex}, {'o': sc}))",
    "result = str(u.classification_signature_def(ex, cls, sc))",
    "result = str(u.classification_signature_def(ex, None, sc))",
    "result = str(u.regression_signature_def(ex, sc))",
    "result = str(u.build_signature_def({'k': tf.saved_model.utils.build_tensor_info(x)}, None,"
    " 'm', defaults={'k': sc}))",
    "result = [u.is_valid_signature(s) for s in (\n"
    "  u.predict_signature_def({'a': x}, {'o': sc}), u.classification_signature_def(ex, cls, sc),\n"
    "  u.regression_signature_def(ex, sc), u.build_signature_def({}, {}, 'm'), None,\n"
    "  u.build_signature_def({'inputs': tf.saved_model.utils.build_tensor_info(x)},\n"
    "                        {'outputs': tf.saved_model.utils.build_tensor_info(sc)},\n"
    "                        tf.saved_model.REGRESS_METHOD_NAME))]",
    "u.predict_signature_def({}, {'o': sc})",
    "u.predict_signature_def({'a': x}, None)",
    "u.regression_signature_def(None, sc)",
    "u.regression_signature_def([1], sc)",
    "u.regression_signature_def(ex, None)",
    "u.regression_signature_def(x, sc)",
    "u.regression_signature_def(ex, i)",
    "u.classification_signature_def(None, cls, sc)",
    "u.classification_signature_def(ex, None, None)",
    "u.classification_signature_def(x, cls, sc)",
    "u.classification_signature_def(ex, sc, sc)",
    "u.classification_signature_def(ex, cls, i)",
    "u.build_signature_def({}, {}, 'm', defaults={'k': x})",
    "result = [tf.saved_model.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY,\n"
    "  tf.saved_model.tag_constants.SERVING, tf.saved_model.tag_constants.TRAINING,\n"
    "  tf.saved_model.constants.ASSETS_KEY, tf.saved_model.constants.MAIN_OP_KEY,\n"
    "  tf.saved_model.LEGACY_INIT_OP_KEY,\n"
    "  tf.saved_model.signature_constants.CLASSIFY_OUTPUT_CLASSES,\n"
    "  sorted(n for n in dir(tf.saved_model.signature_def_utils) if not n.startswith('_')"
    " and n != 'MethodNameUpdater')]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_signatures_match_tf(oracle, code):
    here, there = run_here(_INPUTS + code), oracle(_INPUTS + code)
    if "raises" in there:
        assert (here.get("raises"), _CLASS.sub("C", here.get("msg", ""))) == \
            (there["raises"], _CLASS.sub("C", there["msg"])), explain(code, here, there)
    else:
        assert here == there, explain(code, here, there)
