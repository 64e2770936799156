"""Compiled programs kept on disk, so a second process running the same script compiles nothing.

The key is a hash of the lowered program (StableHLO text, constants included) with the
JAX/jaxlib versions, the platform and XLA_FLAGS; `compile_named` keys a program by a name
that stands for its code instead (the shared kernels of ops/philox_fill.py), so a hit skips
tracing and lowering too. `compile_traced` first looks a traced program up by its jaxpr (text,
constants, donation, JAX's configuration): a small `.alias` file names the lowered program's
key and the process state its custom calls need (_SETUPS), so a second process skips lowering
to StableHLO (40-65 ms of a training step's first run). Files live in `$SCOPEFLOW_CACHE_DIR`, else
`$XDG_CACHE_HOME/scopeflow/xla`, else `~/.cache/scopeflow/xla`; `SCOPEFLOW_COMPILE_CACHE=0`
turns the cache off. Only programs that took at least `_MIN_SECONDS` to compile are stored;
the folder is pruned to `_MAX_BYTES` (oldest first). A file that cannot be read back is
recompiled and rewritten. A compile over 2 s prints one line to stderr (what, how long);
`SCOPEFLOW_QUIET=1` or TF_CPP_MIN_LOG_LEVEL >= 2 (TF's level that hides warnings) silences it.

>>> import jax, numpy as np
>>> low = jax.jit(lambda x: x + 1).lower(jax.ShapeDtypeStruct((2,), np.float32))
>>> compile_lowered(low, "x + 1")(np.ones(2, np.float32)).tolist()
[2.0, 2.0]
"""

import hashlib
import os
import pickle
import re
import sys
import tempfile
import threading
import time

stats = {"disk_hits": 0, "disk_writes": 0, "alias_hits": 0, "graph_hits": 0}

_MIN_SECONDS = 0.05
_MAX_BYTES = 1 << 30
_FORMAT = b"scopeflow-xla-2"  # 2: keys hold the arguments a program reads (_kept)
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


def compile_traced(traced, what, options=None, donate=(), found=None):
    """`compile_lowered(traced.lower(), what, options)`, found by the traced jaxpr when a
    process compiled or read it before (`donate`: the donated argument numbers). `found`, a
    list, gets (file name, setup names, argument and result types) of a program on disk that
    a process can read back without lowering it (graph_key.py names it)."""
    folder = cache_dir()
    alias = None if folder is None else _alias_path(folder, traced, options, donate)
    if alias is not None:
        hit = _through_alias(folder, alias, traced)
        if hit is not None:
            if found is not None:
                found.append(hit[1:] + (types_of(hit[0]),))
            return hit[0]
    lowered = traced.lower()
    text = lowered.as_text(debug_info=False)
    path, hit = _lookup(lambda: _key(lowered, options, text=text))
    compiled = hit if hit is not None else _compile(lowered, what, options, path)
    setup = _setup_of(text)
    if alias is not None and path is not None and setup is not None and os.path.exists(path):
        try:  # stored (a quick compile is not): the jaxpr finds it from now on
            write_file(alias, "\n".join([os.path.basename(path)] + setup).encode())
            if found is not None:
                found.append((os.path.basename(path), tuple(setup), types_of(compiled)))
        except Exception:  # noqa: BLE001 - a read-only or full disk: run on without it
            pass
    return compiled


def load_named(name, setup, types):
    """The program in file `name` of the cache folder, with `setup` done (see _SETUPS), if it
    is there, readable and takes and returns `types` (types_of); else None."""
    folder = cache_dir()
    hit = None if folder is None else _set_up_and_load(folder, name, setup)
    if hit is None or types_of(hit) != types:
        return None
    stats["disk_hits"] += 1
    return hit


def _set_up_and_load(folder, name, setup):
    """The program in file `name` of `folder` with what it needs set up, or None."""
    if (len(name) != 64 or not all(ch in "0123456789abcdef" for ch in name)
            or not all(n in _SETUP_BY_NAME for n in setup)):
        return None
    try:
        for n in setup:
            _SETUP_BY_NAME[n]()
    except Exception:  # noqa: BLE001 - cannot set it up: trace, lower and compile instead
        return None
    return _load(os.path.join(folder, name))


