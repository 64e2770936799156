"""tf.version, tf.sysconfig, tf.config, tf.autograph and tf.experimental: the names TF1
scripts touch exist, and behave as TF's do (the device lists and their reprs, the errors of
set_memory_growth on a CPU, what TF's runtime settings return), with values that describe
scopeflow (its claimed version and GraphDef producer, paths inside the package)."""

import os

import pytest

from oracle import run_here

NAMES = {
    "version": ["VERSION", "GIT_VERSION", "COMPILER_VERSION", "GRAPH_DEF_VERSION",
                "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER"],
    "sysconfig": ["CXX11_ABI_FLAG", "CXX_VERSION", "MONOLITHIC_BUILD", "get_build_info",
                  "get_compile_flags", "get_include", "get_lib", "get_link_flags"],
    "config": ["LogicalDevice", "LogicalDeviceConfiguration", "PhysicalDevice",
               "experimental_functions_run_eagerly", "experimental_run_functions_eagerly",
               "functions_run_eagerly", "get_logical_device_configuration",
               "get_soft_device_placement", "get_visible_devices", "list_logical_devices",
               "list_physical_devices", "run_functions_eagerly",
               "set_logical_device_configuration", "set_soft_device_placement",
               "set_visible_devices"],
    "config.threading": ["get_inter_op_parallelism_threads", "get_intra_op_parallelism_threads",
                         "set_inter_op_parallelism_threads",
                         "set_intra_op_parallelism_threads"],
    "config.optimizer": ["get_experimental_options", "get_jit", "set_experimental_options",
                         "set_jit"],
    "config.experimental": ["VirtualDeviceConfiguration", "get_device_details",
                            "get_memory_growth", "get_virtual_device_configuration",
                            "get_visible_devices", "list_logical_devices",
                            "list_physical_devices", "set_memory_growth",
                            "set_virtual_device_configuration", "set_visible_devices",
                            "tensor_float_32_execution_enabled",
                            "enable_tensor_float_32_execution"],
    "autograph": ["experimental", "set_verbosity", "to_code", "to_graph", "trace"],
    "autograph.experimental": ["Feature", "do_not_convert", "set_loop_options"],
    "experimental": ["Optional", "async_clear_error", "async_scope", "function_executor_type",
                     "output_all_intermediates"],
    "data.experimental": ["Optional", "OptionalStructure", "Reducer", "dense_to_sparse_batch",
                          "get_next_as_optional", "group_by_reducer"],
    "sets": ["difference", "intersection", "set_difference", "set_intersection", "set_size",
             "set_union", "size", "union"],
    "spectral": ["fft", "fft2d", "fft3d", "ifft", "ifft2d", "ifft3d", "irfft", "irfft2d",
                 "irfft3d", "rfft", "rfft2d", "rfft3d"],
    "": ["GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER",
         "CXX11_ABI_FLAG", "MONOLITHIC_BUILD", "fft", "ifft", "fft2d", "ifft2d", "fft3d",
         "ifft3d", "OptionalSpec"],
}


@pytest.mark.oracle
@pytest.mark.parametrize("namespace", sorted(NAMES))
def test_names_exist_as_in_tf(oracle, namespace):
    code = ("m = tf\nfor p in %r.split('.'):\n    m = getattr(m, p) if p else m\n"
            "result = sorted(n for n in %r if hasattr(m, n))" % (namespace, NAMES[namespace]))
    there = oracle(code)
    assert there == {"ok": sorted(NAMES[namespace])}, there
    assert run_here(code) == there


def test_version_is_what_scopeflow_claims():
    import scopeflow.compat.v1 as tf
    from scopeflow.core.graph import GRAPH_DEF_VERSION
    assert tf.version.VERSION == tf.VERSION == tf.__version__
    assert tf.version.GIT_VERSION == tf.GIT_VERSION
    assert tf.version.COMPILER_VERSION == tf.COMPILER_VERSION
    assert tf.version.GRAPH_DEF_VERSION == tf.GRAPH_DEF_VERSION == GRAPH_DEF_VERSION
    with tf.Graph().as_default() as g:
        assert g.as_graph_def().versions.producer == tf.version.GRAPH_DEF_VERSION


def test_sysconfig_points_into_scopeflow():
    import scopeflow
    import scopeflow.compat.v1 as tf
    here = os.path.dirname(os.path.abspath(scopeflow.__file__))
    assert tf.sysconfig.get_lib() == here
    assert tf.sysconfig.get_include().startswith(here)
    assert tf.sysconfig.get_compile_flags() == ["-I" + tf.sysconfig.get_include()]
    assert tf.sysconfig.get_link_flags() == ["-L" + here]
    info = tf.sysconfig.get_build_info()
    assert not info["is_cuda_build"] and not info["is_rocm_build"]
    assert "tensorflow" not in repr(info).lower()


