"""TF1's `tf.gfile` names (CamelCase, TF1 parameter names) over `scopeflow.io.gfile`.

>>> Exists("/"), IsDirectory("/")
(True, True)
"""

from scopeflow.io import gfile as _g
from scopeflow.io.gfile import FastGFile, GFile  # noqa: F401

Open = GFile


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802 - TF's names
    """Copies a file (TF1 name of `tf.io.gfile.copy`)."""
    _g.copy(oldpath, newpath, overwrite)


def DeleteRecursively(dirname):  # noqa: N802
    """Deletes a directory tree (TF1 name of `tf.io.gfile.rmtree`)."""
    _g.rmtree(dirname)


def Exists(filename):  # noqa: N802
    """Whether a path exists (TF1 name of `tf.io.gfile.exists`)."""
    return _g.exists(filename)


def Glob(filename):  # noqa: N802
    """Paths matching a pattern (TF1 name of `tf.io.gfile.glob`)."""
    return _g.glob(filename)


def IsDirectory(dirname):  # noqa: N802
    """Whether a path is a directory (TF1 name of `tf.io.gfile.isdir`)."""
    return _g.isdir(dirname)


def ListDirectory(dirname):  # noqa: N802
    """Entries of a directory (TF1 name of `tf.io.gfile.listdir`)."""
    return _g.listdir(dirname)


def MakeDirs(dirname):  # noqa: N802
    """Creates a directory and its parents (TF1 name of `tf.io.gfile.makedirs`)."""
    _g.makedirs(dirname)


def MkDir(dirname):  # noqa: N802
    """Creates one directory (TF1 name of `tf.io.gfile.mkdir`)."""
    _g.mkdir(dirname)


def Remove(filename):  # noqa: N802
    """Deletes a file (TF1 name of `tf.io.gfile.remove`)."""
    _g.remove(filename)


def Rename(oldname, newname, overwrite=False):  # noqa: N802
    """Moves a file or directory (TF1 name of `tf.io.gfile.rename`)."""
    _g.rename(oldname, newname, overwrite)


def Stat(filename):  # noqa: N802
    """FileStatistics of a path (TF1 name of `tf.io.gfile.stat`)."""
    return _g.stat(filename)


def Walk(top, in_order=True):  # noqa: N802
    """Directory tree generator (TF1 name of `tf.io.gfile.walk`)."""
    return _g.walk(top, topdown=in_order)
