"""No false alarms: the models of benchmarks/ (built, initialized and trained for a step with
their runs recorded, or linted as scripts by `scopeflow lint`) give no finding."""

import json
import os
import subprocess
import sys

import pytest

from scopeflow import insight

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import build as build_bench
import checks
import keras_fit
import overhead
import pipeline


def _recorded(tf, make):
    g = tf.Graph()
    with g.as_default(), insight.record_runs():
        make()
    return insight.lint(g)


@pytest.mark.parametrize("model", ["mlp", "cnn", "lstm"])
def test_training_models_are_clean(tf, model):
    arrays = checks.make_arrays(model)
    if model != "lstm":  # one step is enough: a small batch
        arrays = dict(arrays, x=arrays["x"][:8], y=arrays["y"][:8])

    def make():
        x, y, loss, train = checks.build(tf, model, arrays)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run([train, loss], {x: arrays["x"][:8], y: arrays["y"][:8]})

    assert _recorded(tf, make) == []


def test_build_and_overhead_graphs_are_clean(tf):
    assert _recorded(tf, lambda: build_bench.build(tf, 256)) == []

    def make():
        calls, _ = overhead._graph_runs(tf)
        for call in calls.values():
            call()

    assert _recorded(tf, make) == []


def _lint(tmp_path, source, *args):
    script = tmp_path / "bench.py"
    script.write_text(source)
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "scopeflow", "lint", str(script), *args],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600,
                          check=False)


def test_keras_fit_script_is_clean(tmp_path):
    proc = _lint(tmp_path, keras_fit.SCRIPT % {"samples": 64, "epochs": 2, "batch": 32})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("0 findings")


def test_pipeline_script_is_clean(tmp_path):
    path = str(tmp_path / "data.tfrecord")
    pipeline.write_records(path, 300)
    cfg = {"framework": "scopeflow", "path": path, "mode": "train", "warmup": 1, "repeats": 1,
           "batches": 1}
    proc = _lint(tmp_path, pipeline.WORKER, json.dumps(cfg))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.strip().endswith("0 findings")
