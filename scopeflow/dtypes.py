"""TF's dtype table: DType objects, `as_dtype`, reference dtypes for variables."""

import numpy as np

_REF_OFFSET = 100


class DType:
    """A TensorFlow dtype: `tf.float32`, `tf.int32`, ... and their `_ref` twins.

    >>> as_dtype("float32").name
    'float32'
    """

    __slots__ = ("_enum", "_name", "_np", "base_dtype")

    def __init__(self, enum, name, np_type):
        self._enum = enum
        self._name = name
        self._np = np_type
        self.base_dtype = self  # a `_ref` dtype points at its base (set in the table below)

    name = property(lambda self: self._name)
    as_datatype_enum = property(lambda self: self._enum)
    is_numpy_compatible = property(lambda self: self._np is not None)

    @property
    def as_numpy_dtype(self):
        return self._np

    @property
    def _is_ref_dtype(self):
        return self._enum > _REF_OFFSET

    @property
    def real_dtype(self):
        b = self.base_dtype  # (a complex type's parts: complex64 -> float32)
        return {"complex64": float32, "complex128": float64}.get(b._name, b)

    @property
    def _as_ref(self):
        return self if self._is_ref_dtype else _BY_ENUM[self._enum + _REF_OFFSET]

    is_floating = property(lambda self: self.base_dtype._name in _FLOATS)
    is_integer = property(lambda self: self.base_dtype._name in _INTS)
    is_complex = property(lambda self: self.base_dtype._name in ("complex64", "complex128"))
    is_bool = property(lambda self: self.base_dtype._name == "bool")
    is_unsigned = property(lambda self: self.base_dtype._name in ("uint8", "uint16", "uint32",
                                                                  "uint64"))
    is_quantized = property(lambda self: self.base_dtype._name in _QUANTIZED)

    @property
    def size(self):
        return 1 if self._np is None or self._np is object else np.dtype(self._np).itemsize

    @property
    def min(self):
        b = self.base_dtype
        if b.is_quantized:
            raise TypeError("Cannot find minimum value of %s with quantized type %s."
                            % (self, b))
        if b.is_floating:
            return float(np.finfo(_np_of(b)).min)
        return int(np.iinfo(_np_of(b)).min)

    @property
    def max(self):
        b = self.base_dtype
        if b.is_quantized:
            raise TypeError("Cannot find maximum value of %s with quantized type %s."
                            % (self, b))
        if b.is_floating:
            return float(np.finfo(_np_of(b)).max)
        return int(np.iinfo(_np_of(b)).max)

    @property
    def limits(self):
        if self.is_quantized:
            raise ValueError("%s does not have defined limits." % self)
        return self.min, self.max

    def is_compatible_with(self, other):
        return self.base_dtype is as_dtype(other).base_dtype

    def __eq__(self, other):
        if other is None:
            return False
        if isinstance(other, DType):
            return self._enum == other._enum
        try:
            return self._enum == as_dtype(other)._enum
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return self._enum

    def __repr__(self):
        return "tf." + self._name

    def __str__(self):
        return "<dtype: %r>" % self._name

    def __reduce__(self):
        return as_dtype, (self._name,)


def _np_of(dtype):
    return np.dtype(dtype.as_numpy_dtype)


_FLOATS = ("float16", "bfloat16", "float32", "float64")
_QUANTIZED = ("qint8", "quint8", "qint16", "quint16", "qint32")
_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")

try:  # ml_dtypes ships with jax
    import ml_dtypes as _mld

    _BF16 = _mld.bfloat16
except ImportError:  # pragma: no cover
    _BF16 = None



def _quantized(name, np_type):
    """TF's NumPy type for a quantized dtype: one named field, `[('qint8', 'i1')]`."""
    return np.dtype([(name, np_type)])


# (enum, name, numpy type) as in TF's types.proto
_TABLE = [
    (1, "float32", np.float32), (2, "float64", np.float64), (3, "int32", np.int32),
    (4, "uint8", np.uint8), (5, "int16", np.int16), (6, "int8", np.int8),
    (7, "string", object), (8, "complex64", np.complex64), (9, "int64", np.int64),
    (10, "bool", np.bool_), (14, "bfloat16", _BF16), (17, "uint16", np.uint16),
    (18, "complex128", np.complex128), (19, "float16", np.float16), (20, "resource", None),
    (21, "variant", None), (22, "uint32", np.uint32), (23, "uint64", np.uint64),
    (11, "qint8", _quantized("qint8", np.int8)), (12, "quint8", _quantized("quint8", np.uint8)),
    (13, "qint32", _quantized("qint32", np.int32)),
    (15, "qint16", _quantized("qint16", np.int16)),
    (16, "quint16", _quantized("quint16", np.uint16)),
]
_BY_ENUM = {}
_BY_NAME = {}
for _e, _n, _t in _TABLE:
    _BY_ENUM[_e] = _BY_NAME[_n] = DType(_e, _n, _t)
    _BY_ENUM[_e + _REF_OFFSET] = _BY_NAME[_n + "_ref"] = DType(_e + _REF_OFFSET, _n + "_ref", _t)
    _BY_ENUM[_e + _REF_OFFSET].base_dtype = _BY_ENUM[_e]

