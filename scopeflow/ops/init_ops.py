"""TF1 initializers (`tf.zeros_initializer`, `tf.glorot_uniform_initializer`, ...).

An initializer is called as `init(shape, dtype, partition_info)` inside `<var>/Initializer` and
builds the same ops TF builds there (`random_uniform/RandomUniform`, `zeros`, `Const`, ...).
"""

import math

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops import random as _random


def _assert_float_dtype(dtype):
    if not dtype.is_floating:
        raise ValueError("Argument `dtype` is expected to be floating point. Received: %s."
                         % dtype)
    return dtype


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape; conv kernels multiply by the receptive field."""
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape[0], shape[1]
    else:
        field = 1
        for dim in shape[:-2]:
            field *= dim
        fan_in, fan_out = shape[-2] * field, shape[-1] * field
    return int(fan_in), int(fan_out)


class Initializer:
    """Base class: `init(shape, dtype=None, partition_info=None)` returns a Tensor."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    """`tf.zeros_initializer`: all zeros (`<var>/Initializer/zeros`).

    >>> import scopeflow as tf
    >>> tf.get_variable("z", [2], initializer=tf.zeros_initializer()).initial_value.name
    'z/Initializer/zeros:0'
    """

    def __init__(self, dtype=_dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return filled(shape, self.dtype if dtype is None else dtype, 0, "zeros")

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """`tf.ones_initializer`: all ones (`<var>/Initializer/ones`)."""

    def __init__(self, dtype=_dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return filled(shape, self.dtype if dtype is None else dtype, 1, "ones")

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """`tf.constant_initializer`: a value, padded with its last element (`Initializer/Const`)."""

    def __init__(self, value=0, dtype=_dt.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError("Invalid type for initial value=%s of type: %s. Expected Python "
                            "scalar, list or tuple of values, or numpy.ndarray."
                            % (value, type(value).__name__))
        self.value = value
        self.dtype = _dt.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        from scopeflow.ops.constant import constant
        verify = self._verify_shape if verify_shape is None else verify_shape
        return constant(self.value, dtype=self.dtype if dtype is None else dtype, shape=shape,
                        verify_shape=verify)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """`tf.random_uniform_initializer`: uniform in [minval, maxval)."""

    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=_dt.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.random_uniform(shape, self.minval, self.maxval,
                                      self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """`tf.random_normal_initializer`: normal with `mean`, `stddev`."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=_dt.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _assert_float_dtype(_dt.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.random_normal(shape, self.mean, self.stddev,
                                     self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """`tf.truncated_normal_initializer`: normal, redrawn beyond two standard deviations."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.truncated_normal(shape, self.mean, self.stddev,
                                        self.dtype if dtype is None else dtype, seed=self.seed)


class UniformUnitScaling(Initializer):
    """`tf.uniform_unit_scaling_initializer`: uniform, scaled by the input size."""

    def __init__(self, factor=1.0, seed=None, dtype=_dt.float32):
        self.factor, self.seed = factor, seed
        self.dtype = _assert_float_dtype(_dt.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        scale_shape = shape if partition_info is None else partition_info.full_shape
        input_size = 1.0
        for dim in scale_shape[:-1]:
            input_size *= float(dim)
        max_val = math.sqrt(3 / max(input_size, 1.0)) * self.factor
        return _random.random_uniform(shape, -max_val, max_val,
                                      self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


_MODES = {"fan_in": lambda i, o: i, "fan_out": lambda i, o: o,
          "fan_avg": lambda i, o: (i + o) / 2.0}
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


class VarianceScaling(Initializer):
    """`tf.variance_scaling_initializer`: variance `scale / fan` (Glorot, He, LeCun)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=_dt.float32):
        if scale <= 0.0:
            raise ValueError("Argument `scale` must be a positive float. Received: %s" % scale)
        if mode not in _MODES:
            raise ValueError("Argument `mode` should be one of ('fan_in', 'fan_out', 'fan_avg'). "
                             "Received: %s" % mode)
        distribution = distribution.lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError("Argument `distribution` should be one of ('normal', uniform', "
                             "'truncated_normal', 'untruncated_normal'). Received: %s"
                             % distribution)
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _assert_float_dtype(_dt.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        scale_shape = shape if partition_info is None else partition_info.full_shape
        scale = self.scale / max(1.0, _MODES[self.mode](*compute_fans(scale_shape)))
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / 0.8796256610342398  # stddev of N(0,1) cut at ±2
            return _random.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _random.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _random.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """`tf.glorot_uniform_initializer`: get_variable's default for floats."""

    def __init__(self, seed=None, dtype=_dt.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """`tf.glorot_normal_initializer`: truncated normal with Glorot's variance."""

    def __init__(self, seed=None, dtype=_dt.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class Orthogonal(Initializer):
    """`tf.orthogonal_initializer`: Q of a QR decomposition of a normal matrix, times `gain`."""

    def __init__(self, gain=1.0, seed=None, dtype=_dt.float32):
        self.gain, self.seed = gain, seed
        self.dtype = _assert_float_dtype(_dt.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        if len(shape) < 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be at "
                             "least two-dimensional. Received shape=%s" % (shape,))
        num_rows = int(np.prod(shape[:-1]))
        num_cols = int(shape[-1])
        flat = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = _random.random_normal(flat, dtype=dtype, seed=self.seed)
        from scopeflow.ops.array import reshape
        from scopeflow.ops.math_unary import sign
        q, r = _qr(a)
        q *= sign(_diag_part(r))
        if num_rows < num_cols:
            q = _matrix_transpose(q)
        return self.gain * reshape(q, shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """`tf.initializers.identity`: `gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=_dt.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(_dt.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        from scopeflow.ops.slicing import slice as slice_
        full_shape = shape if partition_info is None else partition_info.full_shape
        if len(full_shape) != 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be at "
                             "least two-dimensional. Received shape=%s" % (shape,))
        if isinstance(full_shape, TensorShape):
            full_shape = full_shape.as_list()
        init = _eye(full_shape[0], full_shape[1], self.dtype if dtype is None else dtype)
        if partition_info is not None:
            init = slice_(init, partition_info.var_offset, shape)
        return self.gain * init

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity


def lecun_normal(seed=None):
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed=None):
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed=None):
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed=None):
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=seed)


# ---- zeros / ones with TF's names --------------------------------------------------------
def filled(shape, dtype, one, name):
    """TF's `array_ops.zeros` / `ones`: a Const when small (< 1000 elements), else Fill."""
    from scopeflow.ops import shape_ops
    return getattr(shape_ops, name)(shape, dtype)


# ---- linear-algebra pieces of the orthogonal and identity initializers --------------------
def _qr(a):
    from scopeflow.ops.linalg_ops import qr
    return qr(a, full_matrices=False)


def _diag_part(r):
    from scopeflow.ops.diag_ops import diag_part
    return diag_part(r)


def _matrix_transpose(q):
    from scopeflow.ops.linalg_ops import matrix_transpose
    return matrix_transpose(q)


def _eye(num_rows, num_cols, dtype):
    """TF's `eye(num_rows, num_cols)`: ones on a MatrixDiagV3 (`eye/ones`, `eye/diag`)."""
    from scopeflow.ops.diag_ops import eye
    return eye(num_rows, num_cols, dtype=dtype)
