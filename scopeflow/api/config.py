"""`tf.config`: the devices scopeflow runs on (JAX's, named as TF names them) and TF's runtime
settings, kept for scripts that set them first thing (`set_memory_growth` over the GPUs,
thread counts): XLA compiles each run, so they do not change how it runs.

    >>> import scopeflow.compat.v1 as tf
    >>> tf.config.list_physical_devices("CPU")[0].name
    '/physical_device:CPU:0'
"""

import collections
import types

_TYPES = {"cpu": "CPU", "gpu": "GPU", "cuda": "GPU", "rocm": "GPU", "tpu": "TPU"}
# process-wide, as TF's eager context: visible devices, memory growth, thread counts, ...
_STATE = {"visible": None, "growth": {}, "inter": 0, "intra": 0, "initialized": False,
          "soft": False, "jit": "", "eager_functions": False, "logical": {}, "options": {}}

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDeviceConfiguration = collections.namedtuple(
    "LogicalDeviceConfiguration",
    ["memory_limit", "experimental_priority", "experimental_device_ordinal"])
LogicalDeviceConfiguration.__new__.__defaults__ = (None, None, None)


def _jax_devices():
    """(TF device type, index) of each device JAX has, CPUs first (as TF lists them)."""
    import jax
    out = []
    for backend in ("cpu", "gpu", "tpu"):
        try:
            devices = jax.devices(backend)
        except RuntimeError:  # (no such backend here)
            continue
        out.extend((_TYPES.get(d.platform, d.platform.upper()), i)
                   for i, d in enumerate(devices))
    return out


def _of_type(devices, device_type):
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type]


def list_physical_devices(device_type=None):
    """The devices JAX sees, as TF's `PhysicalDevice(name='/physical_device:CPU:0', ...)`."""
    return _of_type([PhysicalDevice("/physical_device:%s:%d" % (t, i), t)
                     for t, i in _jax_devices()], device_type)


def list_logical_devices(device_type=None):
    """The visible devices as TF's `LogicalDevice(name='/device:CPU:0', ...)`."""
    _STATE["initialized"] = True  # (TF initializes its runtime here)
    return _of_type([LogicalDevice(d.name.replace("/physical_device:", "/device:"),
                                   d.device_type) for d in get_visible_devices()],
                    device_type)


def get_visible_devices(device_type=None):
    visible = _STATE["visible"]
    return _of_type(list_physical_devices() if visible is None else list(visible), device_type)


def set_visible_devices(devices, device_type=None):
    """Keeps `devices` (of `device_type`) as the visible ones, before the runtime starts."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in devices:
        _known(d)
    keep = [d for d in get_visible_devices()
            if device_type is not None and d.device_type != device_type]
    visible = [d for d in list_physical_devices() if d in devices or d in keep]
    if visible == get_visible_devices():  # (TF: an unchanged setting is always accepted)
        return
    if _STATE["initialized"]:
        raise RuntimeError("Visible devices cannot be modified after being initialized")
    _STATE["visible"] = visible


def _known(device):
    if device not in list_physical_devices():
        raise ValueError("Unrecognized device: %s" % repr(device))


def set_memory_growth(device, enable):
    """TF's check: only GPUs (and pluggable devices) have a memory-growth setting."""
    _known(device)
    if device.device_type == "CPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    if _STATE["initialized"]:
        raise RuntimeError("Physical devices cannot be modified after being initialized")
    _STATE["growth"][device] = bool(enable)


def get_memory_growth(device):
    _known(device)
    return _STATE["growth"][device]


def get_device_details(device):
    _known(device)
    return {}


def get_logical_device_configuration(device):
    _known(device)
    return _STATE["logical"].get(device)


def set_logical_device_configuration(device, logical_devices):
    _known(device)
    if _STATE["initialized"]:
        raise RuntimeError("Virtual devices cannot be modified after being initialized")
    _STATE["logical"][device] = logical_devices


def _threads(kind, label):
    def set_threads(num_threads):
        if _STATE[kind] == num_threads:
            return
        if _STATE["initialized"]:
            raise RuntimeError("%s op parallelism cannot be modified after initialization."
                               % label)
        _STATE[kind] = int(num_threads)

    def get_threads():
        return _STATE[kind]

    return set_threads, get_threads


def _flag(key, convert=bool):
    def setter(value):
        _STATE[key] = convert(value)

    return setter, lambda: _STATE[key]


set_soft_device_placement, get_soft_device_placement = _flag("soft")
run_functions_eagerly, functions_run_eagerly = _flag("eager_functions")
experimental_run_functions_eagerly = run_functions_eagerly
experimental_functions_run_eagerly = functions_run_eagerly

threading = types.ModuleType("scopeflow.config.threading", "`tf.config.threading`.")
threading.set_inter_op_parallelism_threads, threading.get_inter_op_parallelism_threads = \
    _threads("inter", "Inter")
threading.set_intra_op_parallelism_threads, threading.get_intra_op_parallelism_threads = \
    _threads("intra", "Intra")

optimizer = types.ModuleType("scopeflow.config.optimizer", "`tf.config.optimizer`.")
optimizer.set_jit, _get_jit = _flag("jit", lambda v: "autoclustering" if v else "")
optimizer.get_jit = _get_jit
optimizer.set_experimental_options = lambda options: _STATE["options"].update(options)
optimizer.get_experimental_options = lambda: dict(
    {"disable_model_pruning": False, "disable_meta_optimizer": False}, **_STATE["options"])

experimental = types.ModuleType("scopeflow.config.experimental", "`tf.config.experimental`.")
for _name in ("list_physical_devices", "list_logical_devices", "get_visible_devices",
              "set_visible_devices", "set_memory_growth", "get_memory_growth",
              "get_device_details"):
    setattr(experimental, _name, globals()[_name])
experimental.VirtualDeviceConfiguration = LogicalDeviceConfiguration
experimental.get_virtual_device_configuration = get_logical_device_configuration
experimental.set_virtual_device_configuration = set_logical_device_configuration
experimental.tensor_float_32_execution_enabled, experimental.enable_tensor_float_32_execution = \
    (lambda: True), (lambda enabled: None)  # (float32 matmuls here are never TF32)
