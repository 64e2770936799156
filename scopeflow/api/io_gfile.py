"""`tf.io.gfile`: TF's file API (the names TensorBoard's writer uses)."""

from scopeflow.io.gfile import (  # noqa: F401
    GFile, copy, exists, get_registered_schemes, glob, isdir, join, listdir, makedirs, mkdir,
    remove, rename, rmtree, stat, walk,
)
