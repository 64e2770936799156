"""tf.flags / tf.app.flags as TF wraps absl's: a flag read before any parsing parses sys.argv
(tkipf/gcn reads `FLAGS.dataset` at module level, without tf.app.run), and the DEFINE_*
functions take TF's old keyword names. Run as scripts under TF and `scopeflow run`."""

import os
import subprocess
import sys
import textwrap

import pytest
from oracle import tf_python

SCRIPT = textwrap.dedent("""
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    flags = tf.app.flags
    FLAGS = flags.FLAGS
    flags.DEFINE_string('dataset', 'cora', 'Dataset string.')
    flags.DEFINE_integer(flag_name='epochs', default_value=200, docstring='Epochs.')
    flags.DEFINE_float('rate', 0.5, 'Rate.')
    print(tf.flags is flags, FLAGS.dataset, FLAGS.epochs, FLAGS.rate, FLAGS.is_parsed())
    print('epochs' in FLAGS, FLAGS['rate'].value, type(FLAGS.flag_values_dict()).__name__)
    FLAGS.rate = 0.25
    print(FLAGS.rate)
""")


def _run(cmd, script):
    proc = subprocess.run(cmd + [str(script), "--epochs", "30", "--rate=0.1"],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.oracle
def test_flags_parse_argv_when_first_read_as_in_tf(tmp_path):
    py = tf_python()
    if py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    ours = _run([sys.executable, "-m", "scopeflow", "run"], script)
    assert ours == _run([py], script)
    assert ours.splitlines()[0] == "True cora 30 0.1 True"
