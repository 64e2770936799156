"""tf.train.Saver: TF's op names, SaverDef, errors, values, and files real TF reads back."""

import os
import re

import numpy as np
import pytest
from oracle import explain, run_here, same

pytest.importorskip("scopeflow.session")

_OPS = "result = [(o.name, o.type, [i.name for i in o.inputs], o.device) " \
       "for o in tf.get_default_graph().get_operations() if o.name.startswith('save')]"

GRAPHS = [
    # one variable: every save/ op, its inputs and devices
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n" + _OPS,
    # partitions are saved through their snapshots, under one name, as slices
    "w = tf.get_variable('w', [2])\n"
    "with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(2)):\n"
    "  v = tf.get_variable('v', [4, 2])\n"
    "s = tf.train.Saver()\n" + _OPS + "\n"
    "g = tf.get_default_graph()\n"
    "result.append([str(t.shape) for t in g.get_operation_by_name('save/RestoreV2').outputs])",
    # a dict renames and sorts by checkpoint name
    "w = tf.get_variable('w', [2])\nv = tf.get_variable('v', [3])\n"
    "s = tf.train.Saver({'b': w, 'a': v})\n" + _OPS,
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver(name='mysaver')\ns2 = tf.train.Saver()\n"
    "s3 = tf.train.Saver(filename='/x/y', max_to_keep=None)\n"
    "result = [str(s.saver_def), str(s2.saver_def), str(s3.saver_def), tf.get_collection('savers'),"
    " s.as_saver_def() is s.saver_def]",
    "w = tf.get_variable('w', [2])\nwith tf.name_scope('outer'):\n  s = tf.train.Saver()\n"
    "result = [str(s.saver_def), str(s.to_proto(export_scope='outer')),"
    " s.to_proto(export_scope='zz')]",
    "w = tf.Variable([1.0], name='w')\nwith tf.variable_scope('a'):\n  x = tf.get_variable('x', [])\n"
    "s = tf.train.Saver([x, w])\n" + _OPS,
    "s = tf.train.Saver(allow_empty=True)\nresult = [s.saver_def is None, s.last_checkpoints]",
    "s = tf.train.Saver()",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver([w, w])",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver({'a': w, 'b': w})",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver([w], defer_build=True)",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver([tf.constant(1.0)])",
    # sharded: a SaveV2 per device into `<prefix>_temp/part-*`, merged; restore per shard
    "w = tf.get_variable('w', [2])\n"
    "with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(2)):\n"
    "  v = tf.get_variable('v', [4, 2])\ns = tf.train.Saver(sharded=True)\n"
    "result = [str(s.saver_def)] + [(o.name, o.type, [i.name for i in o.inputs],"
    " [c.name for c in o.control_inputs], o.device)"
    " for o in tf.get_default_graph().get_operations() if o.name.startswith('save')]",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver(defer_build=True)\nn = len(tf.get_default_graph()"
    ".get_operations())\ns.build()\nresult = [n, str(s.saver_def)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"], explain(code, here, there)


_TMP = "import os, tempfile\nd = tempfile.mkdtemp()\n"

VALUES = [
    # the conformance cases' shapes: step suffix, latest checkpoint, restore
    _TMP + "w = tf.get_variable('w', [1])\nsaver = tf.train.Saver()\n"
    "with tf.Session() as sess:\n  sess.run(tf.global_variables_initializer())\n"
    "  p = saver.save(sess, os.path.join(d, 'model'), global_step=7)\n"
    "  p2 = saver.save(sess, os.path.join(d, 'model'), global_step=tf.constant(12))\n"
    "result = [os.path.basename(p), os.path.basename(p2),"
    " os.path.basename(tf.train.latest_checkpoint(d)), sorted(os.listdir(d))]",
    _TMP + "w = tf.get_variable('w', initializer=[1.0, 2.0])\nsaver = tf.train.Saver()\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n  sess.run(tf.assign(w, [5.0, 6.0]))\n"
    "  path = saver.save(sess, os.path.join(d, 'm'))\n"
    "with tf.Session() as sess:\n  saver.restore(sess, path)\n  result = sess.run(w)",
    _TMP + "with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(2)):\n"
    "  v = tf.get_variable('v', [4, 2])\n"
    "w = tf.Variable([[1, 2]], dtype=tf.int64, name='w')\nsaver = tf.train.Saver(pad_step_number=True)\n"
    "with tf.Session() as sess:\n  sess.run(tf.global_variables_initializer())\n"
    "  sess.run([tf.assign(x, tf.ones_like(x) * (k + 1.0)) for k, x in enumerate(v)])\n"
    "  path = saver.save(sess, os.path.join(d, 'm'), global_step=3, write_meta_graph=False)\n"
    "  sess.run([tf.assign(x, tf.zeros_like(x)) for x in v])\n  saver.restore(sess, path)\n"
    "  result = [os.path.basename(path), sess.run(tf.concat(list(v), 0)),"
    " tf.train.list_variables(d), tf.train.load_variable(path, 'w:0'), sorted(os.listdir(d))]",
    _TMP + "w = tf.get_variable('w', [2])\nsaver = tf.train.Saver(max_to_keep=2)\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  for i in range(4): saver.save(sess, os.path.join(d, 'm'), global_step=i)\n"
    "st = tf.train.get_checkpoint_state(d)\n"
    "result = [[os.path.basename(p) for p in saver.last_checkpoints], sorted(os.listdir(d)),"
    " [os.path.basename(p) for p in st.all_model_checkpoint_paths]]",
    _TMP + "w = tf.get_variable('w', [2])\nsaver = tf.train.Saver(save_relative_paths=True)\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  saver.save(sess, os.path.join(d, 'm'), global_step=1, write_meta_graph=False)\n"
    "result = [open(os.path.join(d, 'checkpoint')).read(), os.path.basename("
    "tf.train.latest_checkpoint(d))]",
    _TMP + "w = tf.get_variable('w', [2])\nsaver = tf.train.Saver()\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  saver.save(sess, os.path.join(d, 'm'), latest_filename='state', write_state=True)\n"
    "result = [sorted(os.listdir(d)), tf.train.latest_checkpoint(d) is None,"
    " os.path.basename(tf.train.latest_checkpoint(d, 'state'))]",
    _TMP + "w = tf.get_variable('w', initializer=[1.0, 2.0])\nsaver = tf.train.Saver(sharded=True)\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  path = saver.save(sess, os.path.join(d, 'm'), global_step=5)\n"
    "  sess.run(tf.assign(w, [0.0, 0.0]))\n  saver.restore(sess, path)\n"
    "  result = [os.path.basename(path), sess.run(w), sorted(os.listdir(d))]",
    # reshape=True restores into a variable of another shape with the same size
    _TMP + "g1 = tf.Graph()\nwith g1.as_default():\n"
    "  w = tf.get_variable('w', initializer=[[1.0, 2.0], [3.0, 4.0]])\n  s1 = tf.train.Saver()\n"
    "  with tf.Session() as sess:\n    sess.run(w.initializer)\n"
    "    path = s1.save(sess, os.path.join(d, 'm'))\n"
    "w2 = tf.get_variable('w', [4])\ns2 = tf.train.Saver(reshape=True)\n"
    "with tf.Session() as sess:\n  s2.restore(sess, path)\n  result = [sess.run(w2), " + _OPS[9:] + "]",
    # errors
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\nwith tf.Session() as sess: s.restore(sess, None)",
    "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n"
    "with tf.Session() as sess: s.restore(sess, '/nonexistent/ckpt')",
    _TMP + "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n"
    "with tf.Session() as sess: s.save(sess, os.path.join(d, 'no', 'such', 'x'))",
    _TMP + "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n"
    "with tf.Session() as sess: s.save(sess, os.path.join(d, 'x'))",
    _TMP + "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  s.save(sess, os.path.join(d, 'checkpoint'))",
    _TMP + "w = tf.get_variable('w', [2])\ns = tf.train.Saver()\n"
    "with tf.Session() as sess:\n  sess.run(w.initializer)\n"
    "  s.save(sess, os.path.join(d, 'm'), latest_filename='a/b')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert _untemp(here["msg"]) == _untemp(there["msg"]), explain(code, here, there)


def _untemp(text):
    """The message without temp folder names; a run error keeps its cause and node lines."""
    text = re.sub(r"/tmp/tmp\w+", "<tmp>", text)
    if text.startswith("Graph execution error"):
        return [ln.strip() for ln in text.splitlines()
                if ln.startswith("Attempting") or "[[{{node" in ln]
    return text


_RESTORE_ERRORS = [
    ("tf.get_variable('zz', [2])", "NotFoundError", "Key zz not found in checkpoint",
     "a Variable name or other graph key that is missing"),
    ("tf.get_variable('w', [3])", "InvalidArgumentError",
     "Assign requires shapes of both tensors to match. lhs shape= [3] rhs shape= [2]",
     "a mismatch between the current graph and the graph"),
    ("tf.get_variable('w', [2], dtype=tf.int32)", "InvalidArgumentError",
     "tensor_name = w; expected dtype int32 does not equal original dtype float",
     "a mismatch between the current graph and the graph"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("make, cls, detail, why", _RESTORE_ERRORS)
def test_restore_errors_match_tf(oracle, tmp_path, make, cls, detail, why):
    prefix = str(tmp_path / "m")
    oracle("w = tf.get_variable('w', [2])\ns = tf.train.Saver()\nwith tf.Session() as sess:\n"
           "  sess.run(w.initializer)\n  s.save(sess, %r)" % prefix)
    code = "v = %s\ns = tf.train.Saver()\nwith tf.Session() as sess: s.restore(sess, %r)" % (
        make, prefix)
    here, there = run_here(code), oracle(code)
    assert here["raises"] == there["raises"] == cls
    for r in (here, there):
        assert r["msg"].startswith("Restoring from checkpoint failed. This is most likely due "
                                   "to %s from the checkpoint." % why)
        assert detail in r["msg"]


# ---- files that real TF reads, and files TF wrote -------------------------------------------
_BUILD = ("w = tf.get_variable('w', initializer=[[1.0, 2.0], [3.0, 4.0]])\n"
          "n = tf.get_variable('n', initializer=np.array([7, 8], np.int64))\n"
          "with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(3)):\n"
          "  v = tf.get_variable('v', [5, 2])\n"
          "step = tf.Variable(0, name='global_step', trainable=False, dtype=tf.int64)\n"
          "saver = tf.train.Saver()\n")
_SAVE = _BUILD + ("with tf.Session() as sess:\n  sess.run(tf.global_variables_initializer())\n"
                  "  sess.run([tf.assign(w, w * 10.0), tf.assign(step, 42)])\n"
                  "  sess.run([tf.assign(x, tf.ones_like(x) * (k + 1.0)) for k, x in enumerate(v)])\n"
                  "  result = os.path.basename(saver.save(sess, %r, global_step=step))\n")
_RESTORE = _BUILD + ("with tf.Session() as sess:\n  saver.restore(sess, %r)\n"
                     "  result = sess.run([w, n, tf.concat(list(v), 0), step])\n")
_EXPECT = [[[10.0, 20.0], [30.0, 40.0]], [7, 8], [[1.0, 1.0]] * 2 + [[2.0, 2.0]] * 2 + [[3.0, 3.0]],
           42]


@pytest.mark.oracle
def test_tf_restores_what_scopeflow_saved(oracle, tmp_path):
    prefix = str(tmp_path / "model")
    here = run_here("import os\n" + _SAVE % prefix)
    assert here == {"ok": "model-42"}, here
    there = oracle(_RESTORE % (prefix + "-42"))
    assert there == {"ok": _EXPECT}, there
    listed = oracle("result = tf.train.list_variables(%r)" % str(tmp_path))
    assert listed == {"ok": [["global_step", []], ["n", [2]], ["p/v", [5, 2]], ["w", [2, 2]]]}


@pytest.mark.oracle
def test_scopeflow_restores_what_tf_saved(oracle, tmp_path):
    prefix = str(tmp_path / "model")
    assert oracle("import os\n" + _SAVE % prefix) == {"ok": "model-42"}
    here = run_here(_RESTORE % (prefix + "-42"))
    assert here == {"ok": _EXPECT}, here


@pytest.mark.oracle
def test_meta_graph_both_ways(oracle, tmp_path):
    """A `.meta` written by one side is imported by the other, whose Saver restores it."""
    restore = ("saver = tf.train.import_meta_graph(%r)\n"
               "g = tf.get_default_graph()\n"
               "with tf.Session() as sess:\n  saver.restore(sess, %r)\n"
               "  result = [sess.run(['w:0', 'n:0', 'global_step:0']),"
               " sorted(v.name for v in tf.global_variables()),"
               " sorted(v.name for v in tf.trainable_variables())]\n")
    for writer, reader, name in ((run_here, oracle, "sf"), (oracle, run_here, "tf")):
        prefix = str(tmp_path / name)
        assert "ok" in writer("import os\n" + _SAVE % prefix)
        path = prefix + "-42"
        got = reader(restore % (path + ".meta", path))
        assert "ok" in got, got
        values, names, trainable = got["ok"]
        assert values == _EXPECT[:2] + [42]
        assert names == ["global_step:0", "n:0", "p/v/part_0:0", "p/v/part_1:0",
                         "p/v/part_2:0", "w:0"]
        assert trainable == ["n:0", "p/v/part_0:0", "p/v/part_1:0", "p/v/part_2:0", "w:0"]


# ---- bookkeeping ------------------------------------------------------------------------------
def test_recover_and_set_last_checkpoints(tf, tmp_path):
    w = tf.get_variable("w", [2])
    saver = tf.train.Saver(max_to_keep=3)
    with tf.Session() as sess:
        sess.run(w.initializer)
        paths = [saver.save(sess, str(tmp_path / "m"), global_step=i, write_meta_graph=False)
                 for i in range(2)]
    other = tf.train.Saver(max_to_keep=3)
    other.recover_last_checkpoints(paths + [str(tmp_path / "missing")])
    assert other.last_checkpoints == paths
    other.set_last_checkpoints(paths[:1])
    assert other.last_checkpoints == paths[:1]
    other.set_last_checkpoints_with_time([(paths[1], 5.0)])
    assert other.last_checkpoints == paths[1:]


def test_keep_every_n_hours_spares_old_checkpoints(tf, tmp_path):
    w = tf.get_variable("w", [2])
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=0.0)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for i in range(3):
            saver.save(sess, str(tmp_path / "m"), global_step=i, write_meta_graph=False)
    names = sorted(os.listdir(tmp_path))
    assert "m-0.index" in names and "m-2.index" in names
    assert saver.last_checkpoints == [str(tmp_path / "m-2")]


def test_saver_from_saver_def_restores(tf, tmp_path):
    w = tf.get_variable("w", initializer=[1.0, 2.0])
    saver = tf.train.Saver()
    again = tf.train.Saver(saver_def=saver.as_saver_def())
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = again.save(sess, str(tmp_path / "m"), write_meta_graph=False)
        sess.run(tf.assign(w, [0.0, 0.0]))
        again.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_empty_saver_saves_nothing(tf, tmp_path):
    saver = tf.train.Saver(allow_empty=True)
    tf.constant(1.0)
    with tf.Session() as sess:
        assert saver.save(sess, str(tmp_path / "m"), write_meta_graph=False) is None
        assert saver.restore(sess, str(tmp_path / "m")) is None
    assert os.listdir(tmp_path) == []


def test_save_before_build_is_an_error(tf, tmp_path):
    tf.get_variable("w", [2])
    saver = tf.train.Saver(defer_build=True)
    with tf.Session() as sess, pytest.raises(RuntimeError, match="defer_build"):
        saver.save(sess, str(tmp_path / "m"))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o640  # the mode TF's files get: 0666 less the umask
    os.umask(old)


def test_files_are_created_with_the_process_umask(tf, tmp_path, umask_027):
    v = tf.Variable([1.0, 2.0], name="v")
    s = tf.summary.scalar("x", tf.constant(1.0))
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        saver.save(sess, str(tmp_path / "model"))
        with tf.summary.FileWriter(str(tmp_path / "logs"), sess.graph) as w:
            w.add_summary(sess.run(s), 1)
    files = sorted((p for p in tmp_path.rglob("*") if p.is_file()), key=lambda p: p.name)
    names = [p.name for p in files]
    assert names[0] == "checkpoint" and names[1].startswith("events.out.tfevents.")
    assert names[2:] == ["model.data-00000-of-00001", "model.index", "model.meta"]
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {
        n: oct(umask_027) for n in names}


def test_a_failed_save_leaves_no_temporary_files(tf, tmp_path, monkeypatch):
    from scopeflow.checkpoint import bundle
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable([3.0], name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run([v.initializer, w.initializer])
        saver.save(sess, str(tmp_path / "model"))
        before = sorted(os.listdir(tmp_path))
        calls = []

        def disk_full(value, dtype):  # the second tensor's write fails, as a full disk would
            calls.append(dtype)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return real(value, dtype)

        real = bundle._encode
        monkeypatch.setattr(bundle, "_encode", disk_full)
        with pytest.raises(OSError):
            saver.save(sess, str(tmp_path / "model"), global_step=1)
        monkeypatch.setattr(bundle, "_encode", real)
        monkeypatch.setattr(bundle, "atomic_write", _failing_write)  # the .index write fails
        with pytest.raises(OSError):
            saver.save(sess, str(tmp_path / "other"))
    left = sorted(os.listdir(tmp_path))
    assert not [n for n in left if "tempstate" in n or ".tmp" in n]
    # what TF leaves too: its data file is renamed into place before the index is written
    assert [n for n in left if n not in before] == ["other.data-00000-of-00001"]


def _failing_write(path, data):
    raise OSError(28, "No space left on device")


def test_atomic_write_cleans_up_and_keeps_the_old_file(tmp_path, monkeypatch):
    from scopeflow.checkpoint import bundle
    path = str(tmp_path / "checkpoint")
    bundle.atomic_write(path, b"old")

    def no_rename(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(bundle.os, "replace", no_rename)
    with pytest.raises(OSError):
        bundle.atomic_write(path, b"new")
    assert os.listdir(tmp_path) == ["checkpoint"] and open(path, "rb").read() == b"old"
