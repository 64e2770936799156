"""Compiled programs kept on disk, so a second process running the same script compiles nothing.

The key is a hash of the lowered program (StableHLO text, constants included) with the
JAX/jaxlib versions, the platform and XLA_FLAGS; `compile_named` keys a program by a name
that stands for its code instead (the shared kernels of ops/philox_fill.py), so a hit skips
tracing and lowering too. Files live in `$SCOPEFLOW_CACHE_DIR`, else
`$XDG_CACHE_HOME/scopeflow/xla`, else `~/.cache/scopeflow/xla`; `SCOPEFLOW_COMPILE_CACHE=0`
turns the cache off. Only programs that took at least `_MIN_SECONDS` to compile are stored;
the folder is pruned to `_MAX_BYTES` (oldest first). A file that cannot be read back is
recompiled and rewritten. A compile over 2 s prints one line to stderr (what, how long);
`SCOPEFLOW_QUIET=1` or TF_CPP_MIN_LOG_LEVEL >= 1 silences it.

>>> import jax, numpy as np
>>> low = jax.jit(lambda x: x + 1).lower(jax.ShapeDtypeStruct((2,), np.float32))
>>> compile_lowered(low, "x + 1")(np.ones(2, np.float32)).tolist()
[2.0, 2.0]
"""

import hashlib
import os
import pickle
import sys
import tempfile
import threading
import time

stats = {"disk_hits": 0, "disk_writes": 0}

_MIN_SECONDS = 0.05
_MAX_BYTES = 1 << 30
_FORMAT = b"scopeflow-xla-1"
_lock = threading.Lock()
_pruned = [False]


def cache_dir():
    """The folder of cached programs, or None when the cache is off."""
    if os.environ.get("SCOPEFLOW_COMPILE_CACHE", "1").lower() in ("0", "false", "off", "no"):
        return None
    d = os.environ.get("SCOPEFLOW_CACHE_DIR")
    if d:
        return d
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scopeflow", "xla")


def compile_lowered(lowered, what, options=None, device=None):
    """`lowered.compile(compiler_options=options)`, read from or written to the disk cache;
    `device`: the JAX device a program of a run over several devices is lowered for (its
    key and the device it loads onto), else the default device."""
    extra = b"" if device is None else repr((device.platform, device.id)).encode()
    path, hit = _lookup(lambda: _key(lowered, options, extra), device)
    if hit is not None:
        return hit
    return _compile(lowered, what, options, path)


def compile_named(name, lower, what):
    """`lower().compile()` kept on disk under `name` (which must name the program and the
    code it comes from) instead of its lowered text: a hit skips tracing and lowering too."""
    path, hit = _lookup(lambda: _key_of([b"named", name.encode()]))
    if hit is not None:
        return hit
    return _compile(lower(), what, None, path)


def _lookup(key, device=None):
    """(path of the cached program or None, the program if it is there)."""
    folder = cache_dir()
    if folder is None:
        return None, None
    try:
        path = os.path.join(folder, key())
        hit = _load(path, device)
        if hit is not None:
            stats["disk_hits"] += 1
        return path, hit
    except Exception:  # noqa: BLE001 - a cache problem must never fail a run
        return None, None


def _compile(lowered, what, options, path):
    t0 = time.perf_counter()
    compiled = lowered.compile(compiler_options=options) if options else lowered.compile()
    seconds = time.perf_counter() - t0
    if seconds > 2.0 and not _quiet():
        print("scopeflow: compiling %s took %.1f s (cached for later runs%s)"
              % (what, seconds, "" if path else ": off"), file=sys.stderr)
    if path is not None and seconds >= _MIN_SECONDS:
        try:
            _store(path, compiled)
        except Exception:  # noqa: BLE001 - a read-only or full disk: run on without it
            pass
    return compiled


def _quiet():
    if os.environ.get("SCOPEFLOW_QUIET", "") not in ("", "0"):
        return True
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")) >= 1
    except ValueError:
        return False


def _key(lowered, options=None, extra=b""):
    # the text without source locations (they name the user's calling line), constants
    # included in full
    body = lowered.as_text(debug_info=False).encode()
    # the argument types too: jit drops unused arguments from the text, but the executable
    # still checks them (a fed value whose shape the program never reads)
    args = repr(getattr(lowered, "in_avals", None)).encode()
    return _key_of([repr(sorted((options or {}).items())).encode(), args, body]
                   + ([extra] if extra else []))


def _key_of(parts):
    import jax
    import jaxlib
    h = hashlib.sha256()
    for part in [_FORMAT, jax.__version__.encode(), jaxlib.__version__.encode(),
                 jax.default_backend().encode(), os.environ.get("XLA_FLAGS", "").encode()
                 ] + list(parts):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _load(path, device=None):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    import jax
    from jax.experimental import serialize_executable
    try:
        payload, in_tree, out_tree = pickle.loads(data)
        # a one-device program, on its device or the default one (by default JAX would load
        # it for every local device: wrong with N forced host devices)
        compiled = serialize_executable.deserialize_and_load(
            payload, in_tree, out_tree,
            execution_devices=[device] if device is not None else jax.local_devices()[:1])
        os.utime(path)  # recently used: pruned last
        return compiled
    except Exception:  # noqa: BLE001 - damaged or from another build: compile again
        return None


def _store(path, compiled):
    from jax.experimental import serialize_executable
    data = pickle.dumps(serialize_executable.serialize(compiled))
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    stats["disk_writes"] += 1
    with _lock:
        if not _pruned[0]:
            _pruned[0] = True
            _prune(folder)


def _umask():
    """The process umask, read without changing it (os.umask would, for every thread)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _prune(folder, limit=_MAX_BYTES):
    """Removes the least recently used files until the folder holds at most `limit` bytes."""
    files = []
    for name in os.listdir(folder):
        p = os.path.join(folder, name)
        try:
            st = os.stat(p)
        except OSError:
            continue
        files.append((st.st_mtime, st.st_size, p))
    total = sum(f[1] for f in files)
    for _, size, p in sorted(files):
        if total <= limit:
            break
        try:
            os.unlink(p)
            total -= size
        except OSError:
            pass
