"""`tf.io.gfile` / `tf.gfile`: TF's file API over the local file system, with TF's errors.

>>> import tempfile; d = tempfile.mkdtemp()
>>> with GFile(d + "/f.txt", "w") as f: f.write("hi\\n")
>>> exists(d + "/f.txt"), listdir(d), stat(d + "/f.txt").length
(True, ['f.txt'], 3)
"""

import errno
import glob as _glob
import os
import shutil

from scopeflow import errors
from scopeflow.io.text import as_bytes, as_str_any, path_to_str

_MODES = ("r", "w", "a", "r+", "w+", "a+")
# errno -> TF's error class (as TF's POSIX file system maps them).
_ERRNO_CLASS = {
    errno.ENOENT: errors.NotFoundError, errno.ENOTDIR: errors.FailedPreconditionError,
    errno.EISDIR: errors.FailedPreconditionError, errno.EEXIST: errors.AlreadyExistsError,
    errno.EACCES: errors.PermissionDeniedError, errno.EPERM: errors.PermissionDeniedError,
    errno.EROFS: errors.PermissionDeniedError, errno.ENOTEMPTY: errors.FailedPreconditionError,
    errno.EINVAL: errors.InvalidArgumentError, errno.ENOSPC: errors.ResourceExhaustedError,
    errno.EXDEV: errors.UnimplementedError, errno.ENAMETOOLONG: errors.InvalidArgumentError,
}


def _path(path):
    """A `str` path from str, bytes or a path-like object."""
    return as_str_any(path_to_str(path))


def _os_error(path, e):
    """TF's error for an OSError on `path`: "<path>; <strerror>"."""
    cls = _ERRNO_CLASS.get(e.errno, errors.UnknownError)
    return cls(None, None, "%s; %s" % (path, e.strerror or e))


def _call(path, fn, *args):
    try:
        return fn(*args)
    except OSError as e:
        raise _os_error(path, e) from None


class FileStatistics:
    """What `stat` returns: `length`, `is_directory` and `mtime_nsec`, as TF's."""

    def __init__(self, length, is_directory, mtime_nsec):
        self.length, self.is_directory, self.mtime_nsec = length, is_directory, mtime_nsec

    def __repr__(self):
        return "FileStatistics(length=%d, is_directory=%s, mtime_nsec=%d)" % (
            self.length, self.is_directory, self.mtime_nsec)


class GFile:
    """A file as TF's `GFile`: opened on first read or write, bytes or text by mode.

    >>> import tempfile; p = tempfile.mkdtemp() + "/x"
    >>> with GFile(p, "w") as f: f.write("a\\nb")
    >>> GFile(p).readlines()
    ['a\\n', 'b']
    """

    def __init__(self, name, mode="r", encoding="utf-8"):
        self._name, self._mode, self._encoding = name, mode, encoding
        self._binary = "b" in mode
        bare = mode.replace("b", "")
        if bare not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self._readable = bare in ("r", "r+", "a+", "w+")
        self._writable = bare in ("a", "w", "r+", "a+", "w+")
        self._bare = bare
        self._reader = self._writer = None

    name = property(lambda self: self._name)
    mode = property(lambda self: self._mode)

    def _read_file(self):
        if self._reader is None:
            if not self._readable:
                raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
            path = _path(self._name)
            if os.path.isdir(path):
                raise errors.FailedPreconditionError(None, None, "%s; Is a directory" % path)
            self._reader = _call(path, open, path, "rb")
        return self._reader

    def _write_file(self):
        if self._writer is None:
            if not self._writable:
                raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
            path = _path(self._name)
            # TF opens "r+" and "w"/"w+" as a fresh file; "a"/"a+" append.
            self._writer = _call(path, open, path, "ab" if "a" in self._bare else "wb")
        return self._writer

    def _value(self, data):
        return data if self._binary else data.decode(self._encoding)

    def size(self):
        """The file's length in bytes."""
        return stat(self._name).length

    def write(self, file_content):
        """Appends `file_content` (str or bytes) to the file."""
        self._write_file().write(as_bytes(file_content, encoding=self._encoding))

    def read(self, n=-1):
        """`n` bytes (all that remain when -1) from the current position."""
        f = self._read_file()
        return self._value(f.read() if n == -1 else f.read(max(n, 0)))

    def seek(self, offset=None, whence=0, position=None):
        """Moves the read position: whence 0 from the start, 1 from here, 2 from the end."""
        f = self._read_file()
        if offset is None and position is None:
            raise TypeError("seek(): offset argument required")
        if offset is not None and position is not None:
            raise TypeError("seek(): offset and position may not be set simultaneously.")
        offset = position if offset is None else offset
        if whence == 1:
            offset += f.tell()
        elif whence == 2:
            offset += self.size()
        elif whence != 0:
            raise errors.InvalidArgumentError(
                None, None,
                "Invalid whence argument: {}. Valid values are 0, 1, or 2.".format(whence))
        if offset < 0:
            raise errors.InvalidArgumentError(
                None, None, "Seeking to a negative position: %d" % offset)
        f.seek(offset)

    def readline(self):
        """The next line with its newline; empty at the end."""
        return self._value(self._read_file().readline())

    def readlines(self):
        """All remaining lines."""
        return list(iter(self.readline, self._value(b"")))

    def tell(self):
        """The position in the file (the write position for write-only modes)."""
        if self._readable:
            return self._read_file().tell()
        return self._write_file().tell()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration()
        return line

    next = __next__

    def flush(self):
        """Pushes written data out of the process."""
        if self._writer is not None:
            self._writer.flush()

    def close(self):
        """Closes the file (flushing what was written)."""
        for f in (self._reader, self._writer):
            if f is not None:
                f.close()
        self._reader = self._writer = None

    def seekable(self):
        return True


