"""examples/seed.py (the `make demo` program): names, values and its TensorBoard log."""

import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "examples", "seed.py")

# TF prints numpy scalars; numpy >= 2 shows them as np.int32(5).
VALUES = re.compile(r"\[(np\.int32\()?5\)?, (np\.int32\()?5\)?\]")
# Node names TF writes for the seed graph (TensorBoard groups them by these scopes).
SCOPED_NODES = {"var1", "var1/read", "my_scope/var2", "my_scope/Add", "scope_vars/a",
                "scope_vars/b", "scope_vars/c", "scope_vars/res/res", "scope_name/a",
                "b", "scope_name/c", "scope_name/res/res"}


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED, cwd / "seed.py")
    proc = subprocess.run([sys.executable, "seed.py"], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    return proc, cwd


def _needs_session():
    if importlib.util.find_spec("scopeflow.session") is None:
        pytest.skip("values wait for scopeflow.session")


def test_seed_prints_tf_names(seed_run):
    proc, _ = seed_run
    lines = proc.stdout.splitlines()
    assert lines, proc.stderr[-3000:]
    assert lines[0] == "var1:0 my_scope/var2:0 my_scope/Add:0"


def test_seed_prints_values(seed_run):
    _needs_session()
    proc, _ = seed_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert VALUES.fullmatch(proc.stdout.splitlines()[1]), proc.stdout


def test_seed_log_holds_the_scoped_graph(seed_run):
    _needs_session()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    proc, cwd = seed_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert glob.glob(str(cwd / "logs" / "events.out.tfevents.*"))
    acc = EventAccumulator(str(cwd / "logs"))
    acc.Reload()
    names = {node.name for node in acc.Graph().node}
    assert SCOPED_NODES <= names, sorted(SCOPED_NODES - names)
