"""Approximate equality of oracle results: names exact, floats within a tolerance."""

import json


def close(a, b, tol=1e-4):
    """Whether JSON-like results `a` and `b` agree (floats to `tol` absolute + relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) <= tol + tol * abs(b)
    return a == b


def agree(here, there, tol=1e-4):
    """Same values (see `close`) or errors of the same class (TF's MRO) and message; scopeflow
    may add lines after TF's whole message (the scope errors that name both sites)."""
    if "raises" in there:
        return "raises" in here and there["raises"] in here["mro"] and (
            here["msg"] == there["msg"] or here["msg"].startswith(there["msg"] + "\n"))
    return close(here, there, tol)


def explain(code, here, there):
    return "program:\n%s\nscopeflow: %s\ntensorflow: %s" % (
        code, json.dumps(here)[:3000], json.dumps(there)[:3000])


def assert_agree_in_dirs(oracle, tmp_path, program):
    """Runs `program` under TF and scopeflow, each with its own fresh `DIR` (a folder under
    `tmp_path` for the files it writes), and asserts that the results agree."""
    from oracle import run_here
    runs = {}
    for side, run in (("tf", oracle), ("here", run_here)):
        (tmp_path / side).mkdir()
        runs[side] = run("DIR = %r\n" % str(tmp_path / side) + program)
    assert "ok" in runs["tf"], runs["tf"]
    assert agree(runs["here"], runs["tf"]), explain(program, runs["here"], runs["tf"])


def assert_matches_tf(oracle, code):
    """Runs `code` under TF (which must succeed) and scopeflow; asserts that they agree."""
    from oracle import run_here
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


# A program prelude for gradient-graph oracle tests: grad_graph(build) builds
# `ys, xs = build(dtype)` (or `ys, xs, feed`) in a fresh graph per dtype and gives, per dtype,
# the ops of the gradient subgraph (name, type, input names, device) and the values of
# tf.gradients(ys, xs) (those not None; complex ones as [real, imag]).
GRAD_GRAPH = r'''
def grad_graph(build, dtypes=(tf.float32, tf.float64)):
    import numpy as np
    out = []
    for dt in dtypes:
        with tf.Graph().as_default():
            built = build(dt)
            ys, xs, feed = built if len(built) == 3 else tuple(built) + (None,)
            g = [t for t in tf.gradients(ys, xs) if t is not None]
            ops = [[o.name, o.type, [i.name for i in o.inputs], o.device]
                   for o in tf.get_default_graph().get_operations() if '_grad' in o.name]
            with tf.Session() as s:
                values = s.run(g, feed)
            out.append([ops, [[v.real.tolist(), v.imag.tolist()] if np.iscomplexobj(v)
                              else v.tolist() for v in values]])
    return out
'''


def check_grad_graph(oracle, program, tol=1e-4):
    """Runs GRAD_GRAPH + `program` under TF and here; the results must agree (to `tol`; a TF
    error is the program's fault)."""
    from oracle import run_here
    code = GRAD_GRAPH + program
    there = oracle(code)
    assert "ok" in there, there
    here = run_here(code)
    assert "ok" in here and agree(here, there, tol), explain(code, here, there)
