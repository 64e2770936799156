"""V1 checkpoints (tf.train.SaverDef.V1): round trips, and the same bytes and values as TF."""

import json

import numpy as np
import pytest

from oracle import run_here
from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint.tensor_slices import V1Reader, open_reader, write_v1

TYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
         "complex64", "complex128", "bool"]


@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
@pytest.mark.parametrize("name", TYPES)
def test_round_trip(tmp_path, name, shape):
    dtype = _dt.as_dtype(name)
    value = (np.arange(int(np.prod(shape))) % 5 - 2).astype(dtype.as_numpy_dtype)
    value = value.reshape(shape)
    if dtype.is_complex:
        value = value * (1 + 1j)
    path = str(tmp_path / "m.ckpt")
    write_v1(path, ["v", "s"], ["", ""], [value, np.array([b"a", b"\x00\xff"], object)],
             [dtype, _dt.string])
    r = V1Reader(path)
    got = r.lookup("v")
    assert got.dtype == value.dtype and got.shape == shape
    np.testing.assert_array_equal(got, value)
    assert r.dtype_and_shape("v") == (dtype, shape)
    assert list(r.lookup("s")) == [b"a", b"\x00\xff"]


def test_pieces_missing_keys_and_types(tmp_path):
    path = str(tmp_path / "m.ckpt")
    full = np.arange(10, dtype=np.float32).reshape(5, 2)
    write_v1(path, ["p", "p"], ["5 2 3,2:0,2", "5 2 0,3:0,2"], [full[3:], full[:3]],
             [_dt.float32] * 2)
    r = open_reader(path)
    np.testing.assert_array_equal(r.lookup("p"), full)
    np.testing.assert_array_equal(r.lookup_slice("p", (5, 2), ((1, 2), (0, -1))), full[1:3])
    with pytest.raises(errors.NotFoundError, match='Tensor name "q" not found in checkpoint'):
        r.lookup("q")
    with pytest.raises(errors.UnimplementedError, match="V1 checkpoints of uint32"):
        write_v1(path, ["u"], [""], [np.zeros(2, np.uint32)], [_dt.uint32])
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files"):
        V1Reader(str(tmp_path / "none*"))


_VARS = r"""
import os
a = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
b = tf.Variable(7, dtype=tf.int64, name="scope/b")
c = tf.Variable(["x", "yz"], name="c")
e = tf.Variable(True, name="e")
f = tf.Variable(np.array([1.5, -2], np.float64), name="f")
h = tf.Variable(np.array([1.5, -2], np.float16), name="h")
i8 = tf.Variable(np.array([1, -2], np.int8), name="i8")
p = tf.get_variable("p", [5, 2], partitioner=tf.fixed_size_partitioner(2),
                    initializer=tf.constant_initializer(0.25))
everything = [a, b, c, e, f, h, i8] + list(p)
"""

_SAVE = _VARS + r"""
saver = tf.train.Saver(write_version=tf.train.SaverDef.V1, sharded=SHARDED)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    path = saver.save(sess, PATH)
result = [path, sorted(os.listdir(os.path.dirname(PATH)))]
"""

_RESTORE = _VARS + r"""
saver = tf.train.Saver(write_version=tf.train.SaverDef.V1)
with tf.Session() as sess:
    sess.run([v.initializer for v in everything[:1]])  # the others come from the file alone
    saver.restore(sess, PATH)
    values = sess.run(everything)
r = tf.train.NewCheckpointReader(PATH)
result = [[v.tolist() if hasattr(v, "tolist") else v for v in values],
          sorted(r.get_variable_to_shape_map().items()), r.has_tensor("p"), r.has_tensor("z")]
"""


def _code(template, path, sharded=False):
    return template.replace("PATH", json.dumps(path)).replace("SHARDED", str(sharded))


