"""The `checkpoint` state file and checkpoint paths (scopeflow/checkpoint/state.py)."""

import functools
import os
import re

import numpy as np
import pytest
from oracle import explain, run_here, same

from scopeflow.checkpoint import state
from scopeflow.checkpoint.bundle import write_bundle

_TMP = "import os, tempfile\nd = tempfile.mkdtemp()\n"
_TOUCH = "for p in ('m-1', 'm-2'):\n  open(os.path.join(d, p + '.index'), 'w').close()\n"

PROGRAMS = [
    _TMP + _TOUCH + "tf.train.update_checkpoint_state(d, os.path.join(d, 'm-2'), "
    "[os.path.join(d, 'm-1')])\ns = tf.train.get_checkpoint_state(d)\n"
    "result = [open(os.path.join(d, 'checkpoint')).read().replace(d, '<d>'),"
    " s.model_checkpoint_path.replace(d, '<d>'),"
    " [p.replace(d, '<d>') for p in s.all_model_checkpoint_paths],"
    " tf.train.latest_checkpoint(d).replace(d, '<d>'), type(s).__name__]",
    _TMP + _TOUCH + "tf.train.update_checkpoint_state(d, 'm-1', ['m-1'], latest_filename='other')\n"
    "s = tf.train.get_checkpoint_state(d, 'other')\n"
    "result = [open(os.path.join(d, 'other')).read(), s.model_checkpoint_path.replace(d, '<d>'),"
    " tf.train.get_checkpoint_state(d), tf.train.latest_checkpoint(d, 'other').replace(d, '<d>')]",
    _TMP + "tf.train.update_checkpoint_state(d, os.path.join(d, 'gone'))\n"
    "result = [tf.train.latest_checkpoint(d), tf.train.get_checkpoint_state(d)"
    ".model_checkpoint_path.replace(d, '<d>')]",
    "s = tf.train.generate_checkpoint_state_proto('rel/dir', 'rel/dir/m-3', ['rel/dir/m-2'])\n"
    "result = [s.model_checkpoint_path, list(s.all_model_checkpoint_paths)]",
    "s = tf.train.generate_checkpoint_state_proto('/abs', '/abs/m-3', ['/abs/m-2'],"
    " all_model_checkpoint_timestamps=[1.0, 2.0], last_preserved_timestamp=0.5)\nresult = str(s)",
    "tf.train.generate_checkpoint_state_proto('/abs', '/abs/m-3', ['/abs/m-2'],"
    " all_model_checkpoint_timestamps=[1.0])",
    _TMP + "tf.train.update_checkpoint_state(d, os.path.join(d, 'checkpoint'))",
    _TMP + "open(os.path.join(d, 'checkpoint'), 'w').write('all_model_checkpoint_paths: \"x\"\\n')\n"
    "tf.train.get_checkpoint_state(d)",
    _TMP + "open(os.path.join(d, 'checkpoint'), 'w').write('garbage {{')\n"
    "result = [tf.train.get_checkpoint_state(d), tf.train.latest_checkpoint(d)]",
    _TMP + _TOUCH + "result = [tf.train.checkpoint_exists(os.path.join(d, 'm-1')),"
    " tf.train.checkpoint_exists(os.path.join(d, 'm-9')),"
    " len(tf.train.get_checkpoint_mtimes([os.path.join(d, 'm-1'), os.path.join(d, 'm-9')]))]",
    _TMP + _TOUCH + "open(os.path.join(d, 'm-1.data-00000-of-00001'), 'w').close()\n"
    "open(os.path.join(d, 'm-1.meta'), 'w').close()\n"
    "tf.train.remove_checkpoint(os.path.join(d, 'm-1'))\nresult = sorted(os.listdir(d))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_state_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        untemp = functools.partial(re.sub, r"/tmp/tmp\w+", "<d>")
        assert untemp(here["msg"]) == untemp(there["msg"]), explain(code, here, there)


def test_state_file_is_written_atomically(tmp_path):
    state.update_checkpoint_state(str(tmp_path), str(tmp_path / "m-1"))
    assert os.listdir(tmp_path) == ["checkpoint"]


def test_meta_graph_filename_drops_shard_suffix():
    assert state.meta_graph_filename("m-12-?????-of-00004") == "m-12.meta"
    assert state.meta_graph_filename("m-12-00001-of-00002", "txt") == "m-12.txt"
    assert state.meta_graph_filename("model") == "model.meta"


# ---- reader -----------------------------------------------------------------------------------
def test_reader_maps_and_tensors(tf, tmp_path):
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"a/w": np.ones((2, 3), np.float32), "s": np.float64(2.5),
                          "t": np.array([b"x"], dtype=object)})
    r = tf.train.NewCheckpointReader(prefix)
    assert r.get_variable_to_shape_map() == {"a/w": [2, 3], "s": [], "t": [1]}
    assert r.get_variable_to_dtype_map() == {"a/w": tf.float32, "s": tf.float64, "t": tf.string}
    assert r.has_tensor("a/w") and not r.has_tensor("a")
    assert type(r.get_tensor("s")) is np.float64
    assert r.debug_string() == b"a/w (DT_FLOAT) [2,3]\ns (DT_DOUBLE) []\nt (DT_STRING) [1]\n"
    assert tf.train.load_variable(prefix, "a/w:0").shape == (2, 3)
    with pytest.raises(tf.errors.NotFoundError, match="Key b not found in checkpoint"):
        r.get_tensor("b")


def test_reader_errors(tf, tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="Unsuccessful TensorSliceReader "
                                                      "constructor: Failed to find any"):
        tf.train.NewCheckpointReader(str(tmp_path / "none"))
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints"):
        tf.train.load_checkpoint(str(tmp_path))
