"""The `scopeflow` command: run (tensorflow -> scopeflow), graph, explain, ckpt."""

import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scopeflow import cli

SCRIPT = textwrap.dedent("""
    import sys
    import tensorflow as tf
    import tensorflow.compat.v1 as tf1
    from tensorflow.compat.v1 import name_scope
    tf1.disable_v2_behavior()
    with name_scope("outer"):
        x = tf1.placeholder(tf.float32, [None, 3], name="x")
        y = x + 1.0
        z = tf.add(y, y)
    print(tf.__name__, tf1.__name__)
    print(x.name, y.name, z.name)
    print(__name__, sys.argv)
""")


def _scopeflow(*args, cwd=None):
    """Runs `python -m scopeflow ARGS`; returns (exit status, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "scopeflow", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_run_resolves_tensorflow_to_scopeflow(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    code, out, err = _scopeflow("run", str(script), "--steps", "3", "x")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "scopeflow scopeflow.compat.v1"
    assert lines[1] == "outer/x:0 outer/add:0 outer/Add_1:0"
    assert lines[2] == "__main__ %r" % [str(script), "--steps", "3", "x"]


APP = textwrap.dedent("""
    import tensorflow.compat.v1 as tf
    tf.app.flags.DEFINE_integer("steps", 5, "training steps")
    FLAGS = tf.app.flags.FLAGS
    def main(argv):
        print(FLAGS.steps, argv[1:])
    if __name__ == "__main__":
        tf.app.run()
""")


def test_run_app_parses_known_flags_as_tf(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    code, out, err = _scopeflow("run", str(script), "--steps", "7", "--other")
    assert (code, out) == (0, "7 ['--other']\n"), err


def test_run_script_imports_its_neighbours(tmp_path):
    (tmp_path / "model.py").write_text("import tensorflow as tf\nW = tf.constant(1.0, name='W')\n")
    (tmp_path / "main.py").write_text("import model\nprint(model.W.name)\n")
    code, out, err = _scopeflow("run", str(tmp_path / "main.py"))
    assert (code, out) == (0, "W:0\n"), err


def test_run_unknown_tensorflow_module_names_itself(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("import tensorflow.python.ops.gen_nn_ops\n")
    code, _, err = _scopeflow("run", str(script))
    assert code != 0
    assert "scopeflow does not provide the module tensorflow.python.ops.gen_nn_ops" in err


def test_run_reports_an_uncaught_error_from_the_scripts_frame_as_python(tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("import tensorflow as tf\n\ndef build():\n"
                      "    return tf.reshape(tf.zeros([4]), [3])\n\nbuild()\n")
    code, out, err = _scopeflow("run", str(script))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[:2] == ["Traceback (most recent call last):",
                         '  File "%s", line 6, in <module>' % script], err
    assert "runpy" not in err and "cli.py" not in err
    assert lines[-1].startswith("ValueError: Cannot reshape a tensor with 4 elements")


def test_run_gives_the_script_pythons_paths_and_stacks(tmp_path):
    """Run by a relative path: `__file__` absolute and argv[0] as typed (Python 3.9+), and
    an op's stack and a variable's "Originally defined at" start at the script, without
    runpy's or the CLI's frames."""
    (tmp_path / "paths.py").write_text(
        "import sys\nimport tensorflow as tf\nprint(__file__)\nprint(sys.argv[0])\n"
        "x = tf.reshape(tf.placeholder(tf.float32, name='p'), [2])\n"
        "print(x.op.traceback[0][0], len(x.op.traceback) > 1)\n"
        "with tf.Session() as s:\n"
        "    try:\n        s.run(x, {'p:0': [1., 2., 3.]})\n"
        "    except tf.errors.InvalidArgumentError as e:\n"
        "        print(str(e).split('Original stack trace')[1].splitlines()[1])\n"
        "tf.get_variable('w', [1])\n"
        "try:\n    tf.get_variable('w', [1])\nexcept ValueError as e:\n"
        "    print([l for l in str(e).splitlines() if l.startswith('  File')])\n")
    code, out, err = _scopeflow("run", "paths.py", cwd=str(tmp_path))
    assert code == 0, err
    path = str(tmp_path / "paths.py")
    assert out.splitlines() == [
        path, "paths.py", "%s True" % path, '  File "%s", line 5, in <module>' % path,
        "['  File \"%s\", line 12, in <module>']" % path], out


def test_run_slim_resolves_to_scopeflow(tmp_path):
    script = tmp_path / "slim.py"
    script.write_text("import tensorflow.contrib.slim as slim\nimport tf_slim\n"
                      "print(slim.__name__, tf_slim is slim)\n")
    code, out, err = _scopeflow("run", str(script))
    assert code == 0, err
    name, same = out.split()
    assert name in ("scopeflow.contrib.slim", "scopeflow.slim") and same == "True"


def test_stand_in_package_when_scopeflow_lacks_one(monkeypatch):
    # (an earlier test's `import tensorflow` alias may hold a contrib attribute: not this case)
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    module = cli._resolve("tensorflow.contrib", ["scopeflow.no_such_package"])
    assert (module.__name__, module.__path__) == ("tensorflow.contrib", [])


def test_installed_command_exists():
    command = os.path.join(os.path.dirname(sys.executable), "scopeflow")
    proc = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "run" in proc.stdout and "graph" in proc.stdout


# ----------------------------------------------------------------------------- graph

def _graph_def(nodes):
    from tensorboard.compat.proto import graph_pb2
    g = graph_pb2.GraphDef()
    for name, op_type in nodes:
        g.node.add(name=name, op=op_type)
    return g


NODES = [("w/Initializer/zeros", "Const"), ("w", "VariableV2"), ("w/Assign", "Assign"),
         ("w/read", "Identity"), ("s/a", "Const"), ("s/b/c", "AddV2")]
TREE = """\
w                                                VariableV2
  Initializer/                                   (1 op)
    zeros                                        Const
  Assign                                         Assign
  read                                           Identity