@pytest.mark.oracle
def test_same_file_as_tf_and_each_restores_the_others(tmp_path, oracle):
    (tmp_path / "tf").mkdir()
    (tmp_path / "sf").mkdir()
    tf_path, sf_path = str(tmp_path / "tf" / "model.ckpt"), str(tmp_path / "sf" / "model.ckpt")
    there = oracle(_code(_SAVE, tf_path))
    here = run_here(_code(_SAVE, sf_path))
    assert there == {"ok": [tf_path, ["checkpoint", "model.ckpt", "model.ckpt.meta"]]}
    assert here == {"ok": [sf_path, ["checkpoint", "model.ckpt", "model.ckpt.meta"]]}
    with open(tf_path, "rb") as f1, open(sf_path, "rb") as f2:
        assert f1.read() == f2.read()
    restored_here = run_here(_code(_RESTORE, tf_path))
    assert "ok" in restored_here, restored_here
    assert restored_here == oracle(_code(_RESTORE, sf_path))
    assert restored_here["ok"][0][1] == 7 and restored_here["ok"][0][2] == ["x", "yz"]


@pytest.mark.oracle
def test_reads_tf_sharded_v1(tmp_path, oracle):
    path = str(tmp_path / "model.ckpt")
    there = oracle(_code(_SAVE, path, sharded=True))
    assert "ok" in there, there
    pattern = there["ok"][0]
    assert pattern.endswith("-?????-of-00001")
    assert run_here(_code(_RESTORE, pattern)) == oracle(_code(_RESTORE, pattern))


@pytest.mark.oracle
def test_v1_saver_graph_matches_tf(oracle):
    code = ("v = tf.Variable([1.0], name='v'); w = tf.Variable(2, name='w'); "
            "s = tf.train.Saver(write_version=tf.train.SaverDef.V1)\n"
            "result = [[o.name, o.type, [i.name for i in o.inputs]] for o in "
            "tf.get_default_graph().get_operations()] + [str(s.saver_def)]")
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


_SHARDED_SAVE = r"""
import os
a = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
with tf.device("/cpu:0"):  # a second device: two shards
    b = tf.Variable(7, dtype=tf.int64, name="scope/b")
    c = tf.Variable(["x", "yz"], name="c")
p = tf.get_variable("p", [5, 2], partitioner=tf.fixed_size_partitioner(2),
                    initializer=tf.constant_initializer(0.25))
saver = tf.train.Saver(write_version=tf.train.SaverDef.V1, sharded=True, max_to_keep=2)
ops = [[o.name, o.type, o.device, [i.name for i in o.inputs], [i.name for i in o.control_inputs]]
       for o in tf.get_default_graph().get_operations() if o.name.startswith("save")]
d = os.path.dirname(PATH)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    paths = [saver.save(sess, PATH, global_step=s) for s in (1, 2, 3)]
    files = sorted(os.listdir(d))
    data = {f: open(os.path.join(d, f), "rb").read().hex() for f in files if "-3-" in f}
    sess.run(tf.assign(a, tf.zeros([2, 3])))
    saver.restore(sess, paths[-1])
    restored = sess.run(a).tolist()
    with open(os.path.join(d, "checkpoint")) as f:
        state = f.read().replace(d, "D")
result = [[x.replace(d, "D") for x in paths], files, data, ops, restored,
          tf.train.latest_checkpoint(d).replace(d, "D"), state, str(saver.saver_def)]
"""


@pytest.mark.oracle
def test_writes_sharded_v1_as_tf(tmp_path, oracle):
    """Saver(write_version=V1, sharded=True): TF's ops, file names, bytes, pattern, state file,
    old shards deleted, restore."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "sf").mkdir()
    there = oracle(_code(_SHARDED_SAVE, str(tmp_path / "tf" / "model")))
    assert "ok" in there, there
    assert there["ok"][0][-1] == "D/model-3-?????-of-00002"
    assert run_here(_code(_SHARDED_SAVE, str(tmp_path / "sf" / "model"))) == there
