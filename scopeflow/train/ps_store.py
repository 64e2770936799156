"""The parameter server's variable store: what a `/job:ps` task holds in asynchronous training.

Its transport is the key-value store of JAX's distributed runtime (the coordination service
that every task of the cluster joins through `train/server.py`); nothing here opens a socket.
Workers read the variables before a step and send what the step changed after it
(`train/remote_vars.py`): a value to set, a difference to add to the current value, or an
optimizer's update ("apply": the new value and its difference from the value read, with the
version read, and the training op whose update the ps reruns on newer values), so that the updates of several workers all land, as TF's apply ops on the ps
make them land, and a worker whose read is still current gets exactly its step's values.

Keys of ps task k, under `scopeflow/ps/<k>/`:

- `req/<w>/<n>`: request n of worker w (one queue per worker process, numbered by that
  process alone and written by one atomic set: a worker dying mid-request leaves no gap that
  could hold up the others). A serving thread per worker takes them in order, applies each
  whole, and deletes it: `put` (names, "set"|"add"|"apply"|"once" kinds, arrays),
  `accumulate` (a gradient of a step), `take` (the number of gradients a step's mean needs);
- `rep/<w>/<n>`: the answer of a `put`, `{"ok": true}` or `{"error": text}` (an "add" to a
  missing variable); the worker waits for it, so its next read sees its own update, and
  deletes it;
- `val/<name>`: each variable's current value and version (the count of writes), set by the
  ps before it answers the `put` that changed it; workers read it directly (missing:
  uninitialized). A read of several variables may meet a `put` half published, as TF's reads
  of separate ps variables are not one transaction either;
- `mean/<name>/<step>`: an accumulator's mean of the step's first R gradients, set once R came.

Values are a length-prefixed JSON header and the arrays' raw bytes (no pickle).

>>> store = Store()
>>> store.put(["v"], ["set"], [np.arange(3.0)]), store.put(["v"], ["add"], [np.ones(3)])
(None, None)
>>> store.get(["v", "w"])
[array([1., 2., 3.]), None]
>>> store.read(["v"])[1]  # versions: v was written twice
[2]
"""

import json
import logging
import struct
import threading
import time

import numpy as np
from jax.errors import JaxRuntimeError

_HEAD = struct.Struct("!I")
_KEPT_STEPS = 1000  # steps an accumulator keeps the mean of, for workers running behind
_WAIT_MS = 10_000  # one wait on a key; waits log and go on
_log = logging.getLogger("tensorflow")


# ---- encoding -----------------------------------------------------------------------------------
def encode(head, arrays=()):
    """Bytes of `head` (a JSON-able dict) and `arrays` (NumPy arrays, or None for missing)."""
    arrays = [None if a is None else np.asarray(a, order="C") for a in arrays]
    head = dict(head, specs=[None if a is None else [a.dtype.name, list(a.shape)]
                             for a in arrays])
    text = json.dumps(head).encode()
    return b"".join([_HEAD.pack(len(text)), text] + [a.tobytes() for a in arrays
                                                     if a is not None])


def decode(data):
    """(head, arrays) of bytes made by `encode`."""
    (n_head,) = _HEAD.unpack_from(data)
    head = json.loads(data[_HEAD.size:_HEAD.size + n_head])
    arrays, at = [], _HEAD.size + n_head
    for spec in head.get("specs", ()):
        if spec is None:
            arrays.append(None)
            continue
        dtype, shape = _dtype(spec[0]), tuple(spec[1])
        size = dtype.itemsize * int(np.prod(shape, dtype=np.int64))
        arrays.append(np.frombuffer(data, dtype, count=size // dtype.itemsize,
                                    offset=at).reshape(shape).copy())
        at += size
    return head, arrays


def _dtype(name):
    try:
        return np.dtype(name)
    except TypeError:  # bfloat16 and other ml_dtypes types are not NumPy names
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, name))


