"""Makes tensorflow_estimator 2.15 (the last release; TF 2.16+ no longer ships
tf.estimator) importable under TF 2.21 for the oracle tests: the modules it imports that
TF 2.21 removed are stubbed (distribute coordinator, TPU embedding), and tf_export learns
the `estimator` API name. `from tf_estimator_shim import E` gives tf.compat.v1.estimator."""

import importlib
import re
import sys
import types

from tensorflow.python.util import tf_export as _te

_te.ESTIMATOR_API_NAME = "estimator"
_te.API_ATTRS["estimator"] = _te._Attributes("_estimator_api_names", "_estimator_api_constants")
_te.API_ATTRS_V1["estimator"] = _te._Attributes("_estimator_api_names_v1",
                                                "_estimator_api_constants_v1")


def _stub_getattr(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (object,), {})


def _stub(name):
    m = types.ModuleType(name)
    m.__getattr__ = _stub_getattr
    m.should_run_distribute_coordinator = lambda config: False
    sys.modules[name] = m
    parent, _, child = name.rpartition(".")
    setattr(importlib.import_module(parent), child, m)


def _forget_estimator():
    for k in [k for k in sys.modules if k.startswith("tensorflow_estimator")]:
        del sys.modules[k]


_stub("tensorflow.python.distribute.estimator_training")
for _ in range(40):
    try:
        E = importlib.import_module("tensorflow_estimator.python.estimator.api._v1.estimator")
        break
    except ImportError as e:
        m = (re.search(r"cannot import name '(\w+)' from '([\w.]+)'", str(e))
             or re.search(r"No module named '([\w.]+)'", str(e)))
        if not m or not m.group(m.lastindex).startswith("tensorflow.") and m.lastindex == 1:
            raise
        _stub(m.group(2) + "." + m.group(1) if m.lastindex == 2 else m.group(1))
        _forget_estimator()
