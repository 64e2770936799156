"""tf.read_file / write_file / matching_files (io/file_ops.py) vs TF: graph, values in a
Session and inside Dataset.map, TF's errors, files made atomically with folders on the way."""

import os

import pytest
from oracle import run_here

PROGRAM = """
import os
d = DIR
os.makedirs(d, exist_ok=True)
open(d + "/a.txt", "wb").write(b"hello\\x00world")
open(d + "/b.txt", "wb").write(b"B")
r = tf.read_file(d + "/a.txt")
r2 = tf.io.read_file(tf.constant(d + "/b.txt"), name="rd")
w = tf.write_file(d + "/out.bin", tf.constant("payload"))
w2 = tf.io.write_file(d + "/sub/x.bin", "p2")
m = tf.matching_files(d + "/*.txt")
m2 = tf.io.matching_files([d + "/a*", d + "/nothing*"])
graph = [[op.name, op.type, [i.name for i in op.inputs],
          [o.shape.as_list() for o in op.outputs]]
         for op in tf.get_default_graph().get_operations()]
ds = tf.data.Dataset.from_tensor_slices([d + "/a.txt", d + "/b.txt"]).map(tf.read_file)
it = ds.make_one_shot_iterator().get_next()
out = [graph]
with tf.Session() as s:
    out.append([x.decode("latin-1") if isinstance(x, bytes) else
                [p.decode()[len(d):] for p in x] for x in s.run([r, r2, m, m2])])
    out.append([s.run(w), s.run(w2), open(d + "/out.bin", "rb").read().decode(),
                open(d + "/sub/x.bin", "rb").read().decode()])
    out.append([s.run(it).decode("latin-1"), s.run(it).decode()])
    for bad in [lambda: tf.read_file(d + "/missing.txt"), lambda: tf.read_file(d),
                lambda: tf.write_file(d + "/a.txt/x", "c")]:
        try:
            s.run(bad())
        except tf.errors.OpError as e:
            out.append([type(e).__name__, e.message.split("Node:")[-1].split("\\n")[1]
                        .replace(d, "DIR")])
    out.append(s.run(tf.matching_files(d + "/nope/*.x")).tolist())
result = out
"""


@pytest.mark.oracle
def test_file_ops_match_tf(oracle, tmp_path):
    here = run_here("DIR = %r\n" % str(tmp_path / "sf") + PROGRAM)
    there = oracle("DIR = %r\n" % str(tmp_path / "tf") + PROGRAM)
    assert "ok" in there and here == there


def test_write_file_leaves_no_temporary_file(tmp_path):
    code = ("op = tf.write_file(%r, 'x' * 1000)\nwith tf.Session() as s:\n    s.run(op)\n"
            "result = 1\n" % str(tmp_path / "f.bin"))
    assert run_here(code) == {"ok": 1}
    assert os.listdir(tmp_path) == ["f.bin"]
    assert (tmp_path / "f.bin").read_bytes() == b"x" * 1000
