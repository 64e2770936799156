"""`tf.gfile`: TF1's file API."""

from scopeflow.io.gfile_v1 import (  # noqa: F401
    Copy, DeleteRecursively, Exists, FastGFile, GFile, Glob, IsDirectory, ListDirectory,
    MakeDirs, MkDir, Open, Remove, Rename, Stat, Walk,
)
