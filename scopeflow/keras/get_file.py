"""`tf.keras.utils.get_file`: a file fetched once into the Keras cache (`~/.keras/datasets`),
checked against a sha256 / md5 hash, optionally extracted, as tf_keras' does.

>>> import os, tempfile
>>> d = tempfile.mkdtemp(); open(os.path.join(d, "a.txt"), "w").close()
>>> get_file("a.txt", origin="http://x/a.txt", cache_dir=d, cache_subdir="").endswith("a.txt")
True
"""

import hashlib
import os
import tarfile
import urllib.error
import urllib.request
import zipfile
from urllib.parse import urlsplit

from scopeflow.keras.progbar import Progbar


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None):
    """The local path of `origin`, downloaded into `cache_dir/cache_subdir` unless a file with
    the right hash is there already; `untar` / `extract` unpack archives beside it."""
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = os.path.join(os.path.expanduser("~"), ".keras")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urlsplit(origin).path)
        if not fname:
            raise ValueError("Can't parse the file name from the origin provided: '%s'.Please "
                             "specify the `fname` as the input param." % origin)
    if untar:
        if fname.endswith(".tar.gz"):
            fname = fname[:-len(".tar.gz")]
        untar_path = os.path.join(folder, fname)
        path = untar_path + ".tar.gz"
    else:
        path = os.path.join(folder, fname)
    download = not os.path.exists(path)
    if not download and file_hash is not None and not validate_file(path, file_hash,
                                                                    hash_algorithm):
        print("A local file was found, but it seems to be incomplete or outdated because the "
              "%s file hash does not match the original value of %s so we will re-download "
              "the data." % (hash_algorithm, file_hash))
        download = True
    if download:
        _download(origin, path)
        if file_hash is not None and not validate_file(path, file_hash, hash_algorithm):
            raise ValueError("Incomplete or corrupted file detected. The %s file hash does not "
                             "match the provided value of %s." % (hash_algorithm, file_hash))
    if untar:
        if not os.path.exists(untar_path):
            _extract(path, folder, "tar")
        return untar_path
    if extract:
        _extract(path, folder, archive_format)
    return path


def _download(origin, path):
    print("Downloading data from %s" % origin)
    bar = []

    def progress(block, size, total):
        if not bar:
            bar.append(Progbar(None if total == -1 else total))
        bar[0].update(min(block * size, total) if total > 0 else block * size)

    text = "URL fetch failure on {}: {} -- {}"
    try:
        try:
            urllib.request.urlretrieve(origin, path, progress)
        except urllib.error.HTTPError as e:
            raise Exception(text.format(origin, e.code, e.msg)) from None
        except urllib.error.URLError as e:
            raise Exception(text.format(origin, e.errno, e.reason)) from None
    except (Exception, KeyboardInterrupt):
        if os.path.exists(path):
            os.remove(path)
        raise


def _hasher(algorithm, file_hash=None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256 (a 64-digit hash) or md5 digest is `file_hash`."""
    h = _hasher(algorithm, file_hash)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest() == str(file_hash)


def _extract(path, into, archive_format="auto"):
    """Unpacks a tar or zip archive (members that would land outside `into` are skipped);
    whether it was one of the formats asked for."""
    if archive_format is None:
        return False
    kinds = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in kinds:
        is_kind, opener = ((tarfile.is_tarfile, tarfile.open) if kind == "tar"
                           else (zipfile.is_zipfile, zipfile.ZipFile))
        if not is_kind(path):
            continue
        with opener(path) as archive:
            root = os.path.realpath(into)
            names = archive.getnames() if kind == "tar" else archive.namelist()
            safe = [n for n in names
                    if os.path.realpath(os.path.join(root, n)).startswith(root + os.sep)]
            if kind == "tar":
                archive.extractall(into, members=[archive.getmember(n) for n in safe],
                                   filter="data")
            else:
                archive.extractall(into, members=safe)
        return True
    return False
