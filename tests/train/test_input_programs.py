"""Real TF1 input-pipeline programs, unchanged, under `scopeflow run` and under TensorFlow:
the same printed names, shapes, batches, losses and weights (tests/train/programs/):

- cifar10_queue_input.py: cifar10_input.py's reader (string_input_producer,
  FixedLengthRecordReader, decode_raw, crop / flip / brightness / contrast / standardization,
  batch and shuffle_batch with QueueRunners and a Coordinator) feeding a small conv net;
- tfrecord_initializable.py: filenames and batch-size placeholders, TFRecordDataset (plain
  and GZIP), parse_single_example with a VarLenFeature, shuffle, batch, prefetch,
  make_initializable_iterator re-initialized per epoch, an MLP trained with Adam;
- csv_feedable_iterator.py: list_files, interleave of TextLineDataset.skip, decode_csv,
  py_func, filter, cache, a feedable string-handle iterator switching train / validation,
  and a WholeFileReader queue of PNG files.
"""

import os
import subprocess
import sys

import pytest
from oracle import tf_python

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
NAMES = ["cifar10_queue_input.py", "tfrecord_initializable.py", "csv_feedable_iterator.py"]


def _start(argv, data_dir):
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3")
    os.makedirs(data_dir)
    return subprocess.Popen(argv + [data_dir], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


@pytest.mark.oracle
@pytest.mark.parametrize("name", NAMES)
def test_program_prints_what_tf_prints(tmp_path, name):
    tf_py = tf_python()
    if tf_py is None:
        pytest.skip("TensorFlow is not installed")
    script = os.path.join(PROGRAMS, name)
    here = _start([sys.executable, "-m", "scopeflow", "run", script], str(tmp_path / "sf"))
    there = _start([tf_py, script], str(tmp_path / "tf"))
    out_here, err_here = here.communicate(timeout=600)
    out_there, err_there = there.communicate(timeout=600)
    assert there.returncode == 0, err_there[-3000:]
    assert here.returncode == 0, err_here[-3000:]
    assert out_here.splitlines() == out_there.splitlines()
