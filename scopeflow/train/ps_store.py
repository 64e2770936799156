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

    def apply(self, head, arrays):
        """(reply head, reply arrays) for one request."""
        names = head["names"]
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
        if "error" in head:
            from scopeflow import errors
            raise errors.FailedPreconditionError(None, None, "%s (on %s)"
                                                 % (head["error"], self._task))

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
