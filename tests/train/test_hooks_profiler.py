"""tf.train.ProfilerHook against real TF: which steps are traced, the files and run metadata
it writes, and TF's Chrome-trace layout of the timeline."""

import json
import os

import pytest
from oracle import explain, run_here

_PROFILE = """
import os, json
step = tf.train.get_or_create_global_step()
inc = tf.assign_add(step, 1)
x = tf.constant(2.0) * 3.0
hook = tf.train.ProfilerHook(save_steps=2, output_dir=DIR)
with tf.train.MonitoredSession(hooks=[hook]) as sess:
    for _ in range(6):
        sess.run([inc, x])
tf.summary.FileWriterCache.get(DIR).flush()
tags = []
for name in sorted(os.listdir(DIR)):
    if name.startswith("events"):
        for e in tf.train.summary_iterator(os.path.join(DIR, name)):
            if e.HasField("tagged_run_metadata"):
                tags.append([e.step, e.tagged_run_metadata.tag])
trace = json.load(open(os.path.join(DIR, "timeline-4.json")))["traceEvents"]
result = [sorted(f for f in os.listdir(DIR) if not f.startswith("events")), tags,
          # flow arrows ("s"/"t") appear where TF ran producer and consumer on two lanes: timing
          sorted(set(tuple(sorted(ev)) for ev in trace if ev["ph"] not in ("s", "t", "f"))),
          [ev["args"]["name"] for ev in trace if ev["ph"] == "M"][:3]]
"""


@pytest.mark.oracle
def test_profiler_hook_matches_tf(oracle, tmp_path):
    here = run_here("DIR = %r\n" % str(tmp_path / "here") + _PROFILE)
    there = oracle("DIR = %r\n" % str(tmp_path / "there") + _PROFILE)
    assert "ok" in there, there
    assert here == there, explain(_PROFILE, here, there)


def test_timeline_names_the_run(tf, tmp_path):
    step = tf.train.get_or_create_global_step()
    inc = tf.assign_add(step, 1, name="inc")
    hook = tf.train.ProfilerHook(save_steps=1, output_dir=str(tmp_path))
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(2):
            sess.run(inc)
    with open(os.path.join(tmp_path, "timeline-2.json")) as f:
        ops = [ev for ev in json.load(f)["traceEvents"] if ev["ph"] == "X"]
    assert [ev["name"] for ev in ops] == ["_XlaRun"]
    assert "inc:0" in ops[0]["args"].values() and ops[0]["dur"] >= 0


def test_hook_without_global_step_raises(tf, tmp_path):
    with pytest.raises(RuntimeError, match="Global step should be created"):
        tf.train.ProfilerHook(save_steps=1, output_dir=str(tmp_path)).begin()