class FastGFile(GFile):
    """Deprecated alias of `GFile` (TF1's `tf.gfile.FastGFile`)."""


def exists(path):
    """Whether a file or directory exists at `path`."""
    p = _path(path)
    return bool(p) and os.path.exists(p)


def remove(path):
    """Deletes the file at `path` (NotFoundError when missing)."""
    p = _path(path)
    if os.path.isdir(p):
        raise errors.FailedPreconditionError(None, None, "%s; Is a directory" % p)
    _call(p, os.remove, p)


def glob(pattern):
    """Paths matching a pattern, or each of a list of patterns in turn (directory order)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else pattern
    return [m for pat in patterns for m in _glob.glob(_path(pat), include_hidden=True)]


def mkdir(path):
    """Creates one directory (its parent must exist; an existing path is accepted)."""
    p = _path(path)
    if not os.path.exists(p):
        _call(p, os.mkdir, p)


def makedirs(path):
    """Creates a directory and its missing parents."""
    p = _path(path)
    parts, cur = [], p
    while cur and not os.path.exists(cur):
        parts.append(cur)
        cur = os.path.dirname(cur.rstrip("/")) if cur.rstrip("/") else ""
    if cur and not os.path.isdir(cur):
        raise errors.FailedPreconditionError(None, None, "%s is not a directory" % cur)
    for d in reversed(parts):
        if not os.path.isdir(d):
            _call(d, os.mkdir, d)


def copy(src, dst, overwrite=False):
    """Copies file `src` to `dst` (AlreadyExistsError when it exists, unless `overwrite`)."""
    s, d = _path(src), _path(dst)
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    if not os.path.exists(s):
        raise errors.NotFoundError(None, None, "%s; No such file or directory" % s)
    if os.path.isdir(s):
        raise errors.InvalidArgumentError(None, None, "%s; Invalid argument" % d)
    _call(s, shutil.copyfile, s, d)


def rename(src, dst, overwrite=False):
    """Moves `src` to `dst` (AlreadyExistsError when it exists, unless `overwrite`)."""
    s, d = _path(src), _path(dst)
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        os.rename(s, d)
    except OSError as e:
        if e.errno in (errno.EISDIR, errno.ENOTDIR):
            raise errors.InvalidArgumentError(None, None, "%s; Invalid argument" % s) from None
        raise _os_error(s, e) from None


def rmtree(path):
    """Deletes a directory and everything under it (or a file)."""
    p = _path(path)
    if not os.path.exists(p):
        raise errors.NotFoundError(None, None, "%s not found" % p)
    if os.path.isdir(p) and not os.path.islink(p):
        _call(p, shutil.rmtree, p)
    else:
        _call(p, os.remove, p)


def isdir(path):
    """Whether `path` is a directory."""
    return os.path.isdir(_path(path))


def listdir(path):
    """Names of the entries of directory `path` (NotFoundError when it is not one)."""
    p = _path(path)
    if not os.path.isdir(p):
        raise errors.NotFoundError(None, None, "Could not find directory %s" % p)
    return _call(p, os.listdir, p)


def walk(top, topdown=True, onerror=None):
    """(dirpath, subdirectory names, file names) for `top` and every directory below it."""
    top = _path(top)
    try:
        names = listdir(top)
    except errors.NotFoundError as e:
        if onerror:
            onerror(e)
        return
    subdirs = [n for n in names if isdir(os.path.join(top, n))]
    files = [n for n in names if n not in subdirs]
    here = (top, subdirs, files)
    if topdown:
        yield here
    for sub in subdirs:
        yield from walk(os.path.join(top, sub), topdown, onerror)
    if not topdown:
        yield here


def stat(path):
    """FileStatistics of `path` (NotFoundError when missing)."""
    p = _path(path)
    st = _call(p, os.stat, p)
    return FileStatistics(st.st_size, os.path.isdir(p), st.st_mtime_ns)


def join(path, *paths):
    """Joins path components (`os.path.join` for local paths)."""
    return os.path.join(_path(path), *map(_path, paths))


def get_registered_schemes():
    """URI schemes this file system answers for: local files only."""
    return ["file", ""]
