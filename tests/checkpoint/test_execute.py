"""Restoring from damaged checkpoint files (checkpoint/execute.py, reader.py, bundle.py,
table.py): TF's error classes and messages, at TF's node."""

import pytest

from tests.oracle import outcome, run_here

DAMAGED = """
import os, tempfile
d = tempfile.mkdtemp()
v = tf.Variable(tf.ones([100]), name="v")
saver = tf.train.Saver()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    path = saver.save(s, os.path.join(d, "m"))
    data, index = path + ".data-00000-of-00001", path + ".index"
    DAMAGE
    try:
        READ
        result = "ok"
    except Exception as e:
        m = str(e).replace(d, "D")
        result = [type(e).__name__, m.split("Node: ")[1].split("\\n")[:2] if "Node: " in m
                  else m.split("\\n")[0]]
"""
TRUNCATED = "raw = open(data, 'rb').read(); open(data, 'wb').write(raw[:50])"
GARBAGE = "open(index, 'wb').write(b'garbage' * 10)"
SHORT = "open(index, 'wb').write(b'short')"
RESTORE = "saver.restore(s, path)"
READER = "tf.train.NewCheckpointReader(path)"


@pytest.mark.parametrize("damage,read", [(TRUNCATED, RESTORE), (GARBAGE, RESTORE),
                                         (SHORT, RESTORE), (GARBAGE, READER),
                                         (SHORT, READER)])
def test_damaged_checkpoints_fail_as_tf(oracle, damage, read):
    code = DAMAGED.replace("DAMAGE", damage).replace("READ", read)
    here, there = run_here(code), oracle(code)
    assert there["ok"] != "ok"
    assert outcome(here) == outcome(there)
