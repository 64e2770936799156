"""`tf.compat.as_bytes / as_text / as_str_any / path_to_str`: TF's text conversions.

>>> as_bytes("a"), as_text(b"a"), as_str_any(3)
(b'a', 'a', '3')
"""

import numbers
import os

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral,)
real_types = (numbers.Real,)
complex_types = (numbers.Complex,)


def as_bytes(bytes_or_text, encoding="utf-8"):
    """`bytes` from `bytes`, `bytearray` or `str` (encoded), as `tf.compat.as_bytes`."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


def as_text(bytes_or_text, encoding="utf-8"):
    """`str` from `str` or `bytes` (decoded), as `tf.compat.as_text`."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


as_str = as_text


def as_str_any(value, encoding="utf-8"):
    """`str(value)`, decoding bytes, as `tf.compat.as_str_any`."""
    if isinstance(value, bytes):
        return as_str(value, encoding=encoding)
    return str(value)


def path_to_str(path):
    """A path-like object as its `str` path; other values unchanged (TF's rule)."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    return path
