"""Real TensorFlow as a test oracle, in a worker process (TF is never imported here).

    def test_names(oracle):
        code = "x = tf.constant(1.0); result = [x.name]"
        assert run_here(code) == oracle(code)

The worker runs each snippet after `tf.reset_default_graph()` with `tf` bound to
`tensorflow.compat.v1` (v2 behaviour disabled) and returns its `result`, made JSON-friendly.
An exception in the snippet comes back as {"raises": class name, "mro": [...], "msg": ...}.
Where TF is not installed the `oracle` fixture skips the test.
"""

import json
import os
import re
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

_WORKER = r'''
import json, os, sys, traceback, warnings
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
warnings.filterwarnings("ignore")
sys.path.insert(0, %(here)r)
import logging
logging.disable(logging.WARNING)
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
tf.get_logger().setLevel("ERROR")
from oracle import evaluate
out = sys.stdout
sys.stdout = sys.stderr
out.write("ready\n"); out.flush()
for line in sys.stdin:
    code = json.loads(line)
    out.write(json.dumps(evaluate(tf, code)) + "\n"); out.flush()
'''


# helpers for oracle snippets: err(f) -> "ok" or [error class, TF's message line];
# graph() -> [name, type, input names, [[output name, dtype, shape]]] per op
# A slim net built under TF and scopeflow alike: prelude of a program that sets `build` (a
# function of the images placeholder returning (net, end_points)), then NET_RECORD with SIZE
# (the image size) and VALUES (whether to run the net) replaced.
NET_PRELUDE = r"""
import numpy as np
slim = tf.contrib.slim if hasattr(tf, "contrib") else __import__("tf_slim")
nets = slim.nets if hasattr(slim, "nets") else __import__("tf_slim.nets").nets
"""
NET_RECORD = r"""
tf.set_random_seed(7)
images = tf.placeholder(tf.float32, [1, SIZE, SIZE, 3], name="images")
net, ends = build(images)
g = tf.get_default_graph()
feed = {images: np.cos(np.arange(SIZE * SIZE * 3) * 0.37).reshape(1, SIZE, SIZE, 3) * 60.0}
out = []
if VALUES:  # seeded initializers are TF's, so the logits are too
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(net, feed)
result = {"ops": sorted([op.name, op.type] for op in g.get_operations()),
          "vars": [[v.name, v.shape.as_list()] for v in tf.global_variables()],
          "ends": sorted([k, v.name, v.shape.as_list()] for k, v in ends.items()),
          "net": [net.name, net.shape.as_list()],
          "updates": [o.name for o in tf.get_collection(tf.GraphKeys.UPDATE_OPS)],
          "reg": [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)],
          "model_vars": [v.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)],
          "out": np.asarray(out, np.float64).ravel().tolist()}
"""


def net_program(call, size, arg_scope, values):
    """A program building slim net `call` (of `x`) on a `size` image, inside the context
    expression `arg_scope` (e.g. "slim.arg_scope(nets.vgg.vgg_arg_scope())") when given."""
    if arg_scope:
        build = ("def build(x):\n    with %s:\n        return %s\n" % (arg_scope, call))
    else:
        build = "def build(x):\n    return %s\n" % call
    record = NET_RECORD.replace("SIZE", str(size)).replace("VALUES", str(bool(values)))
    return NET_PRELUDE + build + record


def compare_net(oracle, code):
    """Graph, variables, end points and collections equal; logits equal to float32 rounding."""
    import numpy as np
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    out_here, out_there = np.array(mine.pop("out")), np.array(theirs.pop("out"))
    for key in theirs:
        assert mine[key] == theirs[key], (key, explain(code, mine[key], theirs[key]))
    assert out_here.shape == out_there.shape
    if out_there.size:
        scale = np.abs(out_there).max()
        np.testing.assert_allclose(out_here, out_there, rtol=1e-4, atol=1e-5 * scale)


ORACLE_HELPERS = r"""
import re
def err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        m = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", str(e), re.S)
        return [type(e).__name__, m.group(1) if m else str(e)]
def graph():
    return [[op.name, op.type, [i.name for i in op.inputs],
             [[o.name, o.dtype.name, o.shape] for o in op.outputs]]
            for op in tf.get_default_graph().get_operations()]
"""


def tf_python():
    """Path of a Python that has TensorFlow, or None."""
    for cand in (os.environ.get("SCOPEFLOW_TF_PYTHON"), os.path.join(ROOT, ".venv-tf/bin/python"),
                 "/tmp/tf/bin/python"):
        if cand and os.path.exists(cand):
            return cand
    return None


