"""The `checkpoint` state file and checkpoint paths: `tf.train.latest_checkpoint` and friends.

The state file is a text-format CheckpointState proto: the newest checkpoint prefix and all
kept ones, oldest first; relative paths are relative to the folder holding the file.

>>> import tempfile
>>> latest_checkpoint(tempfile.mkdtemp()) is None
True
"""

import glob
import logging
import os
import re

from google.protobuf import text_format

from scopeflow.checkpoint.bundle import atomic_write
from scopeflow.checkpoint.protos import CheckpointState

_log = logging.getLogger("tensorflow")


def _state_filename(save_dir, latest_filename):
    return os.path.join(save_dir, latest_filename or "checkpoint")


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """CheckpointState with the newest path last; paths relative to a relative `save_dir`."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    stamps = all_model_checkpoint_timestamps
    if stamps and len(stamps) != len(paths):
        raise ValueError("Checkpoint timestamps, if provided, must match checkpoint paths (got "
                         "paths %s and timestamps %s)" % (paths, stamps))
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path=model_checkpoint_path,
                           all_model_checkpoint_paths=paths,
                           all_model_checkpoint_timestamps=stamps,
                           last_preserved_timestamp=last_preserved_timestamp)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Rewrites the `checkpoint` file of `save_dir` (atomically)."""
    update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                     all_model_checkpoint_paths, latest_filename, False,
                                     (all_model_checkpoint_timestamps, last_preserved_timestamp))


def _relative(path, save_dir):
    return os.path.relpath(path, save_dir) if os.path.isabs(path) else path


def update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                     all_model_checkpoint_paths=None, latest_filename=None,
                                     save_relative_paths=False, times=(None, None)):
    """`update_checkpoint_state`, optionally writing paths relative to `save_dir`."""
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        model_checkpoint_path = _relative(model_checkpoint_path, save_dir)
        paths = [_relative(p, save_dir) for p in paths]
    ckpt = generate_checkpoint_state_proto(save_dir, model_checkpoint_path, paths, *times)
    filename = _state_filename(save_dir, latest_filename)
    if filename == ckpt.model_checkpoint_path:
        raise RuntimeError("Save path '%s' conflicts with path used for checkpoint state.  "
                           "Please use a different save path." % model_checkpoint_path)
    atomic_write(filename, text_format.MessageToString(ckpt).encode())


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of `checkpoint_dir`'s `checkpoint` file, or None if absent."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _state_filename(checkpoint_dir, latest_filename)
    if not os.path.exists(filename):
        return None
    ckpt = CheckpointState()
    try:
        with open(filename, "rb") as f:
            text_format.Merge(f.read().decode("utf-8"), ckpt)
    except (OSError, text_format.ParseError) as e:
        _log.warning("%s: %s", type(e).__name__, e)
        _log.warning("%s: Checkpoint ignored", filename)
        return None
    if not ckpt.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(ckpt.model_checkpoint_path):
        ckpt.model_checkpoint_path = os.path.join(checkpoint_dir, ckpt.model_checkpoint_path)
    for i, p in enumerate(ckpt.all_model_checkpoint_paths):
        if not os.path.isabs(p):
            ckpt.all_model_checkpoint_paths[i] = os.path.join(checkpoint_dir, p)
    return ckpt


def _matches(pattern):
    return bool(glob.glob(pattern))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """Prefix of the newest checkpoint named by the state file, or None."""
    ckpt = get_checkpoint_state(checkpoint_dir, latest_filename)
    if ckpt and ckpt.model_checkpoint_path:
        path = ckpt.model_checkpoint_path
        if _matches(path + ".index") or _matches(path):
            return path
        _log.error("Couldn't match files for checkpoint %s", path)
    return None


def checkpoint_exists(checkpoint_prefix):
    """True if a V2 (`prefix.index`) or V1 (`prefix`) checkpoint exists."""
    return _matches(checkpoint_prefix + ".index") or _matches(checkpoint_prefix)


checkpoint_exists_internal = checkpoint_exists


def get_checkpoint_mtimes(checkpoint_prefixes):
    """Modification times (seconds) of the checkpoints that exist, in order."""
    out = []
    for prefix in checkpoint_prefixes:
        for pattern in (prefix + ".index", prefix):
            found = glob.glob(pattern)
            if found:
                out.append(os.stat(found[0]).st_mtime_ns / 1e9)
                break
    return out


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    """`prefix.meta` for a checkpoint prefix (a shard pattern suffix dropped)."""
    base = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return "%s.%s" % (base, meta_graph_suffix)


def _delete_matching(pattern):
    for path in glob.glob(pattern):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Deletes a checkpoint's `.index`, `.data-*` and `.meta` files."""
    _delete_matching(meta_graph_filename(checkpoint_prefix, meta_graph_suffix))
    if checkpoint_format_version == 2:
        _delete_matching(checkpoint_prefix + ".index")
        _delete_matching(checkpoint_prefix + ".data-?????-of-?????")
    else:
        _delete_matching(checkpoint_prefix)
