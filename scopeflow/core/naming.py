"""Names are data: TF's op-name uniquification and scope-name rules as small pure functions."""

import re

VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")
_OP_PATTERN = r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$"
_SCOPE_PATTERN = r"^[A-Za-z0-9_.\\/>-]*$"


def unique_name(names_in_use, scope, name, mark_as_used=True):
    """TF's `Graph.unique_name`: `scope/name`, suffixed `_N` on case-insensitive collision.

    >>> used = {}
    >>> [unique_name(used, "", "foo") for _ in range(3)]
    ['foo', 'foo_1', 'foo_2']
    """
    if scope:
        name = scope + "/" + name
    key = name.lower()
    i = names_in_use.get(key, 0)
    if mark_as_used:
        names_in_use[key] = i + 1
    if i > 0:
        base = key
        suffix = "_%d" % i
        key = base + suffix
        while key in names_in_use:
            i += 1
            suffix = "_%d" % i
            key = base + suffix
        if mark_as_used:
            names_in_use[key] = 1
        name += suffix
    return name


# names already checked, nested in a scope / at the root: names repeat a lot while building
_VALID = {True: set(), False: set()}


def check_scope_name(name, nested):
    """Raises TF's ValueError for a name that `name_scope` refuses."""
    valid = _VALID[nested]
    if name in valid:
        return
    _check_scope_name(name, nested)
    if len(valid) < 100000:
        valid.add(name)


def _check_scope_name(name, nested):
    if nested:
        if not VALID_SCOPE_NAME.match(name):
            raise ValueError("'%s' is not a valid scope name. A scope name has to match the "
                             "following pattern: %s" % (name, _SCOPE_PATTERN))
    elif not VALID_OP_NAME.match(name):
        raise ValueError("'%s' is not a valid root scope name. A root scope name has to match "
                         "the following pattern: %s" % (name, _OP_PATTERN))


def check_op_name(name):
    """TF's check of an op's full name where no name_scope was opened for it (tf.constant)."""
    if not VALID_OP_NAME.match(name):
        raise ValueError("`%s` is not a valid node name. Accepted names conform to Regex /%s/"
                         % (name, VALID_OP_NAME))


def name_from_scope_name(name):
    """'a/b/' -> 'a/b' (TF's absolute-scope convention)."""
    return name[:-1] if (name and name[-1] == "/") else name


def split_tensor_name(name):
    """'a/b:1' -> ('a/b', 1); 'a/b' -> ('a/b', None)."""
    op_name, sep, idx = name.rpartition(":")
    if sep and idx.isdigit():
        return op_name, int(idx)
    return name, None
