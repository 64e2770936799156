"""The parameter server's variable store: what a `/job:ps` task holds in asynchronous training.

A ps task's `tf.train.Server` serves its variables on the task's address (a thread of the ps
process, TCP). Workers read them before a step and send what the step changed after it
(`train/remote_vars.py`): a value to set, or a difference to add to the current value, so
that the updates of several workers all land, as TF's apply ops on the ps make them land.
Each request is applied whole (one lock), a read between two updates sees either.

Messages are a length-prefixed JSON header and the arrays' raw bytes (no pickle):
`!II` (header bytes, payload bytes), the header, then the payload. Requests:
`{"op": "get", "names": [...]}` answers each value, or null where the store has none yet
(an uninitialized variable); `{"op": "put", "names", "kinds" ("set"|"add"), "specs"}` with
the arrays answers `{"ok": true}`, or `{"error": text}` (an "add" to a missing variable).

>>> store = Store()
>>> store.apply({"op": "put", "names": ["v"], "kinds": ["set"]}, [np.arange(3.0)])[0]
{'ok': True}
>>> store.apply({"op": "put", "names": ["v"], "kinds": ["add"]}, [np.ones(3)])[0]
{'ok': True}
>>> store.apply({"op": "get", "names": ["v", "w"]}, [])[1]
[array([1., 2., 3.]), None]
"""

import json
import logging
import socket
import socketserver
import struct
import threading
import time

import numpy as np

_FRAME = struct.Struct("!II")
_KEPT_STEPS = 1000  # steps an accumulator keeps the mean of, for workers running behind
_log = logging.getLogger("scopeflow")


# ---- framing ------------------------------------------------------------------------------------
def send(sock, head, arrays=()):
    """Sends `head` (a JSON-able dict) and `arrays` (NumPy arrays, or None for missing)."""
    arrays = [None if a is None else np.asarray(a, order="C") for a in arrays]
    head = dict(head, specs=[None if a is None else [a.dtype.name, list(a.shape)]
                             for a in arrays])
    text = json.dumps(head).encode()
    payload = b"".join(a.tobytes() for a in arrays if a is not None)
    sock.sendall(_FRAME.pack(len(text), len(payload)) + text + payload)


def receive(sock):
    """(head, arrays) of one message; None when the peer closed the connection."""
    frame = _read(sock, _FRAME.size)
    if frame is None:
        return None
    n_head, n_payload = _FRAME.unpack(frame)
    head = json.loads(_read(sock, n_head))
    payload = _read(sock, n_payload) if n_payload else b""
    arrays, at = [], 0
    for spec in head.get("specs", ()):
        if spec is None:
            arrays.append(None)
            continue
        dtype, shape = _dtype(spec[0]), tuple(spec[1])
        size = dtype.itemsize * int(np.prod(shape, dtype=np.int64))
        arrays.append(np.frombuffer(payload, dtype, count=size // dtype.itemsize,
                                    offset=at).reshape(shape).copy())
        at += size
    return head, arrays


def _read(sock, n):
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            if left == n:
                return None
            raise ConnectionError("connection closed in the middle of a message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _dtype(name):
    try:
        return np.dtype(name)
    except TypeError:  # bfloat16 and other ml_dtypes types are not NumPy names
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, name))


# ---- the ps side --------------------------------------------------------------------------------
class Store:
    """Variable name -> value, changed only by whole requests (`apply`)."""

    def __init__(self):
        self._values = {}
        self._lock = threading.Lock()
        self._came = threading.Condition(self._lock)
        self._steps = {}  # accumulator -> {step: [sum, count, mean or None]}

    def apply(self, head, arrays):
        """(reply head, reply arrays) for one request."""
        names = head["names"]
        if head["op"] in ("accumulate", "take"):
            return self._accumulator(head, arrays)
        if head["op"] == "get":
            with self._lock:
                return {}, [self._values.get(n) for n in names]
        if head["op"] != "put":
            return {"error": "unknown request %r" % head["op"]}, []
        with self._lock:
            missing = [n for n, k in zip(names, head["kinds"])
                       if k == "add" and n not in self._values]
            if missing:
                return {"error": "Attempting to use uninitialized value %s" % missing[0]}, []
            for n, k, a in zip(names, head["kinds"], arrays):
                # a new array each time: a reply being sent keeps the value it read
                self._values[n] = a if k == "set" else self._values[n] + a.astype(
                    self._values[n].dtype)
        return {"ok": True}, []

    def _accumulator(self, head, arrays):
        """A gradient for a step ("accumulate"; dropped once the step's mean was taken), or
        the step's mean once `required` gradients came ("take": waits for them)."""
        name, step = head["names"][0], head["step"]
        with self._came:
            steps = self._steps.setdefault(name, {})
            if step not in steps:
                if steps and step < min(steps) and len(steps) >= _KEPT_STEPS:
                    return {"error": "step %d of %s is no longer kept" % (step, name)}, []
                steps[step] = [None, 0, None]
                for old in sorted(steps)[:-_KEPT_STEPS]:
                    del steps[old]
            entry = steps[step]
            if head["op"] == "accumulate":
                if entry[2] is None:  # else stale: the step's mean is taken
                    grad = arrays[0]
                    entry[0] = grad.copy() if entry[0] is None else entry[0] + grad
                    entry[1] += 1
                    self._came.notify_all()
                return {"ok": True}, []
            while entry[2] is None and entry[1] < head["required"]:
                self._came.wait()
            if entry[2] is None:
                entry[2] = (entry[0] / entry[1]).astype(entry[0].dtype)
            return {}, [entry[2]]


