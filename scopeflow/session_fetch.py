"""What `Session.run` accepts: fetch structures and feed dicts, with TF's errors.

A fetch structure (nested lists, tuples, namedtuples, dicts, attrs classes) becomes the list of
its unique graph elements and a builder that puts values back into the same structure; feeds
become (tensor, numpy array) pairs converted and checked as TF does.
"""

import collections
import collections.abc
import functools

import numpy as np

from scopeflow.core.tensor import Operation, Tensor

_LEAF_TYPES = (Tensor, Operation, str)
_LEAF_SET = frozenset(_LEAF_TYPES)


# ---- fetches --------------------------------------------------------------------------------
def fetch_plan(graph, fetches):
    """(unique graph elements, build(values) -> structure) for a fetch structure.

    >>> import scopeflow as tf
    >>> c = tf.constant(1.0)
    >>> elems, build = fetch_plan(c.graph, {"a": [c, c]})
    >>> len(elems), build([7])
    (1, {'a': [7, 7]})
    """
    elements, index = [], {}
    build = _mapper(graph, fetches, elements, index)
    if type(fetches) in (list, tuple) and len(elements) == len(fetches) and all(
            type(f) in _LEAF_TYPES for f in fetches):
        build = type(fetches)  # a flat list of distinct elements is its values, in order
    return elements, build


def _mapper(graph, fetch, elements, index):
    if fetch is None:
        raise TypeError('Argument `fetch` = None has invalid type "NoneType". Cannot be None')
    if isinstance(fetch, (list, tuple)):
        subs = [_mapper(graph, f, elements, index) for f in fetch]
        return _sequence_builder(type(fetch), subs)
    if isinstance(fetch, collections.abc.Mapping):
        keys = list(fetch.keys())
        subs = [_mapper(graph, f, elements, index) for f in fetch.values()]
        ctor = type(fetch)
        if isinstance(fetch, collections.defaultdict):
            ctor = functools.partial(collections.defaultdict, fetch.default_factory)
        return lambda v: ctor(zip(keys, [s(v) for s in subs]))
    attrs = getattr(type(fetch), "__attrs_attrs__", None)
    if attrs is not None:
        subs = [_mapper(graph, getattr(fetch, a.name), elements, index) for a in attrs]
        typ = type(fetch)
        return lambda v: typ(*[s(v) for s in subs])
    expand = getattr(fetch, "_session_fetches", None)  # composite values (sparse tensors)
    if expand is not None:
        parts, contract = expand()
        subs = [_mapper(graph, p, elements, index) for p in parts]
        return lambda v: contract([s(v) for s in subs])
    el = _element(graph, fetch)
    i = index.get(id(el))
    if i is None:
        i = index[id(el)] = len(elements)
        elements.append(el)
    return lambda v: v[i]


def _sequence_builder(typ, subs):
    if issubclass(typ, list):
        return lambda v: [s(v) for s in subs]
    if typ is tuple:
        return lambda v: tuple([s(v) for s in subs])
    return lambda v: typ(*[s(v) for s in subs])  # namedtuple


class InaccessibleTensorError(ValueError):
    """A fetch of an op the graph marks as not fetchable (inside a loop body, ...)."""


def _element(graph, fetch):
    el = _as_element(graph, fetch)
    op = el if isinstance(el, Operation) else el.op
    if not graph.is_fetchable(op):
        raise InaccessibleTensorError(
            "Operation %s has been marked as not fetchable. Typically this happens when it is "
            "defined in another function or code block. Use return values, explicit Python "
            "locals or TensorFlow collections to access it." % op.name)
    return el


def _as_element(graph, fetch):
    try:
        return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError('Argument `fetch` = %s has invalid type "%s" must be a string or Tensor. '
                        '(%s)' % (fetch, type(fetch).__name__, e)) from None
    except (ValueError, KeyError) as e:
        raise ValueError("Argument `fetch` = %s cannot be interpreted as a Tensor. (%s)"
                         % (fetch, e)) from None


def structure_key(fetches):
    """A hashable key equal for fetch structures that run identically (leaves by identity)."""
    t = type(fetches)
    if t in _LEAF_TYPES:
        return fetches
    if t is list or t is tuple:
        if set(map(type, fetches)) <= _LEAF_SET:  # flat: leaves by id (the plan keeps them)
            return (t, tuple(map(id, fetches)))
        return (t, tuple([structure_key(f) for f in fetches]))
    if isinstance(fetches, (list, tuple)):
        return (t, tuple([structure_key(f) for f in fetches]))
    if isinstance(fetches, collections.abc.Mapping):
        return (t, tuple([(k, structure_key(v)) for k, v in fetches.items()]))
    attrs = getattr(t, "__attrs_attrs__", None)
    if attrs is not None:
        return (t, tuple([structure_key(getattr(fetches, a.name)) for a in attrs]))
    return (t, id(fetches))


