"""Where ops were defined: a cheap capture per op, turned into TF's frames only when asked.

Graph building is a benchmark, so `capture()` records (code object, bytecode offset) pairs in
C++ (JAX's own traceback capture, a few hundred ns); file names and lines are worked out when
`Operation.traceback` or a run-time error asks for them.

>>> frames(capture())[-1].name
'<module>'
"""

import os
import sys
import traceback as _traceback

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

try:  # JAX's C++ traceback: the same capture JAX makes for every traced equation
    from jax._src.lib import xla_client as _xc

    _get = _xc.Traceback.get_traceback
    _line = _xc.Traceback.code_addr2line

    def _raw(tb):
        codes, offsets = tb.raw_frames()
        return list(zip(codes, offsets))

except (ImportError, AttributeError):  # pragma: no cover - a JAX without it: plain Python
    def _get():
        f, out = sys._getframe(1), []
        while f is not None:
            out.append((f.f_code, f.f_lasti))
            f = f.f_back
        return tuple(out)

    def _line(code, offset):
        for start, end, line in code.co_lines():
            if start <= offset < end:
                return line
        return code.co_firstlineno

    def _raw(tb):
        return list(tb)


capture = _get  # () -> an opaque record of the calling stack (innermost first)

_script = [None]  # the script `scopeflow run` runs (absolute path), once it runs one


def launched(path):
    """Marks `path` as the script `scopeflow run` runs: tracebacks start at its first frame,
    as under `python script.py` (runpy's and scopeflow's CLI frames above it left out)."""
    _script[0] = path


def frames(tb):
    """TF's `Operation.traceback`: FrameSummary objects, most recent call last."""
    if tb is None:
        return []
    raw = _raw(tb)[::-1]
    script = _script[0]
    if script is not None:
        first = next((i for i, (code, _) in enumerate(raw) if code.co_filename == script), 0)
        raw = raw[first:]
    return [_traceback.FrameSummary(code.co_filename, _line(code, offset), code.co_name,
                                    lookup_line=False, line="") for code, offset in raw]


def is_script_module(code):
    """Whether `code` is the module code of the script `scopeflow run` runs (the outermost
    frame a user sees)."""
    return code.co_filename == _script[0] and code.co_name == "<module>"


def is_user_frame(frame):
    """Whether a frame is the user's (TF leaves its own frames out of error messages)."""
    return not frame.filename.startswith(_PACKAGE) and "<frozen " not in frame.filename


def format_frames(frame_list):
    """TF's lines for frames: `  File "f.py", line 3, in build`."""
    return ['  File "%s", line %s, in %s\n' % (f.filename, f.lineno, f.name)
            for f in frame_list]
