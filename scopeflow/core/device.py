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