# ---- the values ---------------------------------------------------------------------------------
class Store:
    """Variable name -> value, and accumulators' step means, changed only by whole requests."""

    def __init__(self):
        self._values = {}
        self._versions = {}  # name -> count of writes (an "apply" from a current read sets)
        self._lock = threading.Lock()
        self._came = threading.Condition(self._lock)
        self._steps = {}  # accumulator -> {step: [sum, count, mean or None, required or None]}

    def get(self, names):
        """The values of `names` (None: not set yet)."""
        return self.read(names)[0]

    def read(self, names):
        """([value or None], [version]) of `names`."""
        with self._lock:
            return [self._values.get(n) for n in names], [self._versions.get(n, 0)
                                                          for n in names]

    def put(self, names, kinds, arrays, bases=None, rules=()):
        """Writes each named value, all or none: "set" to an array, "add" an array, "apply"
        (new value, difference) read at version `bases[i]`: the new value while no other
        write came since, else the difference added, or, for the references of one of
        `rules` (Update: a training op's update the values came from), the op's update run
        again on the current values, as TF's apply op on the ps runs on them; "once" (a
        synchronous step's new value): every "once" value of the request, if none was
        written since its read, else none of them. None, or the error text of an addition to
        a missing value."""
        bases = bases or [None] * len(names)
        with self._lock:
            missing = [n for n, k in zip(names, kinds) if k in ("add", "apply")
                       and n not in self._values]
            if missing:
                return "Attempting to use uninitialized value %s" % missing[0]
            if any(k == "once" and self._versions.get(n, 0) != base
                   for n, k, base in zip(names, kinds, bases)):
                return None  # a step another worker took already, or from a stale read
            rerun = self._rerun(rules, dict(zip(names, bases)))
            for n, k, a, base in zip(names, kinds, arrays, bases):
                k = "set" if k == "once" else k
                if n in rerun:
                    k, a = "set", rerun[n]
                elif k == "apply" and self._versions.get(n, 0) == base:
                    k, a = "set", a[0]  # exactly the value the worker's step computed
                elif k == "apply":
                    a = a[1]
                # a new array each time: a reader keeps the value it read
                self._values[n] = a if k == "set" else self._values[n] + a.astype(
                    self._values[n].dtype)
                self._versions[n] = self._versions.get(n, 0) + 1
        return None

    def _rerun(self, rules, bases):
        """{reference: new value} of the `rules` whose references another worker wrote
        since their read: the update run on the current values."""
        from scopeflow.train.apply_op import update
        out = {}
        for r in rules:
            if all(self._versions.get(n, 0) == bases[n] for n in r.refs):
                continue
            current = [self._values[n] for n in r.refs]
            out.update(zip(r.refs, update(r.op, current, r.inputs, r.attrs)))
        return out

    def accumulate(self, name, step, gradient):
        """Adds a gradient computed at `step` (dropped once the step's mean was made):
        (step mean made now or None, [steps no longer kept])."""
        with self._came:
            entry, dropped = self._entry(name, step)
            if entry is None or entry[2] is not None:
                return None, dropped  # stale
            entry[0] = gradient.copy() if entry[0] is None else entry[0] + gradient
            entry[1] += 1
            return self._complete(entry), dropped

    def require(self, name, step, required):
        """Notes that `step`'s mean needs `required` gradients: (the mean if made now, or
        an error text, or None; [steps no longer kept])."""
        with self._came:
            entry, dropped = self._entry(name, step)
            if entry is None:
                return "step %d of %s is no longer kept" % (step, name), dropped
            if entry[3] is None:
                entry[3] = required
            return self._complete(entry), dropped

    def mean(self, name, step, required):
        """The mean of `step`'s first `required` gradients, once they came (waits)."""
        error, _ = self.require(name, step, required)
        if isinstance(error, str):
            _fail(error, "this process")
        with self._came:
            entry = self._steps[name][step]
            while entry[2] is None:
                self._came.wait()
            return entry[2]

    def _entry(self, name, step):
        steps = self._steps.setdefault(name, {})
        dropped = []
        if step not in steps:
            if steps and step < min(steps) and len(steps) >= _KEPT_STEPS:
                return None, dropped
            steps[step] = [None, 0, None, None]
            for old in sorted(steps)[:-_KEPT_STEPS]:
                del steps[old]
                dropped.append(old)
        return steps[step], dropped

    def _complete(self, entry):
        if entry[2] is None and entry[3] is not None and entry[1] >= entry[3]:
            entry[2] = (entry[0] / entry[1]).astype(entry[0].dtype)
            self._came.notify_all()
            return entry[2]
        return None


class Update:
    """A training op's update of ps variables, sent with the new values it made: the op type,
    its reference variables' names, its other inputs as the worker's step computed them
    ({name: array}) and its attrs."""

    __slots__ = ("attrs", "inputs", "op", "refs")

    def __init__(self, op, refs, inputs, attrs):
        self.op, self.refs, self.inputs, self.attrs = op, list(refs), dict(inputs), dict(attrs)

    def head(self):
        """The JSON-able part (the inputs' arrays travel after the put's)."""
        return {"op": self.op, "refs": self.refs, "inputs": list(self.inputs),
                "attrs": self.attrs}