s/                                               (2 ops)
  a                                              Const
  b/                                             (1 op)
    c                                            AddV2
6 nodes
"""


def test_graph_pbtxt_tree(tmp_path):
    from google.protobuf import text_format
    path = tmp_path / "g.pbtxt"
    path.write_text(text_format.MessageToString(_graph_def(NODES)))
    code, out, err = _scopeflow("graph", str(path))
    assert (code, out) == (0, TREE), err


def test_graph_events_logdir_flat(tmp_path):
    from tensorboard.compat.proto import event_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
    writer = EventFileWriter(str(tmp_path))
    writer.add_event(event_pb2.Event(graph_def=_graph_def(NODES).SerializeToString()))
    writer.close()
    code, out, err = _scopeflow("graph", str(tmp_path), "--flat")
    assert code == 0, err
    assert [ln.split() for ln in out.splitlines()[:-1]] == [list(n) for n in NODES]


def test_graph_binary_pb(tmp_path):
    path = tmp_path / "g.pb"
    path.write_bytes(_graph_def(NODES[:2]).SerializeToString())
    assert [n.name for n in cli.load_graph_def(str(path)).node] == ["w/Initializer/zeros", "w"]


_SEGMENT = st.text(alphabet="abAB_1.", min_size=1, max_size=3)


@given(st.lists(st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join), max_size=20))
def test_scope_tree_keeps_every_node(names):
    nodes = [(name, "T%d" % i) for i, name in enumerate(dict.fromkeys(names))]
    tree = cli.scope_tree(nodes)
    for name, op_type in nodes:
        level = tree
        for segment in name.split("/"):
            level = level[segment]
        assert level[None] == op_type
    op_lines = [line for line in cli._tree_lines(tree) if not re.search(r"\(\d+ ops?\)$", line)]
    assert len(op_lines) == len(nodes)


# ----------------------------------------------------------------------------- explain

@pytest.mark.parametrize("name, phrase", [
    ("s/w/read:0", "read: snapshot (Identity) of variable s/w"),
    ("s/w/Adam_1", "Adam_1: Adam's slot variable for s/w"),
    ("beta1_power", "beta1_power: Adam's running power of beta"),
    ("Adam/update_s/w/ApplyAdam", "Adam: name scope and update op of the Adam optimizer"),
    ("gradients_1/MatMul_grad/MatMul_1:1", "MatMul_grad: gradient ops of op MatMul"),
    ("gradients_1/MatMul_grad/MatMul_1:1", "MatMul_1: 'MatMul' made unique"),
    ("add/y:0", "y: a Python or numpy operand of op add"),
    ("s/p/part_1", "part_1: shard 1 of partitioned variable s/p"),
    ("w/Initializer/random_uniform", "Initializer: name scope of the ops computing variable w"),
    ("outer/inner/op", "inner: a name scope"),
    ("outer/inner/op", "op: the op's name"),
])
def test_explain_name(name, phrase):
    lines = cli.explain_name(name)
    assert lines[0].startswith(name + ": op '%s'" % name.partition(":")[0])
    assert any(line.strip().startswith(phrase) for line in lines[1:]), lines


def test_explain_looks_the_op_up(tmp_path):
    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        tf.get_variable("w", [2])
    path = tmp_path / "g.pb"
    path.write_bytes(g.as_graph_def().SerializeToString())
    code, out, err = _scopeflow("explain", "w/read:0", "--graph", str(path))
    assert code == 0, err
    assert out.splitlines()[0].startswith("w/read:0: op of type Identity; the read snapshot")
    assert "  inputs: w:0" in out.splitlines()


# ----------------------------------------------------------------------------- ckpt

CKPT = """
import os
v = tf.get_variable("s/w", [3, 4])
u = tf.Variable([1, 2], name="u")
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    path = saver.save(sess, os.path.join(%r, "model.ckpt"))
result = [[name, shape] for name, shape in tf.train.list_variables(path)]
"""


@pytest.mark.oracle
def test_ckpt_lists_a_tf_checkpoint(oracle, tmp_path):
    pytest.importorskip("scopeflow.checkpoint", reason="scopeflow.checkpoint is not there")
    from scopeflow import checkpoint
    if not hasattr(checkpoint, "list_variables"):
        pytest.skip("scopeflow.checkpoint has no list_variables yet")
    there = oracle(CKPT % str(tmp_path))
    assert "ok" in there, there
    code, out, err = _scopeflow("ckpt", str(tmp_path / "model.ckpt"))
    assert code == 0, err
    assert [line.split(None, 1) for line in out.splitlines()] == [
        [name, str(shape)] for name, shape in there["ok"]]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_run_keeps_freed_memory_for_the_next_run_unless_switched_off(tmp_path, monkeypatch):
    from scopeflow.lowering import host_memory
    if host_memory._glibc() is None:
        pytest.skip("not glibc")
    from retained_memory import SCRIPT, retained
    script = tmp_path / "alloc.py"
    script.write_text(SCRIPT.format(setup=""))
    monkeypatch.delenv(host_memory.ENV, raising=False)
    code, out, err = _scopeflow("run", str(script))
    assert code == 0, err
    assert retained(out) >= 60  # (the freed 64 MiB stays for the next run)
    monkeypatch.setenv(host_memory.ENV, "0")
    code, out, err = _scopeflow("run", str(script))
    assert code == 0, err
    assert retained(out) < 16  # (glibc's default: the block is unmapped)