DEVICES = (
    "def t(f):\n"
    "    try:\n        return ['ok', repr(f())]\n"
    "    except Exception as e:\n        return [type(e).__name__, str(e)]\n"
    "cpu = tf.config.list_physical_devices('CPU')[0]\n"
    "result = [t(lambda: tf.config.list_physical_devices()), "
    "t(lambda: tf.config.list_physical_devices('GPU')), "
    "t(lambda: tf.config.list_physical_devices('cpu')), "
    "t(lambda: tf.config.experimental.list_physical_devices('CPU')), "
    "t(lambda: tf.config.get_visible_devices()), "
    "t(lambda: [tf.config.experimental.set_memory_growth(g, True) for g in "
    "tf.config.list_physical_devices('GPU')]), "
    "t(lambda: tf.config.experimental.set_memory_growth(cpu, True)), "
    "t(lambda: tf.config.experimental.get_memory_growth(cpu)), "
    "t(lambda: tf.config.experimental.set_memory_growth('x', True)), "
    "t(lambda: tf.config.threading.get_inter_op_parallelism_threads()), "
    "t(lambda: tf.config.threading.set_inter_op_parallelism_threads(2)), "
    "t(lambda: tf.config.threading.get_inter_op_parallelism_threads()), "
    "t(lambda: tf.config.threading.set_intra_op_parallelism_threads(3)), "
    "t(lambda: tf.config.threading.get_intra_op_parallelism_threads()), "
    "t(lambda: tf.config.set_visible_devices([], 'GPU')), "
    "t(lambda: tf.config.get_visible_devices('GPU')), "
    "t(lambda: tf.config.set_visible_devices([cpu])), "
    "t(lambda: tf.config.get_visible_devices()), "
    "t(lambda: tf.config.get_soft_device_placement()), "
    "t(lambda: tf.config.optimizer.get_jit()), "
    "t(lambda: tf.config.optimizer.get_experimental_options()), "
    "t(lambda: tf.config.experimental.get_device_details(cpu)), "
    "t(lambda: tf.config.LogicalDeviceConfiguration(memory_limit=10)), "
    "t(lambda: tf.config.get_logical_device_configuration(cpu)), "
    "t(lambda: (cpu.name, cpu.device_type, cpu[0], isinstance(cpu, tuple))), "
    "t(lambda: tf.config.list_logical_devices()), "
    "t(lambda: tf.config.threading.set_inter_op_parallelism_threads(2)), "
    "t(lambda: tf.config.set_visible_devices([cpu])), "
    "t(lambda: tf.config.list_logical_devices('CPU'))]\n")


@pytest.mark.oracle
def test_devices_and_settings_match_tf(oracle):
    """On a CPU-only machine: TF's device names and reprs, its errors, and its runtime
    settings refused once list_logical_devices has started the runtime. (In fresh workers on
    both sides: the settings are process-wide, and the shared oracle's runtime may have been
    started by an earlier snippet.)"""
    import subprocess
    import sys
    from oracle import HERE, Oracle, tf_python
    code = ("import sys, json; sys.path.insert(0, %r); from oracle import run_here\n"
            "print(json.dumps(run_here(%r)))" % (HERE, DEVICES))
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.strip().splitlines()[-1]
    import json
    fresh = Oracle(tf_python())
    try:
        there = fresh(DEVICES)
    finally:
        fresh.close()
    here = json.loads(out)
    assert "ok" in there, there
    for i, (a, b) in enumerate(zip(here["ok"], there["ok"])):
        assert a == b, (i, a, b)
    assert here == there


def test_autograph_passes_functions_through():
    import scopeflow.compat.v1 as tf

    @tf.autograph.experimental.do_not_convert
    def f(x):
        return x + 1

    assert f(1) == 2 and f.__name__ == "f"
    assert tf.autograph.experimental.do_not_convert()(f) is f
    assert tf.autograph.experimental.do_not_convert(len)([1]) == 1
    tf.autograph.experimental.set_loop_options(parallel_iterations=4)
    assert [m.name for m in tf.autograph.experimental.Feature][:2] == ["ALL",
                                                                        "AUTO_CONTROL_DEPS"]
    with pytest.raises(NotImplementedError, match="no AutoGraph"):
        tf.autograph.to_graph(f)


def test_experimental_settings_are_accepted():
    import scopeflow.compat.v1 as tf
    tf.experimental.output_all_intermediates(True)
    with tf.experimental.function_executor_type("SINGLE_THREADED_EXECUTOR"):
        with tf.experimental.async_scope():
            tf.experimental.async_clear_error()
