"""`TensorShape` and `Dimension` with TF's merge and compatibility rules (None = unknown)."""


class Dimension:
    """One dimension; `value` is an int or None when unknown.

    >>> Dimension(3).merge_with(None).value
    3
    """

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            try:
                value = int(value.__index__())
            except AttributeError:
                raise TypeError("Dimension value must be integer or None or have an __index__ "
                                "method, got value '%r' with type '%r'" % (value, type(value)))
            if value < 0:
                raise ValueError("Dimension %d must be >= 0" % value)
        self._value = value

    value = property(lambda self: self._value)

    def __repr__(self):
        return "Dimension(%r)" % self._value

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def __eq__(self, other):
        other = _dim_value(other)
        if self._value is None or other is None:
            return None
        return self._value == other

    def __ne__(self, other):
        other = _dim_value(other)
        if self._value is None or other is None:
            return None
        return self._value != other

    def __hash__(self):
        return hash(self._value)

    def is_compatible_with(self, other):
        other = _dim_value(other)
        return self._value is None or other is None or self._value == other

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Dimensions %s and %s are not compatible" % (self, as_dimension(other)))

    def merge_with(self, other):
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        return Dimension(self._value if self._value is not None else other.value)

    def _arith(self, other, fn):
        other = _dim_value(other)
        if self._value is None or other is None:
            return Dimension(None)
        return Dimension(fn(self._value, other))

    def __add__(self, other):
        return self._arith(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._arith(other, lambda a, b: a - b)

    def __mul__(self, other):
        return self._arith(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._arith(other, lambda a, b: a // b)

    def __mod__(self, other):
        return self._arith(other, lambda a, b: a % b)

    def __lt__(self, other):
        other = _dim_value(other)
        return None if self._value is None or other is None else self._value < other

    def __le__(self, other):
        other = _dim_value(other)
        return None if self._value is None or other is None else self._value <= other

    def __gt__(self, other):
        other = _dim_value(other)
        return None if self._value is None or other is None else self._value > other

    def __ge__(self, other):
        other = _dim_value(other)
        return None if self._value is None or other is None else self._value >= other


def _dim_value(d):
    return d.value if isinstance(d, Dimension) else (None if d is None else int(d))


def as_dimension(value):
    return value if isinstance(value, Dimension) else Dimension(value)


def dimension_value(d):
    return d.value if isinstance(d, Dimension) else d



def dimension_at_index(shape, index):
    """`tf.compat.dimension_at_index`: dimension `index` of `shape` (unknown if its rank is)."""
    assert isinstance(shape, TensorShape)
    if shape.rank is None:
        return Dimension(None)
    return shape.dims[index]


_SHARED = {}  # dims -> TensorShape (see TensorShape._of)
_SHARED_MAX = 4096


def _dim_of(dims, d):
    """Dimension `d` of the iterable `dims` (not a list or tuple), with TF's error."""
    try:
        return _dim_value(as_dimension(d))
    except TypeError:
        raise TypeError("Failed to convert '%r' to a shape: '%r'could not be converted to a "
                        "dimension. A shape should either be single dimension (e.g. 10), or "
                        "an iterable of dimensions (e.g. [1, 10, None])." % (dims, d)) from None


class TensorShape:
    """A static shape: unknown rank (`dims is None`) or a tuple of ints / None.

    >>> TensorShape([None, 3]).merge_with([2, None]).as_list()
    [2, 3]
    """

    __slots__ = ("_dims",)

    def __init__(self, dims):
        if dims is None:
            self._dims = None
        elif type(dims) is list or type(dims) is tuple:  # hot: known non-negative ints
            t = tuple(dims)
            for d in t:
                if type(d) is not int or d < 0:
                    self._dims = tuple([_dim_value(as_dimension(d)) for d in t])
                    break
            else:
                self._dims = t
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif hasattr(dims, "dim") and hasattr(dims, "unknown_rank"):  # TensorShapeProto
            self._dims = None if dims.unknown_rank else tuple(
                None if d.size < 0 else int(d.size) for d in dims.dim)
        else:
            try:
                it = iter(dims)
            except TypeError:
                self._dims = (_dim_value(as_dimension(dims)),)
                return
            self._dims = tuple(_dim_of(dims, d) for d in it)

    @classmethod
    def _of(cls, dims):
        """Fast constructor from a tuple of ints/None or None (no checks). TensorShapes are
        immutable, so common ones are shared: a graph holds far fewer objects."""
        try:
            s = _SHARED.get(dims)
        except TypeError:  # a list
            s = None
        if s is None or cls is not TensorShape:
            s = object.__new__(cls)
            s._dims = dims
            if len(_SHARED) < _SHARED_MAX and cls is TensorShape and (
                    dims is None or type(dims) is tuple):
                _SHARED[dims] = s
        return s

    @property
    def dims(self):
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self):
        return self._dims is not None

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(Dimension(d) for d in self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            if isinstance(key, slice):
                return unknown_shape()
            return Dimension(None)
        if isinstance(key, slice):
            return TensorShape._of(self._dims[key])
        try:
            return Dimension(self._dims[key])
        except IndexError:  # TF keeps its dims in a list: the message is a list's
            raise IndexError("list index out of range") from None

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def as_proto(self):
        from tensorboard.compat.proto import tensor_shape_pb2
        p = tensor_shape_pb2.TensorShapeProto()
        if self._dims is None:
            p.unknown_rank = True
        else:
            for d in self._dims:
                p.dim.add(size=-1 if d is None else d)
        return p

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_fully_defined(self):
        return self._dims is not None and None not in self._dims

    def assert_is_fully_defined(self):
        if not self.is_fully_defined():
            raise ValueError("Shape %s is not fully defined" % self)

    def is_compatible_with(self, other):
        other = as_shape(other)
        if self._dims is None or other._dims is None or self._dims == other._dims:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are incompatible" % (self, as_shape(other)))

    def merge_with(self, other):
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        self.assert_same_rank(other)
        out = []
        for a, b in zip(self._dims, other._dims):
            if a is not None and b is not None and a != b:
                raise ValueError("Shapes %s and %s are not compatible" % (self, other))
            out.append(a if a is not None else b)
        return TensorShape._of(tuple(out))

    def assert_same_rank(self, other):
        other = as_shape(other)
        if self._dims is not None and other._dims is not None and len(self) != len(other):
            raise ValueError("Shapes %s and %s must have the same rank" % (self, other))

    def assert_has_rank(self, rank):
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))

    def with_rank(self, rank):
        if self._dims is None:
            return TensorShape._of((None,) * rank)
        if len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))
        return self

    def with_rank_at_least(self, rank):
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError("Shape %s must have rank at least %d" % (self, rank))
        return self

    def with_rank_at_most(self, rank):
        if self._dims is not None and len(self._dims) > rank:
            raise ValueError("Shape %s must have rank at most %d" % (self, rank))
        return self

    def concatenate(self, other):
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return unknown_shape()
        return TensorShape._of(self._dims + other._dims)

    def most_specific_compatible_shape(self, other):
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return unknown_shape()
        return TensorShape._of(tuple(a if a == b else None for a, b in zip(self._dims, other._dims)))

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        return hash(self._dims)

    def __add__(self, other):
        return self.concatenate(other)

    def __radd__(self, other):
        return as_shape(other).concatenate(self)

    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape([%s])" % ", ".join("Dimension(%r)" % d for d in self._dims)

    def __str__(self):
        # TF1 (v2 shapes disabled) writes unknown dimensions as '?'
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return "(%s,)" % _dstr(self._dims[0])
        return "(%s)" % ", ".join(_dstr(d) for d in self._dims)

    def __reduce__(self):
        return TensorShape, (None if self._dims is None else list(self._dims),)


def _dstr(d):
    return "?" if d is None else str(d)


def as_shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank=None):
    return TensorShape._of(None if rank is None else (None,) * rank)


SCALAR = TensorShape._of(())


def scalar():
    return SCALAR


def dims_str(dims):
    """'[?,3]' as TF's runtime errors write a shape."""
    if dims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"
