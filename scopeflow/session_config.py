"""Session configuration protos, device listing and the thread-local default session."""

import threading

from tensorboard.compat.proto.config_pb2 import (
    ConfigProto,
    GPUOptions,
    GraphOptions,
    OptimizerOptions,
    RunMetadata,
    RunOptions,
)

__all__ = [
    "ConfigProto",
    "GPUOptions",
    "GraphOptions",
    "OptimizerOptions",
    "RunMetadata",
    "RunOptions",
    "default_session_stack",
    "get_default_session",
]


class _DeviceAttributes:
    """One entry of `Session.list_devices()`."""

    def __init__(self, device):
        kind = device.platform.upper()
        self._name = "/job:localhost/replica:0/task:0/device:%s:%d" % (kind, device.id)
        self._type = kind
        self._memory = 268435456
        self._incarnation = 0

    name = property(lambda self: self._name)
    device_type = property(lambda self: self._type)
    memory_limit_bytes = property(lambda self: self._memory)
    incarnation = property(lambda self: self._incarnation)

    def __repr__(self):
        return "_DeviceAttributes(%s, %s, %d, %d)" % (self._name, self._type, self._memory,
                                                      self._incarnation)


class _SessionStack(threading.local):
    """Thread-local stack of default sessions (`Session.as_default()`)."""

    def __init__(self):
        self.stack = []

    def get_default(self):
        return self.stack[-1] if self.stack else None

    def get_controller(self, session, nested=True):
        return _Controller(self, session, nested)


class _Controller:
    __slots__ = ("_nested", "_owner", "_session", "_stack")

    def __init__(self, owner, session, nested):
        self._owner, self._session, self._nested = owner, session, nested

    def __enter__(self):
        self._stack = self._owner.stack  # the entering thread's stack
        self._stack.append(self._session)
        return self._session

    def __exit__(self, *exc):
        s = self._stack
        if s:
            if self._nested:
                if s[-1] is not self._session:
                    raise AssertionError("Nesting violated for default stack of %s objects"
                                         % type(self._session))
                s.pop()
            elif self._session in s:
                s.remove(self._session)
        return False


default_session_stack = _SessionStack()


def get_default_session():
    """The innermost session of `Session.as_default()` in this thread, or None.

    >>> get_default_session() is None
    True
    """
    return default_session_stack.get_default()
