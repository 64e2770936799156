"""Oracle checks shared by the array-op tests: the whole graph a snippet builds, and values.

`check_graph(oracle, code)` runs `code` under TF and scopeflow and compares every op created
(name, type, input names, output shapes and dtypes, control inputs) and the error raised (class
and the message before TF's node description). `check_values(oracle, code)` runs `fetch` with
`feed` in a Session under both (after `init`, `repeat` times) and compares the values.
"""

import json

import numpy as np
import pytest

from oracle import run_here

_SIG = r'''
def _sig():
    out = []
    for o in tf.get_default_graph().get_operations():
        outs = [(None if t.shape.ndims is None else t.shape.as_list(), t.dtype.name)
                for t in o.outputs]
        out.append([o.name, o.type, [t.name for t in o.inputs], outs,
                    sorted(c.name for c in o.control_inputs)])
    return out
'''


def _wrap(code, tail):
    body = "\n".join("    " + line for line in code.splitlines())
    return (_SIG + "try:\n" + body + "\nexcept Exception as _e:\n"
            "    _err = [type(_e).__name__, [c.__name__ for c in type(_e).__mro__],"
            " str(_e).split(\" for '{{node\")[0]]\nelse:\n    _err = None\n" + tail)


def graph_of(run, code):
    """{'ops': [...], 'err': [class, mro, message] or None, 'res': result} under `run`."""
    out = run(_wrap(code, "result = {'ops': _sig(), 'err': _err, "
                          "'res': globals().get('result')}\n"))
    assert "ok" in out, out
    return out["ok"]


def check_graph(oracle, code):
    there = graph_of(oracle, code)
    here = graph_of(run_here, code)
    _same_error(here["err"], there["err"], code)
    assert here["ops"] == there["ops"], _diff(code, here["ops"], there["ops"])
    assert here["res"] == there["res"], (code, here["res"], there["res"])


def _same_error(here, there, code):
    if there is None:
        assert here is None, "%s\nscopeflow raised %s" % (code, here)
        return
    assert here is not None, "%s\nTF raised %s, scopeflow did not" % (code, there)
    assert there[0] in here[1], "%s\nTF raised %s, scopeflow %s" % (code, there, here)
    assert here[2] == there[2], "%s\nmessages differ:\n  %r\n  %r" % (code, here[2], there[2])


def _diff(code, a, b):
    lines = [code]
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            lines.append("  scopeflow: %s\n  tf:        %s" % (x, y))
    return "\n".join(lines[:40])


_RUN = r'''
with tf.Session() as _s:
    if "init" in globals():
        _s.run(init)
    _v = [_s.run(fetch, feed_dict=globals().get("feed")) for _ in range(globals().get("repeat", 1))]
result = {"v": _enc(_v)}
'''
_ENC = r'''
import numpy as _np
def _enc(v):
    if isinstance(v, (list, tuple)):
        return [_enc(x) for x in v]
    a = _np.asarray(v)
    if a.dtype.kind in "SUO":
        return {"s": [x.decode() if isinstance(x, bytes) else str(x) for x in a.reshape(-1)],
                "shape": list(a.shape)}
    return {"d": a.dtype.name, "shape": list(a.shape),
            "x": a.astype(_np.float64).reshape(-1).tolist() if a.dtype.kind != "c" else None}
'''


def values_of(run, code):
    out = run(_ENC + code + "\n" + _RUN)
    assert "ok" in out, out
    return out["ok"]["v"]


def check_values(oracle, code, rtol=1e-5, atol=1e-6):
    pytest.importorskip("scopeflow.session")
    there = values_of(oracle, code)
    here = values_of(run_here, code)
    _close(here, there, code, rtol, atol)


def _close(a, b, code, rtol, atol):
    if isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), (code, a, b)
        for x, y in zip(a, b):
            _close(x, y, code, rtol, atol)
        return
    msg = "%s\nscopeflow: %s\ntensorflow: %s" % (code, json.dumps(a)[:800], json.dumps(b)[:800])
    assert a.get("shape") == b.get("shape") and a.get("d") == b.get("d"), msg
    if "s" in b:
        assert a["s"] == b["s"], msg
    elif b["x"] is not None:
        np.testing.assert_allclose(np.asarray(a["x"]), np.asarray(b["x"]), rtol=rtol, atol=atol,
                                   err_msg=msg)
