"""The file-name ops of a sharded Saver: ShardedFilename, ShardedFilespec (V1),
MergeV2Checkpoints (StringJoin is `ops.strings`, StaticRegexFullMatch `ops.strings_regex`).

Strings stay host (NumPy object) values, so these kernels compute on constants; Saver.save
does the file work of a sharded save itself (execute.py).

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     print(sharded_filename("/tmp/m", 0, 2).op.type)
ShardedFilename
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.shape import TensorShape
from scopeflow.ops.registry import op
from scopeflow.ops.strings import string_join  # noqa: F401  (the sharded Saver's join)
from scopeflow.ops.strings_regex import regex_full_match  # noqa: F401  (its s3:// test)


def _text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


@op("ShardedFilename", infer=lambda *a: (TensorShape._of(()), _dt.string),
    types={"basename": _dt.string, "shard": _dt.int32, "num_shards": _dt.int32})
def _sharded_filename(basename, shard, num_shards):
    return np.array(("%s-%05d-of-%05d" % (_text(np.asarray(basename).item()), int(shard),
                                          int(num_shards))).encode(), dtype=object)


@op("ShardedFilespec", infer=lambda *a: (TensorShape._of(()), _dt.string),
    types={"basename": _dt.string, "num_shards": _dt.int32})
def _sharded_filespec(basename, num_shards):
    return np.array(("%s-?????-of-%05d" % (_text(np.asarray(basename).item()),
                                           int(num_shards))).encode(), dtype=object)


@op("MergeV2Checkpoints", infer=lambda *a, **k: [], stateful=True,
    types={"checkpoint_prefixes": _dt.string, "destination_prefix": _dt.string})
def _merge_v2_checkpoints(checkpoint_prefixes, destination_prefix, *, delete_old_dirs=True,
                          allow_missing_files=False):
    raise errors.UnimplementedError(None, None, "MergeV2Checkpoints runs as part of "
                                    "Saver.save; save a sharded checkpoint with Saver.save.")


def sharded_filename(basename, shard, num_shards, name=None):
    return _sharded_filename(basename, shard, num_shards, name=name)


def sharded_filespec(basename, num_shards, name=None):
    return _sharded_filespec(basename, num_shards, name=name)


def merge_v2_checkpoints(checkpoint_prefixes, destination_prefix, delete_old_dirs=True,
                         allow_missing_files=False, name=None):
    return _merge_v2_checkpoints(checkpoint_prefixes, destination_prefix,
                                 delete_old_dirs=delete_old_dirs,
                                 allow_missing_files=allow_missing_files, name=name)
