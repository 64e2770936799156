"""FileWriter: events files that TensorBoard's own reader loads, graph and scopes included."""

import glob
import os
import warnings

import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import event_pb2, summary_pb2


def _accumulator(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir))
    acc.Reload()
    return acc


def _events(logdir):
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    out = []
    for path in sorted(glob.glob(os.path.join(str(logdir), "events.out.tfevents.*"))):
        out.extend(EventFileLoader(path).Load())
    return out


def test_tensorboard_reads_the_graph_with_scoped_names(tf, tmp_path):
    with tf.name_scope("my_scope"):
        v1 = tf.get_variable("var1", [1], dtype=tf.float32)
        v2 = tf.Variable(1, name="var2", dtype=tf.float32)
        tf.add(v1, v2)
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        sess.run(tf.global_variables_initializer())
        writer.close()
    acc = _accumulator(tmp_path)
    names = {n.name for n in acc.Graph().node}
    assert {"var1", "var1/read", "my_scope/var2", "my_scope/var2/read", "my_scope/Add"} <= names
    assert acc.Tags()["graph"] and acc.Tags()["meta_graph"]
    add = next(n for n in acc.Graph().node if n.name == "my_scope/Add")
    assert add.op == "AddV2" and list(add.input) == ["var1/read", "my_scope/var2/read"]
    assert add.attr["_output_shapes"].list.shape[0].dim[0].size == 1


def test_summaries_session_logs_and_run_metadata(tf, tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_session_log(event_pb2.SessionLog(status=event_pb2.SessionLog.START), 1)
    s = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="loss", simple_value=0.5)])
    w.add_summary(s, global_step=3)
    w.add_summary(s.SerializeToString(), global_step=4)
    w.add_run_metadata(tf.RunMetadata(), "step1", 2)
    with pytest.raises(ValueError, match="already used"):
        w.add_run_metadata(tf.RunMetadata(), "step1")
    w.close()
    acc = _accumulator(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(3, 0.5), (4, 0.5)]
    assert acc.Tags()["run_metadata"] == ["step1"]
    assert _events(tmp_path)[0].file_version == "brain.Event:2"


def test_close_warns_and_reopen_starts_a_new_file(tf, tmp_path):
    w = tf.summary.FileWriter(str(tmp_path), filename_suffix=".v1")
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.)]), 1)
    w.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w.flush()
    assert any("closed FileWriter" in str(c.message) for c in caught)
    w.reopen()
    w.add_graph(tf.get_default_graph())
    w.close()
    files = glob.glob(os.path.join(str(tmp_path), "events.out.tfevents.*"))
    assert len(files) == 2 and all(f.endswith(".v1") for f in files)
    assert w.get_logdir() == str(tmp_path)


def test_events_file_as_tfs(tf, tmp_path):
    """Made at the first event (none for a writer that gets none), named
    events.out.tfevents.<10-digit seconds>.<host><suffix>, opened by an Event with the file
    version and TF's writer name at whole seconds; a second writer within the same second
    keeps the first one's file (TF would truncate it): its file is named for a later second."""
    import re
    import socket
    tf.summary.FileWriter(str(tmp_path / "empty")).close()
    assert not os.path.exists(str(tmp_path / "empty")) or not os.listdir(str(tmp_path / "empty"))
    for _ in range(2):
        with tf.summary.FileWriter(str(tmp_path), filename_suffix=".s") as w:
            w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=2.)]), 7)
    names = sorted(os.listdir(str(tmp_path / "")))
    names = [n for n in names if n != "empty"]
    host = re.escape(socket.gethostname())
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\.%s\.s" % host, names[0]), names
    assert len(names) == 2 and re.fullmatch(r"events\.out\.tfevents\.\d{10}\.%s\.s" % host,
                                            names[1]), names
    first, second = list(tf.train.summary_iterator(str(tmp_path / names[0])))
    assert int(names[0].split(".")[3]) == first.wall_time
    assert first.file_version == "brain.Event:2" and first.wall_time == int(first.wall_time)
    assert first.source_metadata.writer == "tensorflow.core.util.events_writer"
    assert (second.step, second.summary.value[0].simple_value) == (7, 2.)


def test_add_graph_argument_errors(tf, tmp_path):
    with tf.summary.FileWriter(str(tmp_path)) as w:
        with pytest.raises(ValueError, match="only graph, or graph_def"):
            w.add_graph(tf.get_default_graph(), graph_def=tf.get_default_graph().as_graph_def())
        with pytest.raises(TypeError, match="instance of `Graph`"):
            w.add_graph(3)
        w.add_graph(None, graph_def=tf.get_default_graph().as_graph_def())


def test_file_writer_cache_shares_one_writer(tf, tmp_path):
    a = tf.summary.FileWriterCache.get(str(tmp_path))
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is a
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is not a
    tf.summary.FileWriterCache.clear()


UNCLOSED = r"""
import sys
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
x = tf.placeholder(tf.float32, [])
merged = tf.summary.merge([tf.summary.scalar("loss", x), tf.summary.histogram("h", x * 2)])
sess = tf.Session()
writer = tf.summary.FileWriter(sys.argv[1] + "/logs", sess.graph)
for step in range(5):
    writer.add_summary(sess.run(merged, {x: step / 4}), global_step=step)
"""


def test_a_writer_left_open_has_all_its_events_on_disk_at_exit(tmp_path):
    """A program that ends without closing its FileWriter (golbin's TensorBoard2 tutorial) finds
    its summaries in its events file, as under TF, whose writer thread hands each event to the
    C++ writer flushed at exit (only those still queued when the process ends are lost there:
    under load TF's file may stop a few steps short; scopeflow's has them all)."""
    import subprocess
    import sys

    from oracle import ROOT, run_tf_script
    script = tmp_path / "prog.py"
    script.write_text(UNCLOSED)
    (tmp_path / "sf").mkdir()
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", str(script),
                           str(tmp_path / "sf")], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 0, proc.stderr[-3000:]
    run_tf_script(UNCLOSED, tmp_path / "tf")

    def steps(run):
        return [(e.step, [v.tag for v in e.summary.value])  # not the loader's "__run_graph__"
                for e in _events(tmp_path / run / "logs")
                if e.HasField("summary") and e.summary.value[0].tag in ("loss", "h")]
    mine, theirs = steps("sf"), steps("tf")
    assert mine == [(s, ["loss", "h"]) for s in range(5)]
    assert theirs == mine[:len(theirs)], theirs