class StoreClient:
    """A Client's methods on a Store in this process (no ps task: a one-process program)."""

    def __init__(self, store):
        self.store = store

    def get(self, names):
        return self.store.apply({"op": "get", "names": list(names)}, [])[1]

    def put(self, names, kinds, arrays):
        head = self.store.apply({"op": "put", "names": list(names), "kinds": list(kinds)},
                                list(arrays))[0]
        _check(head, "this process")

    def accumulate(self, name, step, gradient):
        self.store.apply({"op": "accumulate", "names": [name], "step": step}, [gradient])

    def take(self, name, step, required):
        head, arrays = self.store.apply({"op": "take", "names": [name], "step": step,
                                         "required": required}, [])
        _check(head, "this process")
        return arrays[0]


def _check(head, where):
    if "error" in head:
        from scopeflow import errors
        raise errors.FailedPreconditionError(None, None, "%s (on %s)" % (head["error"], where))


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            msg = receive(self.request)
            if msg is None:
                return
            send(self.request, *self.server.store.apply(*msg))


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(address):
    """Starts serving a new Store on `address` ("host:port") in daemon threads; the server."""
    port = int(address.rsplit(":", 1)[1])
    srv = _TCPServer(("", port), _Handler)
    srv.store = Store()
    threading.Thread(target=srv.serve_forever, name="scopeflow-ps", daemon=True).start()
    return srv


# ---- the worker side ----------------------------------------------------------------------------
class Client:
    """One connection to a ps task, opened on first use (waiting for the ps to be up, as a TF
    worker waits for its ps tasks) and shared by the threads of this process."""

    def __init__(self, address, task_name):
        self._address, self._task = address, task_name
        self._sock = None
        self._lock = threading.Lock()

    def get(self, names):
        """The values of `names` (None: not set yet)."""
        return self._call({"op": "get", "names": list(names)}, ())[1]

    def put(self, names, kinds, arrays):
        """Sets ("set") or adds to ("add") each named value."""
        head = self._call({"op": "put", "names": list(names), "kinds": list(kinds)}, arrays)[0]
        _check(head, self._task)

    def accumulate(self, name, step, gradient):
        """Adds a gradient computed at `step` to accumulator `name` (backup workers)."""
        self._call({"op": "accumulate", "names": [name], "step": step}, [gradient])

    def take(self, name, step, required):
        """The mean of accumulator `name`'s gradients for `step`, once `required` came."""
        head, arrays = self._call({"op": "take", "names": [name], "step": step,
                                   "required": required}, ())
        _check(head, self._task)
        return arrays[0]

    def _call(self, head, arrays):
        with self._lock:
            if self._sock is None:
                self._sock = _connect(self._address, self._task)
            send(self._sock, head, arrays)
            reply = receive(self._sock)
        if reply is None:
            from scopeflow import errors
            raise errors.UnavailableError(None, None, "%s at %s closed the connection"
                                          % (self._task, self._address))
        return reply


def _connect(address, task_name):
    host, port = address.rsplit(":", 1)
    start = last = time.monotonic()
    while True:
        try:
            sock = socket.create_connection((host, int(port)))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError:
            now = time.monotonic()
            if now - last >= 10:  # TF's worker logs the same while its ps is not up yet
                _log.info("CreateSession still waiting for response from worker: %s (%s), "
                          "%.0f secs", task_name, address, now - start)
                last = now
            time.sleep(0.1)
