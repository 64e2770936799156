"""Tallies tf-slim 1.1's own test files: which tests pass on TF, which of those pass on scopeflow.

    python tests/slim/tf_slim_tally.py [--out DIR] [FILE ...]   # FILE relative to tf_slim/

Runs every file (or those named) once under the oracle's Python with real TensorFlow and once
under this Python through tf_slim_adapter.py, each in its own subprocess, caching the JSON of
each run under DIR (default /tmp/tf_slim_tally; files in BY_CLASS a TestCase class per
subprocess). Prints per file "scopeflow/TF" and the total,
then the tests that pass on TF and not on scopeflow, with the last line of their error.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

# The TF side: TF's own test module, graph mode, tests collected as the adapter collects them.
_TF_RUNNER = r"""
import json, runpy, sys, types, unittest
nose = types.ModuleType("nose"); nose.tools = types.ModuleType("nose.tools")
nose.tools.nottest = lambda f: setattr(f, "__test__", False) or f
sys.modules.update({"nose": nose, "nose.tools": nose.tools})
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops
ops.Tensor, ops.IndexedSlices = tf.Tensor, tf.IndexedSlices  # names TF 2.21 dropped
from tensorflow.python.ops import control_flow_ops, while_loop  # cluster_loss's, moved
control_flow_ops.while_loop = while_loop.while_loop
tf.disable_eager_execution()
sys.path.insert(0, sys.argv[2])
from tf_slim_adapter import load_test_module
ns = load_test_module(sys.argv[1])
suite, loader = unittest.TestSuite(), unittest.TestLoader()
for v in ns.values():
    if isinstance(v, type) and issubclass(v, unittest.TestCase):
        suite.addTests(loader.loadTestsFromTestCase(v))
class R(unittest.TestResult):
    def __init__(self):
        super().__init__(); self.passed = []
    def addSuccess(self, t):
        self.passed.append(t.id())
r = R(); suite.run(r)
for t, trace in r.failures + r.errors:
    print("%s\n%s" % (t.id(), trace), file=sys.stderr)
print(json.dumps({"passed": sorted(r.passed), "failed": sorted(t.id() for t, _ in r.failures),
                  "errors": sorted(t.id() for t, _ in r.errors), "skipped": []}))
"""


def _run(cmd, env, timeout=1800):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)
    lines = proc.stdout.strip().splitlines()
    try:
        out = json.loads(lines[-1])
    except (IndexError, ValueError):
        return {"passed": [], "failed": [], "errors": ["<file>"], "skipped": [],
                "why": {"<file>": proc.stderr[-2000:]}}
    out["why"] = _reasons(proc.stderr)
    return out


# files run a TestCase class at a time (one subprocess each, results merged): a whole run of
# metric_ops_test takes over half an hour on a loaded machine, mostly streaming_dynamic_auc's
# two 100-batch tests, whose concatenated values grow every step, so each step's program
# compiles anew, and the three new assign ops per step compile too
BY_CLASS = {"metrics/metric_ops_test.py"}


def _run_scopeflow(path, env):
    adapter = [sys.executable, os.path.join(HERE, "tf_slim_adapter.py"), path]
    rel = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
    if not any(rel.endswith(name) for name in BY_CLASS):
        return _run(adapter, env)
    with open(path) as f:
        classes = re.findall(r"^class (\w+)\(", f.read(), re.MULTILINE)
    out = {"passed": [], "failed": [], "errors": [], "skipped": [], "why": {}}
    for name in classes:
        part = _run(adapter + [name], env)
        out["why"].update(part["why"])
        for k, ids in out.items():
            if k != "why":
                ids += part[k] if part[k] != ["<file>"] else ["tf_slim_test.%s" % name]
    return out


def _reasons(stderr):
    """test id -> the last line of its traceback (from the adapter's stderr)."""
    why, current, last = {}, None, ""
    for line in stderr.splitlines():
        if re.match(r"^tf_slim_test\.\S+$", line):
            if current:
                why[current] = last
            current, last = line, ""
        elif line.strip():
            last = line.strip()
    if current:
        why[current] = last
    return why


def _cached(path, make):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    out = make()
    with open(path, "w") as f:
        json.dump(out, f)
    return out


def main():
    from oracle import tf_python
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--out", default="/tmp/tf_slim_tally")
    parser.add_argument("--fresh", action="store_true", help="rerun the scopeflow side")
    args = parser.parse_args()
    python = tf_python()
    base = glob.glob(os.path.join(os.path.dirname(os.path.dirname(python)), "lib", "python*",
                                  "site-packages", "tf_slim"))[0]
    files = args.files or sorted(os.path.relpath(p, base) for p in
                                 glob.glob(os.path.join(base, "**", "*_test.py"), recursive=True))
    os.makedirs(args.out, exist_ok=True)
    tf_env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    sf_env = dict(os.environ, PYTHONPATH=ROOT)
    total_tf = total_sf = 0
    missing = []
    for name in files:
        key = name.replace("/", "__")
        path = os.path.join(base, name)
        tf_out = _cached(os.path.join(args.out, key + ".tf.json"),
                         lambda p=path: _run([python, "-c", _TF_RUNNER, p, HERE], tf_env))
        sf_path = os.path.join(args.out, key + ".sf.json")
        if args.fresh and os.path.exists(sf_path):
            os.remove(sf_path)
        sf_out = _cached(sf_path, lambda p=path: _run_scopeflow(p, sf_env))
        on_tf = set(tf_out["passed"])
        on_sf = on_tf & set(sf_out["passed"])
        total_tf += len(on_tf)
        total_sf += len(on_sf)
        print("%-40s %4d/%-4d" % (name, len(on_sf), len(on_tf)), flush=True)
        for test in sorted(on_tf - on_sf):
            missing.append((name, test, sf_out["why"].get(test) or
                            sf_out["why"].get("<file>", "")[-300:]))
    print("TOTAL %d/%d" % (total_sf, total_tf))
    for name, test, why in missing:
        print("%s %s :: %s" % (name, test, why[:200]))


if __name__ == "__main__":
    main()