# ---- feeds ----------------------------------------------------------------------------------
def flatten_feeds(feed_dict):
    """TF's nest.flatten_dict_items: tuple keys pair up with tuple values."""
    if not isinstance(feed_dict, collections.abc.Mapping):
        raise TypeError("FlattenDictItems: 'dict' must be a dictionary or collection.Mapping "
                        "type object, instead of '%s'." % type(feed_dict).__name__)
    out = {}
    for k, v in feed_dict.items():
        parts = getattr(k, "_session_feed_parts", None)  # a RaggedTensor: splits, values
        expand = getattr(k, "_session_fetches", None)  # a SparseTensor: its three parts
        if parts is not None:
            k, v = parts(v)
        elif expand is not None:
            # a SparseTensor's or an IndexedSlices' parts zipped with the value, as TF's
            # feed_fn does (a shorter value feeds the first parts only)
            pairs = list(zip(expand()[0], v))
            k, v = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
        if isinstance(k, (list, tuple)):
            ks, vs = _flat(k), _flat_like(k, v)
            for kk, vv in zip(ks, vs):
                if kk in out:
                    raise ValueError("Could not flatten dictionary: key %s is not unique." % kk)
                out[kk] = vv
        else:
            if k in out:
                raise ValueError("Could not flatten dictionary: key %s is not unique." % k)
            out[k] = v
    return out


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [y for e in x for y in _flat(e)]
    return [x]


def _flat_like(keys, values):
    if not isinstance(keys, (list, tuple)):
        return [values]
    if not isinstance(values, (list, tuple)) or len(values) != len(keys):
        raise ValueError("Could not flatten dictionary. Key had %d elements, but value had %s "
                         "elements. Key: %s, value: %s." % (
                             len(keys), len(values) if hasattr(values, "__len__") else 1,
                             list(keys), list(values) if hasattr(values, "__iter__") else values))
    return [y for k, v in zip(keys, values) for y in _flat_like(k, v)]


def feed_tensor(graph, key):
    """The Tensor a feed_dict key names."""
    try:
        return graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except Exception as e:  # noqa: BLE001 - TF reports every failure the same way
        raise TypeError("Cannot interpret feed_dict key as Tensor: %s"
                        % (e.args[0] if e.args else e)) from None


class FeedSpec:
    """How to convert and check values fed to one tensor."""

    __slots__ = ("dims", "key", "np_dtype", "numeric", "ok_shapes", "tensor")

    def __init__(self, tensor, key):
        if not tensor.graph.is_feedable(tensor):
            raise ValueError("Tensor %s may not be fed." % tensor.name)
        self.tensor = tensor
        self.key = key
        dt = tensor._dtype.base_dtype.as_numpy_dtype
        self.np_dtype = dt
        self.numeric = dt is not object and np.issubdtype(np.dtype(dt), np.number)
        self.dims = tensor._shape._dims
        self.ok_shapes = set()

    def convert(self, value):
        """numpy array of the tensor's dtype (TF's np_asarray), shape-checked."""
        if isinstance(value, Tensor):
            raise TypeError(
                "The value of a feed cannot be a tf.Tensor object. Acceptable feed values "
                "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For "
                "reference, the tensor object was %s which was passed to the argument "
                "`feed_dict` with key %s." % (value, self.key))
        dt = self.np_dtype
        if type(value) is int:
            self._check_int(value)
        if self.numeric:
            a = np.asarray(value)
            if a.dtype != dt:
                a = a.astype(dt)
        else:
            a = np.asarray(value, dtype=dt)
            if a.dtype.names:  # a quantized type: runs carry its integers
                a = a.view(a.dtype[0])
        shape = a.shape
        if shape not in self.ok_shapes:
            self._check_shape(shape)
        return a

    def _check_int(self, value):
        dt = self.np_dtype
        if dt is object:  # (TF's np.asarray(5, dtype=object) is refused for a string)
            raise TypeError("Type of feed value %s with type %s is not compatible with Tensor "
                            "type %s. Try explicitly setting the type of the feed tensor to a "
                            "larger type (e.g. int64)." % (value, type(value), dt))
        if dt(np.array(value).astype(dt)) != value:
            raise TypeError("Type of feed value %s with type %s is not compatible with Tensor "
                            "type %s. Try explicitly setting the type of the feed tensor to a "
                            "larger type (e.g. int64)." % (value, type(value), dt))

    def _check_shape(self, shape):
        dims = self.dims
        if dims is not None and (len(dims) != len(shape) or any(
                d is not None and d != s for d, s in zip(dims, shape))):
            raise ValueError("Cannot feed value of shape %s for Tensor %s, which has shape %s"
                             % (shape, self.tensor.name, _v1_shape(dims)))
        self.ok_shapes.add(shape)


def quantized_results(values, tensors):
    """`values` of `tensors` with each quantized one as TF's NumPy type, `[('qint8', 'i1')]`
    records (runs carry its integers): what TF gives back for a fed quantized tensor."""
    out = list(values)
    for i, t in enumerate(tensors):
        want = t._dtype.base_dtype.as_numpy_dtype
        if isinstance(want, np.dtype) and want.names and out[i] is not None:
            v = np.asarray(out[i])
            v = v if v.dtype.names else v.astype(want[0]).view(want)
            out[i] = v[()] if v.ndim == 0 else v
    return out


def _v1_shape(dims):
    """A static shape as TF1 prints it: '(?, 2)'."""
    inner = ", ".join("?" if d is None else str(d) for d in dims)
    return "(%s,)" % inner if len(dims) == 1 else "(%s)" % inner
