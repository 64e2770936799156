"""`tf.logging` and `tf.app.run` print what TF prints: "LEVEL:tensorflow:message" on stderr at
the logger's verbosity; under `tf.app.run`, absl's handler and INFO level too (a Saver's
restore says so); log_every_n / log_first_n count calls per line."""

import os
import subprocess
import sys

import pytest

from oracle import tf_python

SCRIPT = r'''
import sys, tempfile
import {module} as tf
{prologue}
print("default", tf.logging.get_verbosity())
tf.logging.info("not shown %d", 0)
tf.logging.warning("warned %d", 1)
tf.logging.set_verbosity(tf.logging.INFO)
tf.logging.info("info %d", 2)
tf.logging.error("error %s", "three")
for i in range(7):
    tf.logging.log_every_n(tf.logging.INFO, "every3 %d", 3, i)
    tf.logging.log_first_n(tf.logging.INFO, "first2 %d", 2, i)
v = tf.Variable(1.0, name="v")
def main(argv):
    print("in main", tf.logging.get_verbosity(), argv[1:])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        saver = tf.train.Saver()
        saver.restore(s, saver.save(s, tempfile.mkdtemp() + "/m"))
tf.app.run(argv=[sys.argv[0], "extra"])
'''

_TF = "tensorflow.compat.v1", "tf.disable_v2_behavior()"
_SF = "scopeflow.compat.v1", ""


def _lines(python, module, prologue, tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([python, "-c", SCRIPT.format(module=module, prologue=prologue)],
                          capture_output=True, text=True, timeout=300, cwd=str(tmp_path),
                          env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    keep = ("INFO:tensorflow", "WARNING:tensorflow:warn", "ERROR:tensorflow", "I1", "I0",
            "W1", "W0", "E1", "E0")
    err = [line for line in proc.stderr.splitlines() if line.startswith(keep)
           and "absl::InitializeLog" not in line and "port.cc" not in line
           and "cudart_stub" not in line]
    # (a restore's path is a temporary directory; absl's lines name the file and line)
    err = [line[:1] + "Restoring" if "Restoring parameters" in line else line for line in err]
    return proc.stdout.splitlines(), err


@pytest.mark.oracle
def test_logging_and_app_run_print_as_tf(tmp_path):
    py = tf_python()
    if py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    here = _lines(sys.executable, *_SF, tmp_path)
    there = _lines(py, *_TF, tmp_path)
    assert here == there, (here, there)
    assert "INFO:tensorflow:info 2" in here[1] and any("Restoring" in x for x in here[1])