def _updates(heads, arrays):
    """The Updates of a put request's `heads`, their inputs taken in order from `arrays`."""
    it = iter(arrays)
    return [Update(h["op"], h["refs"], {k: next(it) for k in h["inputs"]}, h["attrs"])
            for h in heads]


class StoreClient:
    """A Client's methods on a Store in this process (no ps task: a one-process program)."""

    def __init__(self, store):
        self.store = store

    def get(self, names):
        return self.store.get(list(names))

    def read(self, names):
        return self.store.read(list(names))

    def put(self, names, kinds, arrays, bases=None, rules=()):
        error = self.store.put(list(names), list(kinds), list(arrays), bases, rules)
        if error:
            _fail(error, "this process")

    def accumulate(self, name, step, gradient):
        self.store.accumulate(name, step, np.asarray(gradient))

    def take(self, name, step, required):
        return self.store.mean(name, step, required)


def _fail(text, where):
    from scopeflow import errors
    raise errors.FailedPreconditionError(None, None, "%s (on %s)" % (text, where))


def _prefix(task):
    return "scopeflow/ps/%d/" % task


def timed_out(error):
    """Whether a JaxRuntimeError of a key-value wait is its timeout (else the runtime is
    gone)."""
    return "DEADLINE_EXCEEDED" in str(error)


def _unavailable(what, error):
    """TF's error for a task that cannot be reached: the runtime's `error` on the way to
    `what` (the coordination service or the task is gone)."""
    from scopeflow import errors
    return errors.UnavailableError(None, None, "%s: %s" % (what, error))


def _wait(kv, key, what):
    """The bytes of `key` once some task sets it (logging while it waits, as TF's worker
    logs while its ps is not up)."""
    start = time.monotonic()
    while True:
        try:
            return kv.blocking_key_value_get_bytes(key, _WAIT_MS)
        except JaxRuntimeError as e:  # DEADLINE_EXCEEDED, else the runtime failed
            if not timed_out(e):
                raise _unavailable(what, e) from None
            _log.info("CreateSession still waiting for response from worker: %s, %.0f secs",
                      what, time.monotonic() - start)


# ---- the ps side --------------------------------------------------------------------------------
class Serving:
    """The serving threads of ps task `task`, one per worker process (`workers` of them): each
    takes its worker's requests in number order from the key-value store `kv` (a
    DistributedRuntimeClient), applies them to a Store and publishes values, answers and step
    means. A worker that dies holds up its own queue only."""

    def __init__(self, kv, task, workers=1):
        self.kv, self.prefix, self.store = kv, _prefix(task), Store()
        self._publish = threading.Lock()  # a put and the publishing of its values: one at a time
        self.threads = [threading.Thread(target=self._serve, args=(w,), daemon=True,
                                         name="scopeflow-ps-%d" % w) for w in range(workers)]
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join()

    def _serve(self, worker):
        try:
            self._serve_queue(worker)
        except JaxRuntimeError as e:  # the runtime shut down or failed: nothing to serve
            _log.info("ps serving worker %d stopped: %s", worker, e)

    def _serve_queue(self, worker):
        kv, prefix, n = self.kv, self.prefix, 0
        while True:
            n += 1
            key = prefix + "req/%d/%d" % (worker, n)
            while True:
                try:
                    data = kv.blocking_key_value_get_bytes(key, _WAIT_MS)
                    break
                except JaxRuntimeError as e:
                    if not timed_out(e):
                        return  # the runtime shut down: every worker is gone
            kv.key_value_delete(key)
            head, arrays = decode(data)
            reply = prefix + "rep/%d/%d" % (worker, n)
            try:
                self._apply(reply, head, arrays)
            except (ValueError, TypeError, KeyError, IndexError) as e:  # serving goes on
                _log.error("ps request %d of worker %d (%s) failed: %s", n, worker,
                           head.get("op"), e)
                if head.get("op") == "put":
                    kv.key_value_set_bytes(reply, encode({"error": str(e)}),
                                           allow_overwrite=True)

    def _apply(self, reply, head, arrays):
        kv, prefix, store, op = self.kv, self.prefix, self.store, head["op"]
        if op == "put":
            names, kinds = head["names"], head["kinds"]
            n_put = sum(2 if k == "apply" else 1 for k in kinds)
            rules = _updates(head.get("rules", ()), arrays[n_put:])
            with self._publish:  # else a later value could be published before this one
                error = store.put(names, kinds, _pairs(kinds, arrays[:n_put]),
                                  head.get("bases"), rules)
                if error is None:
                    for name, value, version in zip(names, *store.read(names)):
                        kv.key_value_set_bytes(prefix + "val/" + name,
                                               encode({"version": version}, [value]),
                                               allow_overwrite=True)
            kv.key_value_set_bytes(reply, encode({"error": error} if error else {"ok": True}),
                                   allow_overwrite=True)
            return
        name, step = head["name"], head["step"]
        if op == "accumulate":
            mean, dropped = store.accumulate(name, step, arrays[0])
        else:
            mean, dropped = store.require(name, step, head["required"])
        for old in dropped:
            kv.key_value_delete(prefix + "mean/%s/%d" % (name, old))
        if mean is not None:
            value = encode({"error": mean}) if isinstance(mean, str) else encode({}, [mean])
            kv.key_value_set_bytes(prefix + "mean/%s/%d" % (name, step), value,
                                   allow_overwrite=True)


