"""Keeping freed host memory for the next run: XLA:CPU's large run buffers without page faults.

XLA:CPU allocates a run's temporary buffers as one block with `malloc` on its worker threads and
frees it when the run ends (the CNN of benchmarks/train.py: 57 MiB a step; slim's resnet_v1_50
at batch 32: about 400 MiB). glibc serves a block of 32 MiB or more with `mmap` and unmaps it on
`free` (its adaptive threshold stops at 32 MiB), and a worker thread's own heap (arena) that
becomes all free is unmapped too, so every run faults all those pages in again, zero-filled by
the kernel: on that CNN 14,500 minor faults and about 30 ms of system CPU a step, which TF (23
faults a step: its tensors are smaller blocks that glibc keeps) does not pay. `keep()` makes
glibc serve every block from its heaps (`M_MMAP_MAX` 0), keep up to `KEEP_BYTES` free at a
heap's top (`M_TRIM_THRESHOLD`) and keep a thread's heap that is all free (`M_TOP_PAD`: glibc
deletes such a heap only when its top pad is smaller): the next run reuses the same pages. A
thread's heap holds at most 64 MiB, so a larger block made on a worker thread (resnet_v1_50's at
batch 32) is still mapped apart; giving every thread the main heap (`M_ARENA_MAX` 1) would keep
those too, but the threads then wait on one lock, and XLA's compiles (which allocate on several
threads) took 20% longer (README).

It is a setting of the whole process (every later `malloc` of the process follows it, and
memory freed below the heap's top stays with the process, as with TF's own allocators), so
scopeflow makes it only where the process is its own: `scopeflow run` (cli.py), unless
`SCOPEFLOW_KEEP_MEMORY=0`. A program that imports scopeflow opts in with
`SCOPEFLOW_KEEP_MEMORY=1` (taken at its first Session) or by calling `keep()`. Other C
libraries than glibc have no such switches: `keep()` then does nothing and returns False.

>>> from scopeflow.lowering import host_memory
>>> host_memory.wanted(default=False, environ={"SCOPEFLOW_KEEP_MEMORY": "1"})
True
"""

import ctypes
import os
import threading

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_MAX = -4
KEEP_BYTES = 1 << 30  # free memory a heap keeps at its top (more is given back to the system)
ENV = "SCOPEFLOW_KEEP_MEMORY"

# (see the module's doc; measured in README "Host memory between runs")
_SETTINGS = ((_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, KEEP_BYTES), (_M_TOP_PAD, KEEP_BYTES))

_lock = threading.Lock()
_state = {"kept": False, "asked": False}


def wanted(default, environ=None):
    """Whether freed memory is to be kept: `SCOPEFLOW_KEEP_MEMORY` (1 / 0) or `default`."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return default


def keep():
    """Makes glibc keep freed memory for reuse (see the module); True where it did (or had)."""
    with _lock:
        if not _state["kept"]:
            libc = _glibc()
            _state["kept"] = libc is not None and all(
                libc.mallopt(param, value) == 1 for param, value in _SETTINGS)
        return _state["kept"]


def from_environment(default):
    """`keep()` if `wanted(default)`, once a process (later calls return the first answer)."""
    if _state["asked"]:
        return _state["kept"]
    _state["asked"] = True
    return keep() if wanted(default) else False


def _glibc():
    """The process's C library through ctypes where it is glibc (mallopt and its parameters
    are glibc's), else None."""
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - raises AttributeError elsewhere (musl, macOS)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return libc