def run_tf_script(script, directory):
    """Runs `script` (a TF program given `directory` as sys.argv[1]) under real TF with its
    oneDNN kernels; returns its stdout. Skips the test where TF is not installed."""
    import pytest
    py = tf_python()
    if py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    proc = subprocess.run([py, "-c", script, str(directory)], capture_output=True, text=True,
                          check=False, timeout=600,
                          env=dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def to_json(x):
    """Plain JSON data for fetched values, names, shapes (floats rounded to 5 places)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return str(x)
        return round(x, 5) + 0.0
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, dict):
        return {str(k): to_json(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if isinstance(x, (list, tuple)):
        return [to_json(v) for v in x]
    if hasattr(x, "tolist"):
        return to_json(x.tolist())
    if hasattr(x, "as_list"):
        return None if x.ndims is None else x.as_list()
    if hasattr(x, "name"):
        return x.name
    raise TypeError("cannot record %r" % type(x))


def evaluate(tf, code):
    """Runs `code` with `tf` on a fresh default graph; returns its JSON `result` or error."""
    import numpy as np
    tf.reset_default_graph()
    env = {"tf": tf, "np": np}
    try:
        exec(code, env)
        return {"ok": to_json(env.get("result"))}
    except Exception as e:  # noqa: BLE001 - the error is the result
        return {"raises": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__],
                "msg": _FRAME_LINE.sub("", str(e))[:2000], "tb": traceback.format_exc()[-1500:]}


# `  File "x.py", line 3, in f` lines of a run-time error's defining stack: where the program
# ran (a test runner, a worker process), not what it did, so left out of the comparison
_FRAME_LINE = re.compile(r'^ +File "[^\n]*", line \d+, in [^\n]*\n', re.M)


class Oracle:
    """A long-lived TF worker: `oracle(code)` returns what `evaluate` returns under TF. A worker
    that dies (TF crashed) fails the snippet it was running and is started again for the next
    one: one crash once failed every later oracle test of its pytest worker (863 in a CI run,
    2026-12-07; all passed again in a fresh worker)."""

    def __init__(self, python, onednn=None):
        # TF's oneDNN kernels (its default on AVX-512 CPUs) are the reference on every CPU:
        # without them some messages and float sums differ and NCHW kernels are missing.
        # `onednn="0"`: TF's Eigen kernels, its default on CPUs without AVX-512
        self._cmd = [python, "-c", _WORKER % {"here": HERE}]
        self._env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=onednn or os.environ.get(
            "TF_ENABLE_ONEDNN_OPTS", "1"))
        self._start()

    def _start(self):
        self._proc = subprocess.Popen(self._cmd, env=self._env, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self._proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError("TF oracle failed to start")

    def __call__(self, code):
        if self._proc.poll() is not None:  # died after answering the last snippet
            self._start()
        try:
            self._proc.stdin.write(json.dumps(code) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            returncode = self._proc.wait(timeout=30)
            self._start()
            raise RuntimeError("TF oracle died (exit status %s); started again" % returncode)
        return json.loads(line)

    def close(self):
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


# a program's helper: a run's values as lists, or its OpError's class and message (the last
# line that does not name the node)
RUN_OR_ERROR = """
def _run(sess, x, feed=None):
    try:
        v = sess.run(x, feed)
    except tf.errors.OpError as e:
        return [type(e).__name__, [s for s in e.message.splitlines() if s[:1] != "\\t"][-1]]
    return [getattr(a, "tolist", lambda: a)() for a in v] if isinstance(v, list) else v.tolist()
"""


# a graph TF made, run here: TF builds `program` (defining `fetch`, a list of tensors, and
# `feed`, {tensor name: value}) and exports it; both import it, initialize the resource
# variables under `w/` and run `fetch` with and without the feed
_EXPORT = """
%s
types = sorted({n.op for f in tf.get_default_graph().as_graph_def().library.function
                for n in f.node_def if n.op.endswith(%r)})
fetched = [t.name for t in tf.nest.flatten(fetch)]
open(path, 'wb').write(tf.get_default_graph().as_graph_def().SerializeToString())
result = [types, fetched, feed]
"""
_IMPORT_AND_RUN = """
gd = tf.GraphDef()
gd.ParseFromString(open(path, 'rb').read())
tf.import_graph_def(gd, name='')
inits = [op for op in tf.get_default_graph().get_operations() if op.type == 'AssignVariableOp'
         and op.name.startswith('w/')]
with tf.Session() as s:
    s.run(inits)
    result = [s.run(fetched), s.run(fetched, feed)]
"""


def tf_graph_runs_here(oracle, path, program, suffix):
    """The types of TF's function-library ops ending in `suffix`, and (here, TF's) results of
    running `program`'s graph, made by TF and imported (see _IMPORT_AND_RUN)."""
    head = "path = %r\n" % path
    made = oracle(head + _EXPORT % (program, suffix))
    assert "ok" in made, made
    types, fetched, feed = made["ok"]
    code = head + "fetched = %r\nfeed = %r\n" % (fetched, feed) + _IMPORT_AND_RUN
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    return types, here, there


