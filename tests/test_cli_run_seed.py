"""`scopeflow run` on the seed example: TensorBoard's writer, which imports `tensorflow`,
gets scopeflow's tf.io.gfile; the script prints TF's names and values and logs its graph."""

import glob
import os
import subprocess
import sys

import pytest

from test_seed_example import SCOPED_NODES, SEED, VALUES

IMPORTS = {
    "as_written": None,
    "tensorflow": "import tensorflow as tf",
    "tensorflow_compat_v1": "import tensorflow.compat.v1 as tf",
}


@pytest.mark.parametrize("variant", sorted(IMPORTS))
def test_scopeflow_run_seed_writes_its_graph(tmp_path, variant):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    source = open(SEED).read()
    if IMPORTS[variant]:
        source = source.replace("import scopeflow.compat.v1 as tf", IMPORTS[variant])
    (tmp_path / "seed.py").write_text(source)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", "seed.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "var1:0 my_scope/var2:0 my_scope/Add:0"
    assert VALUES.fullmatch(lines[1]), proc.stdout
    assert glob.glob(os.path.join(tmp_path, "logs", "events.out.tfevents.*"))
    acc = EventAccumulator(str(tmp_path / "logs"))
    acc.Reload()
    names = {node.name for node in acc.Graph().node}
    assert SCOPED_NODES <= names, sorted(SCOPED_NODES - names)


def test_tensorboard_compat_tf_names_resolve():
    """What TensorBoard's writer and loaders look up on `tensorflow`, asked of scopeflow."""
    import scopeflow as tf
    assert isinstance(tf.__version__, str) and tf.__version__ != "stub"
    assert tf.compat.as_str_any(b"x") == "x" and tf.compat.as_bytes("x") == b"x"
    assert callable(tf.compat.v1.io.tf_record_iterator)
    assert tf.compat.v1.errors.raise_exception_on_not_ok_status
    for name in ("makedirs", "GFile", "isdir", "listdir", "glob", "walk", "exists", "stat"):
        assert callable(getattr(tf.io.gfile, name)), name
    for name in ("OpError", "NotFoundError", "OutOfRangeError", "DataLossError"):
        assert issubclass(getattr(tf.errors, name), Exception)
