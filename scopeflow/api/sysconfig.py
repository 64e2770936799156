"""`tf.sysconfig`: build facts of scopeflow, a pure-Python package on JAX: there is no C++
library or header tree, so the include and library paths point into the package itself
and the build info says no CUDA/ROCm/TensorRT build (JAX picks its own backends)."""

import collections
import os

CXX11_ABI_FLAG = 1
CXX_VERSION = 201703
MONOLITHIC_BUILD = 0


def get_lib():
    """The directory of the scopeflow package."""
    import scopeflow
    return os.path.dirname(os.path.abspath(scopeflow.__file__))


def get_include():
    """Where headers would be: scopeflow ships none (custom C++ ops cannot be built)."""
    return os.path.join(get_lib(), "include")


def get_compile_flags():
    return ["-I%s" % get_include()]


def get_link_flags():
    return ["-L%s" % get_lib()]


def get_build_info():
    """`tf.sysconfig.get_build_info()` with TF's keys for a build without GPU support."""
    import jax
    return collections.OrderedDict([("is_cuda_build", False), ("is_rocm_build", False),
                                    ("is_tensorrt_build", False), ("jax_version", jax.__version__)])