def run_here(code, module="scopeflow.compat.v1"):
    """Runs `code` under scopeflow in this process, same protocol as the oracle."""
    import importlib
    return evaluate(importlib.import_module(module), code)


# Snippet helpers: `attempt(f)` is ["ok", shown(value)] or [error class, TF's message line
# (the node's line of a run-time error)]; a snippet may define its own `shown` after them.
ATTEMPT = """
def first_line(e):
    m = str(e)
    return [type(e).__name__, m.split("Node: ")[1].split("\\n")[1] if "Node: " in m
            else m.split("\\n")[0][:400]]
def shown(r):
    return np.asarray(r).tolist() if not isinstance(r, (list, tuple, dict)) else str(r)
def attempt(f):
    try:
        return ["ok", shown(f())]
    except Exception as e:
        return first_line(e)
"""

_FED = ATTEMPT + """
def shown(r):
    return np.asarray(r).tolist()
%s
with tf.Session() as s:
    if "init" in dir():
        s.run(init)
    result = attempt(lambda: s.run(out, {p: %r}))
"""


class Expr(str):
    """A fed value written as an expression (`Expr("np.ones([1, 3, 3, 4])")`)."""

    def __repr__(self):
        return str(self)


def fed_case(code, value):
    """A snippet running `out` of `code` (a graph with a placeholder `p`; `init` if it has
    variables) fed `value` (a literal, or an Expr): its result is ["ok", value] or [error
    class, TF's message line]."""
    return _FED % (code, value)


def same(here, there):
    """Compare two results: values/names equal, or errors of the same class (TF's MRO)."""
    if "raises" in there:
        return "raises" in here and there["raises"] in here["mro"]
    return here == there


def outcome(result):
    """A result's value, or its error's class and message (its traceback left out)."""
    return result["ok"] if "ok" in result else [result["raises"], result["msg"]]


def explain(code, here, there):
    return "program:\n%s\nscopeflow: %s\ntensorflow: %s" % (
        code, json.dumps(here)[:3000], json.dumps(there)[:3000])


if __name__ == "__main__":  # pragma: no cover - manual use: python tests/oracle.py 'code'
    py = tf_python()
    o = Oracle(py)
    src = sys.argv[1]
    print("tf:", o(src))
    try:
        print("scopeflow:", run_here(src))
    except Exception:  # noqa: BLE001
        traceback.print_exc()


def bit_mismatches(got, want):
    """Indices where float32 arrays (or their uint32 bits) differ, NaNs of any payload alike."""
    import numpy as np
    got, want = (a if a.dtype == np.uint32 else a.astype(np.float32).view(np.uint32)
                 for a in (np.asarray(got), np.asarray(want)))
    nan = np.isnan(want.view(np.float32)) & np.isnan(got.view(np.float32))
    return np.nonzero((got != want) & ~nan)[0]


def bits_compared(oracle, code, x, names):
    """Runs `code` (its result: per size n, per output, the float32 bits of its values on
    x[:n] as uint32 lists) under TF and here, and asserts the bits are equal."""
    import numpy as np
    there, here = oracle(code), run_here(code)
    assert "ok" in there and "ok" in here, (there, here)
    for want_n, got_n in zip(there["ok"], here["ok"]):
        for name, want, got in zip(names, want_n, got_n):
            bad = bit_mismatches(np.array(got, np.uint32), np.array(want, np.uint32))
            assert bad.size == 0, (name, len(want), x[bad[:5]])


def fed_cases_match(oracle, code, values):
    """`fed_case(code, v)` gives TF's value or error here, for each of `values`."""
    for value in values:
        snippet_matches(oracle, fed_case(code, value))


# values of ranks 1, 0, 2 and 3 for a placeholder of unknown shape (`p`)
RANKS = ([0.0, 1.0, 2.0], 1.0, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[[1.0, 2.0]]])


def unknown_rank_matches(oracle, expr):
    """`out = expr` of a float32 placeholder `p` of unknown shape, fed each of RANKS: TF's
    value or TF's error (a kernel's check of a rank the graph did not know)."""
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32); out = " + expr, RANKS)


def snippet_matches(oracle, snippet):
    """`snippet` gives TF's value or TF's error (class and message line) here."""
    here, there = outcome(run_here(snippet)), outcome(oracle(snippet))
    assert here == there, explain(snippet, here, there)


def assert_float32_bits_equal(names, here, there):
    """Each of `here` and `there` (run_here / oracle results whose "ok" is a list of float32
    arrays as int32 bit lists): the same bits per list, NaN matching any NaN."""
    import numpy as np
    for name, mine, theirs in zip(names, here["ok"], there["ok"]):
        mine, theirs = np.array(mine, np.int32), np.array(theirs, np.int32)
        nan = np.isnan(mine.view(np.float32)) & np.isnan(theirs.view(np.float32))
        bad = np.nonzero((mine != theirs) & ~nan)[0]
        assert not len(bad), (name, len(bad), bad[:5])
