"""Batched oracle checks for the math / nn / linalg op tests.

`check_outputs(oracle, snippets)` runs each snippet (which sets `r` to a tensor, op or nested
list of them) under TF and scopeflow in ONE worker call each, and compares, per snippet, the
outputs' names, op types, static shapes and dtypes, or the error class and the message before
TF's node description. `check_all_ops` also compares every op the snippet created.
`check_values` compares Session values (NaN and inf included).
"""

import json

import numpy as np
import pytest

from array_oracle import check_graph, values_of  # noqa: F401 - re-exported for the tests
from oracle import run_here

_PRELUDE = r'''
def _d(t):
    if isinstance(t, (list, tuple)):
        return [_d(x) for x in t]
    if hasattr(t, "op") and hasattr(t, "dtype"):
        return [t.name, t.op.type, None if t.shape.ndims is None else t.shape.as_list(),
                t.dtype.name]
    if hasattr(t, "type") and hasattr(t, "inputs"):
        return [t.name, t.type]
    return repr(t)


def _ops():
    return [[o.name, o.type] for o in tf.get_default_graph().get_operations()]


def _run(src, all_ops):
    tf.reset_default_graph()
    env = dict(tf=tf, np=np)
    try:
        exec(src, env)
        out = _d(env["r"])
    except Exception as e:
        out = ["raises", [c.__name__ for c in type(e).__mro__],
               str(e).split(" for '{{node")[0]]
    return [out, _ops()] if all_ops else out
'''


def _results(run, snippets, all_ops):
    code = _PRELUDE + "result = [_run(s, %r) for s in %r]\n" % (all_ops, list(snippets))
    out = run(code)
    assert "ok" in out, out
    return out["ok"]


def _same(here, there):
    if isinstance(there, list) and there and there[0] == "raises":
        return (isinstance(here, list) and here and here[0] == "raises"
                and there[1][0] in here[1] and here[2] == there[2])
    return here == there


def check_outputs(oracle, snippets, all_ops=False):
    """Every snippet's outputs (or error) agree with TF's; lists all disagreements."""
    there = _results(oracle, snippets, all_ops)
    here = _results(run_here, snippets, all_ops)
    bad = ["%s\n  scopeflow: %s\n  tensorflow: %s" % (s, json.dumps(a)[:1500],
                                                      json.dumps(b)[:1500])
           for s, a, b in zip(snippets, here, there) if not _same(a, b)]
    assert not bad, "\n".join(bad)


def check_all_ops(oracle, snippets):
    check_outputs(oracle, snippets, all_ops=True)


def _floats(xs):
    return np.asarray([float(v) if isinstance(v, str) else v for v in xs], np.float64)


def _close(a, b, code, rtol, atol):
    if isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), (code, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, "%s\n[fetch %d]" % (code, i), rtol, atol)
        return
    msg = "%s\nscopeflow: %s\ntensorflow: %s" % (code, json.dumps(a)[:800],
                                                   json.dumps(b)[:800])
    assert a.get("shape") == b.get("shape") and a.get("d") == b.get("d"), msg
    if "s" in b:
        assert a["s"] == b["s"], msg
    elif b["x"] is not None:
        np.testing.assert_allclose(_floats(a["x"]), _floats(b["x"]), rtol=rtol, atol=atol,
                                   err_msg=msg)


def check_values(oracle, code, rtol=1e-5, atol=1e-5):
    """`fetch` run with `feed` in a Session agrees with TF (values, shapes, dtypes)."""
    pytest.importorskip("scopeflow.session")
    there = values_of(oracle, code)
    here = values_of(run_here, code)
    _close(here, there, code, rtol, atol)