def types_of(compiled):
    """((shape, dtype) of each argument, of each result) of a compiled program, or None."""
    import jax
    try:
        return tuple(tuple((tuple(a.shape), str(a.dtype)) for a in jax.tree_util.tree_leaves(x))
                     for x in (compiled.in_avals, compiled.out_info))
    except Exception:  # noqa: BLE001 - private structure moved: never matches
        return None


def _init_lapack():
    from jax._src.lax import linalg
    linalg.initialize_lapack()


# Lowering is not pure: the rule of a LAPACK op (svd, qr, eigh...) fills jaxlib's table of
# LAPACK entry points, which the compiled custom call jumps through. A program read back by
# its jaxpr is never lowered, so its alias names what to set up first (without it: a null
# call, the segfault of 60471f9). custom_call target prefix -> (setup name, function)
_SETUPS = {"lapack_": ("lapack", _init_lapack)}
_SETUP_BY_NAME = dict(_SETUPS.values())
_CUSTOM_CALL = re.compile(r'custom_call @([\w.$-]+)|call_target_name = "([^"]+)"')


def _setup_of(text):
    """What a process must set up before running the program lowered to `text` (sorted
    names of _SETUPS), or None where it calls code that has no known setup: never aliased."""
    names = set()
    for match in _CUSTOM_CALL.finditer(text):
        target = match.group(1) or match.group(2)
        found = [n for prefix, (n, _) in _SETUPS.items() if target.startswith(prefix)]
        if not found:
            return None
        names.update(found)
    return sorted(names)


def _alias_path(folder, traced, options, donate):
    """The alias file of a traced program, or None where its jaxpr cannot key it."""
    try:
        closed = traced.jaxpr
        text = str(closed)
        # host functions print by name, not by what they do; an object printed by address
        # differs in every process
        if "callback" in text or " at 0x" in text:
            return None
        parts = [b"jaxpr", repr(sorted((options or {}).items())).encode(),
                 repr(tuple(donate)).encode(), repr(traced.in_avals).encode(),
                 config_key(), text.encode()]
        for c in _consts(closed):
            parts += [repr((c.dtype.str, c.shape)).encode(), c.tobytes()]
        return os.path.join(folder, key_of(parts) + ".alias")
    except Exception:  # noqa: BLE001 - private structure moved: key by the lowered text
        return None


def config_key():
    """JAX's configuration as tracing sees it: global values and this thread's overrides
    (scopeflow traces under a thread-local `jax.enable_x64`)."""
    import jax
    from jax._src import config
    plain = (type(None), bool, int, float, str)
    context = [v if isinstance(v, plain) else type(v).__name__ + ":" + str(v)
               for v in config.trace_context() if isinstance(v, plain) or hasattr(v, "name")]
    return repr((sorted(jax.config.values.items()), context)).encode()


def _consts(closed):
    """The constants of a closed jaxpr and of every closed jaxpr inside it, as NumPy arrays
    (the printed text shows them by name only)."""
    import numpy as np
    from jax.extend import core
    out, seen, todo = [], set(), [closed]
    while todo:
        j = todo.pop()
        if id(j) in seen:
            continue
        seen.add(id(j))
        if isinstance(j, core.ClosedJaxpr):
            out += [np.asarray(x) for x in j.consts]
            j = j.jaxpr
        for eqn in j.eqns:
            for v in eqn.params.values():
                todo += [x for x in (v if isinstance(v, tuple) else (v,))
                         if isinstance(x, (core.ClosedJaxpr, core.Jaxpr))]
    return out


def _through_alias(folder, alias, traced):
    """(the program an alias file names, its file name, its setup names), if both files are
    there, readable and of `traced`'s argument and result types, with what it needs set up
    (see _SETUPS)."""
    try:
        with open(alias, "rb") as f:
            key, *setup = f.read().decode().split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    hit = _set_up_and_load(folder, key, setup)
    if hit is None or not _same_types(hit, traced):
        return None
    stats["disk_hits"] += 1
    stats["alias_hits"] += 1
    return hit, key, tuple(setup)


