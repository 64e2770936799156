"""A script measuring whether freed memory stays with its process (lowering/host_memory.py):
it mallocs a 64 MiB block, writes it, frees it and prints `retained <MiB>`, how much of it the
process still holds. `SCRIPT.format(setup=...)` runs `setup` first."""

import textwrap

SCRIPT = textwrap.dedent("""
    import ctypes, os
    {setup}
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    before = rss()
    p = libc.malloc(64 << 20)
    ctypes.memset(p, 1, 64 << 20)
    libc.free(p)
    print("retained %.1f" % (rss() - before))
""")


def retained(stdout):
    """MiB the script's process still held after the free."""
    return float(stdout.split()[-1])
