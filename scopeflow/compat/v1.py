"""`import scopeflow.compat.v1 as tf`: the TF1 namespace, gathered from scopeflow.api."""

from scopeflow.api._core import *  # noqa: F401,F403
from scopeflow.api._ops import *  # noqa: F401,F403
from scopeflow.api._array import *  # noqa: F401,F403
from scopeflow.api import strings  # noqa: F401
from scopeflow.api._compat import *  # noqa: F401,F403
from scopeflow.api._math import *  # noqa: F401,F403
from scopeflow.api import bitwise, linalg, manip, math, nn  # noqa: F401
from scopeflow import errors  # noqa: F401
from scopeflow.api._variables import *  # noqa: F401,F403
from scopeflow.api import distributions, initializers, random  # noqa: F401
from scopeflow.api._raw_ops import raw_ops  # noqa: F401
from scopeflow.api._session import *  # noqa: F401,F403
from scopeflow.api import summary  # noqa: F401
from scopeflow.api import gfile, image, io, python_io, ragged, sparse  # noqa: F401
from scopeflow.ragged.ragged_tensor import RaggedTensor  # noqa: F401
from scopeflow.ragged.ragged_spec import RaggedTensorSpec  # noqa: F401
from scopeflow.api._parsing import *  # noqa: F401,F403
from scopeflow.api._protos import *  # noqa: F401,F403
from scopeflow.api._checkpoint import *  # noqa: F401,F403
from scopeflow.api._train import *  # noqa: F401,F403
from scopeflow.api import debugging  # noqa: F401
from scopeflow.api._checks import *  # noqa: F401,F403
from scopeflow.api import losses  # noqa: F401
from scopeflow.api import metrics  # noqa: F401
from scopeflow.api import estimator  # noqa: F401
from scopeflow.api import lookup  # noqa: F401
from scopeflow.api import feature_column  # noqa: F401
from scopeflow.api import layers  # noqa: F401
from scopeflow import contrib  # noqa: F401
from scopeflow import compat  # noqa: F401,E402  (tf.compat.v1.compat.as_bytes, ...)
from scopeflow.api import data, nest  # noqa: F401
from scopeflow.api import graph_util, saved_model, test  # noqa: F401
from scopeflow.api._script import *  # noqa: F401,F403
from scopeflow import keras  # noqa: F401,E402  (tf.keras: TF1 graph-mode Keras)
from scopeflow.api import sets, signal, spectral  # noqa: F401,E402
from scopeflow.api import quantization  # noqa: F401,E402
from scopeflow.api.quantization import *  # noqa: F401,F403,E402
from scopeflow.ops.quantize import quantize_v2  # noqa: F401,E402
from scopeflow.api.spectral import fft, fft2d, fft3d, ifft, ifft2d, ifft3d  # noqa: F401,E402
from scopeflow.api import autograph, config, experimental, sysconfig, version  # noqa: F401,E402
from scopeflow.api import profiler  # noqa: F401,E402
from scopeflow.api.sysconfig import CXX11_ABI_FLAG, MONOLITHIC_BUILD  # noqa: F401,E402
from scopeflow.api.version import (GRAPH_DEF_VERSION, GRAPH_DEF_VERSION_MIN_CONSUMER,  # noqa: F401,E402,E501
                                   GRAPH_DEF_VERSION_MIN_PRODUCER)