def _same_types(compiled, traced):
    """Whether a program read back takes and returns what `traced` does (shapes, dtypes)."""
    import jax
    try:
        have_in = [(a.shape, a.dtype) for a in jax.tree_util.tree_leaves(compiled.in_avals)]
        have_out = [(a.shape, a.dtype) for a in jax.tree_util.tree_leaves(compiled.out_info)]
        closed = traced.jaxpr
        return (have_in == [(a.shape, a.dtype) for a in closed.in_avals]
                and have_out == [(a.shape, a.dtype) for a in closed.out_avals])
    except Exception:  # noqa: BLE001 - private structure moved: do not trust the alias
        return False


def compile_named(name, lower, what):
    """`lower().compile()` kept on disk under `name` (which must name the program and the
    code it comes from) instead of its lowered text: a hit skips tracing and lowering too."""
    path, hit = _lookup(lambda: key_of([b"named", name.encode()]))
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


class Abandoned(Exception):
    """A compile in the background whose program changed while its lock was let go."""


# a background compile (lowering/ahead.py) lets its graph's build lock go while XLA compiles:
# (lock, state of the program) for this thread, else unset
_yielding = threading.local()


def yielding(lock, state):
    """While set (None: unset), this thread's XLA compiles release `lock` (an RLock it holds)
    and raise Abandoned if `state()` differs after it is taken back."""
    _yielding.how = None if lock is None else (lock, state)


def _compile(lowered, what, options, path):
    how = getattr(_yielding, "how", None)
    t0 = time.perf_counter()
    if how is None:
        compiled = lowered.compile(compiler_options=options) if options else lowered.compile()
    else:  # other runs of the graph build meanwhile (what they learn voids this compile)
        lock, state = how
        before, saved = state(), lock._release_save()
        try:
            compiled = (lowered.compile(compiler_options=options) if options
                        else lowered.compile())
        finally:
            lock._acquire_restore(saved)
        if state() != before:
            raise Abandoned(what)
    seconds = time.perf_counter() - t0
    if seconds > _NOTE_SECONDS and not _quiet():
        print("scopeflow: compiling %s took %.1f s (cached for later runs%s)"
              % (what, seconds, "" if path else ": off"), file=sys.stderr)
    if path is not None and seconds >= _MIN_SECONDS:
        try:
            _store(path, compiled)
        except Exception:  # noqa: BLE001 - a read-only or full disk: run on without it
            pass
    return compiled


_NOTE_SECONDS = 2.0  # a compile longer than this says so on stderr


def _quiet():
    if os.environ.get("SCOPEFLOW_QUIET", "") not in ("", "0"):
        return True
    try:  # (JAX sets level 1 when imported: the line is a warning's, hidden from 2 on)
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")) >= 2
    except ValueError:
        return False


def _key(lowered, options=None, extra=b"", text=None):
    # the text without source locations (they name the user's calling line), constants
    # included in full
    body = (text if text is not None else lowered.as_text(debug_info=False)).encode()
    # the argument types too: jit drops unused arguments from the text, but the executable
    # still checks them (a fed value whose shape the program never reads); and which ones it
    # kept: two programs alike but for which of three [3] variables they read (one whose
    # batch norm folded to a constant but its beta) have the same text and types, and the
    # second one ran the first's executable on another variable
    args = repr((getattr(lowered, "in_avals", None), _kept(lowered))).encode()
    return key_of([repr(sorted((options or {}).items())).encode(), args, body]
                   + ([extra] if extra else []))


def _kept(lowered):
    """The indices of the arguments that `lowered` reads (jit's kept_var_idx); raises where
    JAX no longer tells them (then the program is not cached: _lookup)."""
    kept = lowered._lowering.compile_args["kept_var_idx"]
    return sorted(kept)


def key_of(parts):
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
    write_file(path, pickle.dumps(serialize_executable.serialize(compiled)))
    stats["disk_writes"] += 1
    with _lock:
        if not _pruned[0]:
            _pruned[0] = True
            _prune(os.path.dirname(path))


def write_file(path, data):
    """`data` written to `path` whole or not at all (a temporary file renamed)."""
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