float16 = half = _BY_NAME["float16"]
bfloat16 = _BY_NAME["bfloat16"]
float32 = _BY_NAME["float32"]
float64 = double = _BY_NAME["float64"]
int8, int16, int32, int64 = (_BY_NAME[n] for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (_BY_NAME[n] for n in ("uint8", "uint16", "uint32", "uint64"))
complex64, complex128 = _BY_NAME["complex64"], _BY_NAME["complex128"]
bool = _BY_NAME["bool"]  # noqa: A001 - TF's public name
string = _BY_NAME["string"]
resource = _BY_NAME["resource"]
variant = _BY_NAME["variant"]
# the reference twins TF's dtypes module names (`v.dtype == dtypes.float32_ref`)
float16_ref, float32_ref, float64_ref = (_BY_NAME[n + "_ref"]
                                         for n in ("float16", "float32", "float64"))
int32_ref, int64_ref, bool_ref = (_BY_NAME[n + "_ref"] for n in ("int32", "int64", "bool"))
qint8, quint8, qint16, quint16, qint32 = (_BY_NAME[n] for n in _QUANTIZED)
qint8_ref, quint8_ref, qint16_ref, quint16_ref, qint32_ref = (_BY_NAME[n + "_ref"]
                                                              for n in _QUANTIZED)
QUANTIZED_DTYPES = frozenset(_BY_NAME[n + r] for n in _QUANTIZED for r in ("", "_ref"))

_NP_TO_DTYPE = {np.dtype(t): d for (e, n, t) in _TABLE for d in [_BY_NAME[n]]
                if t is not None and t is not object}
_NP_TO_DTYPE[np.dtype(object)] = string
_NP_TO_DTYPE[np.dtype("S")] = string
_NP_TO_DTYPE[np.dtype("U")] = string
_PY_TO_DTYPE = {float: float32, int: int32, __builtins__["bool"] if isinstance(__builtins__, dict)
                else __builtins__.bool: _BY_NAME["bool"], str: string, bytes: string,
                complex: complex128}


def as_dtype(type_value):
    """Converts a name, numpy type, enum or DType into a DType.

    >>> as_dtype(np.float32) is float32
    True
    """
    if isinstance(type_value, DType):
        return type_value
    try:
        d = _NUMPY_TYPES.get(type_value)  # hot: np.dtype objects and NumPy scalar types
    except TypeError:  # unhashable
        d = None
    if d is not None:
        return d
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value) or _BY_NAME.get(_ALIASES.get(type_value, ""))
        if d is not None:
            return d
    elif isinstance(type_value, int) and not isinstance(type_value, type(True)):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
    elif type_value in _PY_TO_DTYPE:
        return _PY_TO_DTYPE[type_value]
    elif type_value is not None:  # (NumPy reads None as float64; TF refuses it)
        try:
            npd = np.dtype(type_value)
        except TypeError:
            npd = None
        if npd is not None:
            if npd in _NP_TO_DTYPE:
                return _NP_TO_DTYPE[npd]
            if npd.kind in "SUO":
                return string
    if hasattr(type_value, "dtype") and not isinstance(type_value, type):
        return as_dtype(type_value.dtype)
    raise TypeError("Cannot convert the argument `type_value`: %r to a TensorFlow DType."
                    % (type_value,))


_ENUM_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF"}


def enum_name(dtype):
    """TF's DataType enum name: 'DT_FLOAT' for float32, 'DT_INT32', 'DT_FLOAT_REF', ..."""
    base = dtype.base_dtype.name
    name = _ENUM_NAMES.get(base, "DT_" + base.upper())
    return name + "_REF" if dtype._is_ref_dtype else name


_ALIASES = {"half": "float16", "float": "float32", "double": "float64"}
# exact-type keys only: np.dtype objects and NumPy scalar classes (a str or int never hits)
_NUMPY_TYPES = {k: v for k, v in _NP_TO_DTYPE.items() if k.kind not in "SU"}
# (a quantized dtype's NumPy type is a structured np.void: its class names no dtype)
_NUMPY_TYPES.update({k.type: v for k, v in _NUMPY_TYPES.items() if k.kind not in "OV"})

DType.__module__ = "scopeflow.dtypes"
