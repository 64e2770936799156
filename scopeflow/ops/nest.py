"""TF's `nest` for control flow: lists, tuples, namedtuples and dicts (sorted keys) hold leaves.

>>> flatten({"b": 1, "a": [2, 3]})
[2, 3, 1]
>>> pack_sequence_as({"b": 0, "a": [0, 0]}, [2, 3, 1])
{'a': [2, 3], 'b': 1}
"""

_HEAD = "The two structures don't have the same nested structure.\n\n"


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


is_sequence = is_nested  # TF1's name (tf.contrib.framework.nest.is_sequence)


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def _composite_spec(x):
    """The TypeSpec of a composite value (RaggedTensor, SparseTensor) or a composite spec
    itself, or None: what `expand_composites=True` opens into its component tensors."""
    if hasattr(x, "_to_components") and hasattr(x, "_from_components"):
        return x
    spec = getattr(type(x), "_type_spec", None)
    if isinstance(spec, property):
        spec = x._type_spec
        if hasattr(spec, "_to_components"):
            return spec
    return None


def _expand(x, expand):
    """x's children when it is a structure (a composite's components when `expand`)."""
    if is_nested(x):
        return _children(x)
    if expand:
        spec = _composite_spec(x)
        if spec is not None and spec is not x:
            return spec._to_components(x)
    return None


def flatten(structure, expand_composites=False):
    kids = _expand(structure, expand_composites)
    if kids is None:
        return [structure]
    out = []
    for c in kids:
        out.extend(flatten(c, expand_composites))
    return out


def _n_components(spec):
    if hasattr(spec, "ragged_rank"):
        return 1 + max(spec.ragged_rank, 0)
    return 3


def _rebuild(like, items):
    if isinstance(like, dict):  # values come in sorted-key order; TF keeps `like`'s key order
        by_key = dict(zip(sorted(like), items))
        return type(like)((k, by_key[k]) for k in like)
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    flat = list(flat_sequence)
    pos = [0]

    def build(s):
        spec = _composite_spec(s) if expand_composites and not is_nested(s) else None
        if spec is not None:
            n = _n_components(spec)
            pos[0] += n
            return spec._from_components(flat[pos[0] - n:pos[0]])
        if not is_nested(s):
            pos[0] += 1
            return flat[pos[0] - 1]
        return _rebuild(s, [build(c) for c in _children(s)])

    try:
        out = build(structure)
    except IndexError:  # (too few items: counted below)
        out, pos[0] = None, len(flatten(structure, expand_composites))
    if pos[0] != len(flat):
        raise ValueError("Could not pack sequence. Structure had %d atoms, but flat_sequence "
                         "had %d items.  Structure: %s, flat_sequence: %s."
                         % (pos[0], len(flat), structure, flat))
    return out


def map_structure(fn, *structures, **kwargs):
    expand = kwargs.pop("expand_composites", False)
    check_types = kwargs.pop("check_types", True)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         "`expand_composites`, not: `%s`" % "`, `".join(kwargs))
    for s in structures[1:]:
        assert_same_structure(structures[0], s, check_types, expand)
    flats = [flatten(s, expand) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)], expand)


def _desc(x):
    return "type=%s str=%s" % (type(x).__name__, x)


def _dots(x):
    """The structure with each leaf written as '.' (TF's 'Entire ... structure')."""
    if not is_nested(x):
        return "."
    if isinstance(x, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, _dots(x[k])) for k in sorted(x))
    inner = ", ".join(_dots(c) for c in x)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return "%s(%s)" % (type(x).__name__, ", ".join(
            "%s=%s" % (f, _dots(c)) for f, c in zip(x._fields, x)))
    if isinstance(x, tuple):
        return "(%s%s)" % (inner, "," if len(x) == 1 else "")
    return "[%s]" % inner


def _composite(x):
    return not is_nested(x) and _expand(x, True) is not None


def _spec_key(spec):
    """What TF's nest compares of two composites' specs (ranks, not dimensions)."""
    shape = spec.shape
    return (type(spec), shape.ndims, spec.dtype, getattr(spec, "ragged_rank", None),
            getattr(spec, "row_splits_dtype", None))


def _mismatch(a, b, expand=False):
    """(exception class, 'More specifically' text) for the first difference, or None; with
    `expand`, a composite is a sequence (of its components) whose spec must match."""
    if expand and (_composite(a) or _composite(b)):
        if _composite(a) and _composite(b):
            sa, sb = a._type_spec, b._type_spec
            if _spec_key(sa) != _spec_key(sb):
                return ValueError, "Incompatible CompositeTensor TypeSpecs: %s vs. %s" % (
                    _desc(sa), _desc(sb))
            return None
        if is_nested(a) or is_nested(b):
            return TypeError, ("The two namedtuples don't have the same sequence type. First "
                               "structure %s has type %s, while second structure %s has type %s"
                               % (_desc(a), type(a).__name__, _desc(b), type(b).__name__))
        seq, atom = (a, b) if _composite(a) else (b, a)
        return ValueError, 'Substructure "%s" is a sequence, while substructure "%s" is not' % (
            _desc(seq), _desc(atom))
    if is_nested(a) != is_nested(b):
        seq, atom = (a, b) if is_nested(a) else (b, a)
        return ValueError, 'Substructure "%s" is a sequence, while substructure "%s" is not' % (
            _desc(seq), _desc(atom))
    if not is_nested(a):
        return None
    if type(a) is not type(b):
        if not (isinstance(a, dict) and isinstance(b, dict)):
            return TypeError, ("The two namedtuples don't have the same sequence type. First "
                               "structure %s has type %s, while second structure %s has type %s"
                               % (_desc(a), type(a).__name__, _desc(b), type(b).__name__))
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return ValueError, ("The two dictionaries don't have the same set of keys. First "
                            "structure has keys %s, while second structure has keys %s"
                            % (_desc(sorted(a)), _desc(sorted(b))))
    if len(a) != len(b):
        return ValueError, ("The two structures don't have the same number of elements. First "
                            "structure: %s. Second structure: %s" % (_desc(a), _desc(b)))
    for x, y in zip(_children(a), _children(b)):
        found = _mismatch(x, y, expand)
        if found:
            return found
    return None


def assert_same_structure(a, b, check_types=True, expand_composites=False):
    """Raises TF's ValueError / TypeError when `a` and `b` nest differently."""
    found = _mismatch(a, b, expand_composites)
    if found is None:
        return
    exc, detail = found
    raise exc("%sFirst structure: %s\n\nSecond structure: %s\n\nMore specifically: %s\n"
              "Entire first structure:\n%s\nEntire second structure:\n%s"
              % (_HEAD, _desc(a), _desc(b), detail, _dots(a), _dots(b)))
