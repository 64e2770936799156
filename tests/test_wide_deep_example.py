"""examples/wide_deep.py (a census-style DNNLinearCombinedClassifier program) under
`scopeflow run` and under TF with tensorflow_estimator: the same evaluate() dict,
predictions and exported signatures."""

import json
import math
import os
import subprocess
import sys

import pytest
from oracle import tf_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(ROOT, "examples", "wide_deep.py")
TF_RUNNER = os.path.join(ROOT, "tests", "estimator", "canned", "tf_run_program.py")
# one worker runs the module fixture (two 75 s program pairs under xdist otherwise)
pytestmark = pytest.mark.xdist_group("wide_deep_example")


def _run(cmd, tmp_path):
    args = [PROGRAM, "--steps", "3", "--eval_rows", "200", "--out", str(tmp_path)]
    proc = subprocess.run(cmd + args,
                          capture_output=True, text=True, timeout=1200,
                          env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-4, abs_tol=2e-5)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tf = tf_python()
    if tf is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    there = _run([tf, TF_RUNNER], tmp_path_factory.mktemp("tf"))
    here = _run([sys.executable, "-m", "scopeflow", "run"], tmp_path_factory.mktemp("sf"))
    return here, there


@pytest.mark.parametrize("key", ["eval", "predictions", "signatures"])
def test_wide_deep_runs_as_tf(runs, key):
    here, there = runs
    assert _close(here[key], there[key]), (key, here[key], there[key])
