"""Device specs: TF's parse, merge and canonical string form ('/job:w/task:1/device:CPU:0')."""

import re

_FIELDS = ("job", "replica", "task", "device_type", "device_index")
_CACHE = {}


class DeviceSpec:
    """A partial device specification, merged field by field as TF merges them.

    >>> DeviceSpec.from_string("/cpu:0").to_string()
    '/device:CPU:0'
    """

    __slots__ = _FIELDS

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job = job
        self.replica = None if replica is None else int(replica)
        self.task = None if task is None else int(task)
        self.device_type = device_type
        self.device_index = device_index

    @classmethod
    def from_string(cls, spec):
        spec = spec or ""
        hit = _CACHE.get(spec)
        if hit is not None:
            return cls(*hit)
        d = cls()
        for part in spec.split("/"):
            if not part:
                continue
            bits = part.split(":")
            key = bits[0].lower()
            if key in ("job", "replica", "task") and len(bits) == 2:
                setattr(d, key, bits[1] if key == "job" else int(bits[1]))
            elif key in ("cpu", "gpu", "tpu") and len(bits) == 2:
                d.device_type, d.device_index = key.upper(), _index(bits[1])
            elif key == "device" and len(bits) in (2, 3):
                d.device_type = bits[1].upper() if bits[1].lower() in ("cpu", "gpu", "tpu") \
                    else bits[1]
                d.device_index = _index(bits[2]) if len(bits) == 3 else None
            elif len(bits) == 2 and re.match(r"^[A-Za-z_]+$", bits[0]):
                d.device_type, d.device_index = bits[0], _index(bits[1])
            else:
                raise ValueError("Unknown attribute: '%s' in '%s'" % (part, spec))
        _CACHE[spec] = tuple(getattr(d, f) for f in _FIELDS)
        return d

    def merge_from(self, other):
        for f in _FIELDS:
            v = getattr(other, f)
            if v is not None:
                setattr(self, f, v)
        return self

    def to_string(self):
        out = []
        if self.job is not None:
            out.append("/job:" + self.job)
        if self.replica is not None:
            out.append("/replica:%d" % self.replica)
        if self.task is not None:
            out.append("/task:%d" % self.task)
        if self.device_type is not None:
            idx = "*" if self.device_index is None else str(self.device_index)
            out.append("/device:%s:%s" % (self.device_type, idx))
        return "".join(out)

    def __repr__(self):
        return "DeviceSpec(%r)" % self.to_string()


def _index(s):
    return None if s == "*" else int(s)


def merge_device(outer, inner_result):
    """The device an outer string spec gives an op whose device is already `inner_result`."""
    spec = DeviceSpec.from_string(outer)
    spec.merge_from(DeviceSpec.from_string(inner_result))
    return spec.to_string()


def canonical(spec):
    return DeviceSpec.from_string(spec).to_string()


_LOCAL = "/job:localhost/replica:0/task:0/device:"


def _gpu_count(config):
    try:
        import jax
        n = len(jax.devices("gpu"))
    except Exception:  # noqa: BLE001 - no GPU backend: CPU only
        n = 0
    limit = config.device_count.get("GPU") if "GPU" in config.device_count else None
    return n if limit is None else min(n, limit)


def _placeable(spec, gpus):
    if spec.job not in (None, "localhost") or spec.replica not in (None, 0) or \
            spec.task not in (None, 0):
        return False
    if spec.device_type is None:
        return True
    if spec.device_type == "CPU":
        return spec.device_index in (None, 0)
    if spec.device_type == "GPU":
        return spec.device_index is None and gpus > 0 or \
            spec.device_index is not None and spec.device_index < gpus
    return False


def check_placement(graph, config):
    """Without `allow_soft_placement`, TF's InvalidArgumentError for the first op of `graph`
    pinned to a device this process lacks ('/gpu:0' on a CPU-only machine); else nothing.
    TF places the whole graph, not the run's slice. Called once per compiled signature.

    >>> check_placement(graph, ConfigProto(allow_soft_placement=True))   # never raises
    """
    if config.allow_soft_placement:
        return
    gpus = None
    bad = None
    for op in list(graph._ops):
        dev = op._device
        if not dev:
            continue
        if gpus is None:
            gpus = _gpu_count(config)
        if not _placeable(DeviceSpec.from_string(dev), gpus):
            # TF's placer puts an input-less Const with its consumer: report the consumer
            if bad is None or bad.type == "Const" and op.type != "Const":
                bad = op
            if bad.type != "Const":
                break
    if bad is None:
        return
    from scopeflow import errors
    from scopeflow.lowering.context import run_error
    avail = [_LOCAL + "CPU:0"] + [_LOCAL + "GPU:%d" % i for i in range(gpus)]
    msg = ("Cannot assign a device for operation %s: {{node %s}} was explicitly assigned to %s "
           "but available devices are [ %s ]. Make sure the device specification refers to a "
           "valid device." % (bad.name, bad.name, bad._device, ", ".join(avail)))
    text = run_error(errors.InvalidArgumentError, bad, msg).message
    # TF's trailer is '[[v]]', whose name TF's Session fails to look up: no op, no stack
    raise errors.InvalidArgumentError(None, None, text.replace(
        "\n\t [[{{node %s}}]]" % bad.name, "\n\t [[%s]]" % bad.name))
