"""The head of the TF side's script in the estimator oracle tests: quiet TF 1 mode, the
tests' directories on sys.path (`%(here)r`: tests/estimator), E = tensorflow_estimator's
tf.compat.v1.estimator (or a {"skip": ...} line where it is missing), the program exec'd."""

TF_SCRIPT_HEAD = r"""
import json, os, sys, warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_USE_LEGACY_KERAS"] = "1"
warnings.filterwarnings("ignore")
import logging
logging.disable(logging.WARNING)
sys.path.insert(0, %(here)r)
sys.path.insert(0, os.path.dirname(%(here)r))
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
tf.get_logger().setLevel("ERROR")
try:
    from tf_estimator_shim import E
except ImportError as e:
    print(json.dumps({"skip": str(e)}))
    sys.exit(0)
from oracle import to_json
exec(%(program)r)
"""


def tf_results(script, params, tmp_path_factory):
    """The JSON the TF script `script % params` prints last (the test skipped where
    tensorflow_estimator is missing), and scopeflow's tf.compat.v1 for the other side."""
    import json

    import pytest
    from oracle import run_tf_script
    out = run_tf_script(script % params, tmp_path_factory.mktemp("tf"))
    there = json.loads(out.strip().splitlines()[-1])
    if "skip" in there:
        pytest.skip("tensorflow_estimator is not installed: %s" % there["skip"])
    import scopeflow.compat.v1 as tf
    return there, tf
