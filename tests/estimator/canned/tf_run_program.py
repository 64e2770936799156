"""Runs a TF 1 program (argv[1], its arguments after) under real TF with tensorflow_estimator
patched in as tf.compat.v1.estimator (TF 2.21 no longer ships it): the TF side of an
end-to-end estimator program."""

import os
import runpy
import sys
import warnings

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_USE_LEGACY_KERAS"] = "1"
warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_v2_behavior()
tf.get_logger().setLevel("ERROR")
from tf_estimator_shim import E  # noqa: E402

tf.estimator = E
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