def _pairs(kinds, arrays):
    """The arrays of a put's kinds: an "apply" takes two (new value, difference)."""
    out, it = [], iter(arrays)
    for k in kinds:
        out.append((next(it), next(it)) if k == "apply" else next(it))
    return out


# ---- the worker side ----------------------------------------------------------------------------
class Client:
    """Worker `worker`'s access to ps task `task` through the key-value store `kv`, shared by
    the threads of this process (one Client per ps task and process: it numbers the
    process's requests)."""

    def __init__(self, kv, task, task_name, worker=0):
        self._kv, self._prefix, self._task = kv, _prefix(task), task_name
        self._queue = "%d/" % worker
        self._count = 0
        self._sending = threading.Lock()

    def get(self, names):
        """The values of `names` (None: not set yet)."""
        return self.read(names)[0]

    def read(self, names):
        """([value or None], [version]) of `names`."""
        values, versions = [], []
        for name in names:
            try:
                data = self._kv.key_value_try_get_bytes(self._prefix + "val/" + name)
            except JaxRuntimeError as e:
                if "NOT_FOUND" not in str(e):
                    raise _unavailable(self._task, e) from None
                data = None
            head, arrays = decode(data) if data is not None else ({}, [None])
            values.append(arrays[0])
            versions.append(head.get("version", 0))
        return values, versions

    def put(self, names, kinds, arrays, bases=None, rules=()):
        """Writes each named value (Store.put); returns once the ps applied it."""
        flat = [x for k, a in zip(kinds, arrays) for x in (a if k == "apply" else [a])]
        flat += [x for r in rules for x in r.inputs.values()]
        n = self._send({"op": "put", "names": list(names), "kinds": list(kinds),
                        "bases": None if bases is None else list(bases),
                        "rules": [r.head() for r in rules]}, flat)
        key = self._prefix + "rep/" + self._queue + str(n)
        head = decode(_wait(self._kv, key, self._task))[0]
        try:
            self._kv.key_value_delete(key)
        except JaxRuntimeError as e:
            raise _unavailable(self._task, e) from None
        if "error" in head:
            _fail(head["error"], self._task)

    def accumulate(self, name, step, gradient):
        """Adds a gradient computed at `step` to accumulator `name` (backup workers)."""
        self._send({"op": "accumulate", "name": name, "step": step}, [gradient])

    def take(self, name, step, required):
        """The mean of accumulator `name`'s gradients for `step`, once `required` came."""
        self._send({"op": "take", "name": name, "step": step, "required": required}, ())
        head, arrays = decode(_wait(self._kv, self._prefix + "mean/%s/%d" % (name, step),
                                    self._task))
        if "error" in head:
            _fail(head["error"], self._task)
        return arrays[0]

    def _send(self, head, arrays):
        data = encode(head, arrays)
        with self._sending:  # numbered and written together: the queue has no gaps
            try:
                self._kv.key_value_set_bytes(self._prefix + "req/" + self._queue +
                                             str(self._count + 1), data)
            except JaxRuntimeError as e:
                raise _unavailable(self._task, e) from None
            self._count += 1
            return self._count
