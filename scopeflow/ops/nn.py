"""Activations, softmax, bias_add and dropout (tf.nn), with TF's op types and names.

Convolutions are in nn_conv.py, pooling in nn_pool.py, normalization in nn_norm.py, losses in
nn_losses.py, embeddings in nn_embedding.py.
"""

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.errors import AbortedError, InvalidArgumentError
from scopeflow.ops import eigen_reciprocal, eigen_softmax, nn_jax
from scopeflow.ops.eigen_exp import eigen_exp, float32_kernel, softplus_op
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import attr, name_scope, named, tensor, typed_op
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.rounding import round_each
from scopeflow.ops.value_checks import check


# ---- activations: op type -> kernel over `features` -----------------------------------------
def _leaky_relu(features, *, alpha=0.2):
    return jnp.where(features > 0, features, features * jnp.asarray(alpha, features.dtype))


def _softsign(features):
    return features / (1 + jnp.abs(features))


def _relu(features):
    return nn_jax.relu(features).astype(features.dtype)


# TF's Elu and Selu kernels: exp(x) - 1 where x < 0 (Eigen's exp over the flat tensor, not
# expm1), the Selu one times scale * alpha rounded (a following sum must not fuse it)
_SELU_SCALE, _SELU_SCALE_ALPHA = np.float32(1.0507009873554805), np.float32(1.7580993408473769)
_elu = float32_kernel(lambda x: jnp.where(x < 0, eigen_exp(x) - 1, x), jax.nn.elu,
                      lambda x, y, t: t * jnp.where(x < 0, y + 1, 1).astype(x.dtype),
                      "TF's Elu kernel")
_selu = float32_kernel(
    lambda x: jnp.where(x < 0, round_each(_SELU_SCALE_ALPHA * (eigen_exp(x) - 1)),
                        round_each(_SELU_SCALE * x)), jax.nn.selu,
    lambda x, y, t: t * jnp.where(x < 0, y + _SELU_SCALE_ALPHA, _SELU_SCALE).astype(x.dtype),
    "TF's Selu kernel")

_ACTIVATIONS = {"Relu": _relu, "Relu6": jax.nn.relu6, "Elu": _elu, "Selu": _selu,
                "Softplus": softplus_op, "Softsign": _softsign}
ACT = {t: typed_op(t)((lambda f: lambda features: f(features))(fn))
       for t, fn in _ACTIVATIONS.items()}
_leaky = typed_op("LeakyRelu")(_leaky_relu)


def _public_act(op_type):
    def f(features, name=None):
        return ACT[op_type](features, name=name or op_type)

    f.__doc__ = "`tf.nn.%s`: one %s op." % (op_type.lower(), op_type)
    return named(f, op_type.lower())


relu, elu, selu, softplus, softsign = (_public_act(t) for t in ("Relu", "Elu", "Selu",
                                                                 "Softplus", "Softsign"))


def relu6(features, name=None):
    """`tf.nn.relu6`: min(max(features, 0), 6).

    >>> import scopeflow as tf
    >>> tf.nn.relu6(tf.ones([2])).name
    'Relu6:0'
    """
    with name_scope(name, "Relu6", [features]) as scope:
        features = tensor(features, name="features")
        return ACT["Relu6"](features, name=scope)


def leaky_relu(features, alpha=0.2, name=None):
    """`tf.nn.leaky_relu`: integer features are cast to float32 first."""
    from scopeflow.ops import math as m
    with name_scope(name, "LeakyRelu", [features, alpha]) as scope:
        features = tensor(features, name="features")
        if features.dtype.is_integer:
            features = m.cast(features, _dt.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        return _leaky(features, name=scope, alpha=attr("float", alpha, "alpha"))


def crelu(features, name=None, axis=-1):
    """`tf.nn.crelu`: relu of [features, -features] concatenated on `axis` ('CRelu/Relu')."""
    with name_scope(name, "CRelu", [features]) as scope:
        features = tensor(features, name="features")
        c = array.concat([features, -features], axis, name=scope)
        return ACT["Relu"](c, name="Relu")


def swish(features, beta=1.0):
    """`tf.nn.swish` / `tf.nn.silu`: features * sigmoid(beta * features), an IdentityN as TF's
    custom-gradient wrapper leaves it ('IdentityN:0')."""
    from scopeflow.ops import math as m
    features = tensor(features, name="features")
    beta = m.cast(tensor(beta, name="beta"), features.dtype)
    y = features * m.sigmoid(beta * features)
    return array.identity_n([array.identity(y), features, beta])[0]


silu = swish


def gelu(features, approximate=False, name=None):
    """TF2's `tf.nn.gelu` (not in tf.compat.v1.nn; Keras' 'gelu' activation builds it):
    0.5 x erfc(-x / sqrt(2)), or 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

    >>> import scopeflow as tf
    >>> from scopeflow.ops.nn import gelu
    >>> gelu(tf.ones([2])).name
    'Gelu/mul_2:0'
    """
    from scopeflow.ops import math as m
    with name_scope(name, "Gelu", [features]):
        features = tensor(features, name="features")
        if not features.dtype.is_floating:
            raise ValueError("`features.dtype` must be a floating point tensor.Received:"
                             "features.dtype=<dtype: '%s'>" % features.dtype.name)
        if approximate:
            coeff = m.cast(0.044715, features.dtype)
            return 0.5 * features * (1.0 + m.tanh(0.7978845608028654 * (
                features + coeff * m.pow(features, 3))))
        return 0.5 * features * m.erfc(-features * m.cast(0.7071067811865476, features.dtype))


def bias_add(value, bias, data_format=None, name=None):
    """`tf.nn.bias_add`: adds a 1-D bias along the channel dimension.

    >>> import scopeflow as tf
    >>> tf.nn.bias_add(tf.ones([2, 3]), tf.ones([3])).name
    'BiasAdd:0'
    """
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        if data_format is not None:
            if data_format.startswith("NC"):
                data_format = "NCHW"
            elif data_format.startswith("N") and data_format.endswith("C"):
                data_format = "NHWC"
            else:
                raise ValueError("`data_format` must be of the form `N...C` or `NC...`. "
                                 "Received: data_format=%s" % data_format)
        value = tensor(value, name="input")
        bias = tensor(bias, dtype=value.dtype.base_dtype, name="bias")
        return _bias_add(value, bias, name=scope, data_format=data_format or "NHWC")


def _bias_add_shape(value, bias, *, data_format="NHWC"):
    d, b = value.shape._dims, bias.shape._dims
    if b is not None and len(b) != 1:
        raise ShapeError("Shape must be rank 1 but is rank %d" % len(b))
    if d is not None and len(d) < 2:
        raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))
    if d is None:
        return spec(None, value.dtype.base_dtype)
    c = 1 if data_format == "NCHW" and len(d) >= 3 else len(d) - 1
    out = list(d)
    if b is not None and b[0] is not None:
        if d[c] is not None and d[c] != b[0]:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (d[c], b[0]))
        out[c] = b[0]
    return spec(out, value.dtype.base_dtype)


@typed_op("BiasAdd", infer=_bias_add_shape)
def _bias_add(value, bias, *, data_format="NHWC"):
    shape = np.shape(value)
    if len(shape) < 2:  # fed shapes
        raise ValueError("Input tensor must be at least 2D: %s" % _dims(shape))
    if np.ndim(bias) != 1:
        raise ValueError("Biases must be 1D: %s" % _dims(np.shape(bias)))
    channels = shape[1] if data_format == "NCHW" and len(shape) >= 3 else shape[-1]
    if np.shape(bias) != (channels,):
        raise ValueError("Must provide as many biases as the last dimension of the input "
                         "tensor: %s vs. %s" % (_dims(np.shape(bias)), _dims(shape)))
    if data_format == "NCHW" and value.ndim >= 3:
        return value + bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return value + bias


def xw_plus_b(x, weights, biases, name=None):
    """`tf.nn.xw_plus_b`: matmul(x, weights) + biases (the BiasAdd named 'xw_plus_b')."""
    from scopeflow.ops.linalg import matmul
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        x, weights = tensor(x, name="x"), tensor(weights, name="weights")
        biases = tensor(biases, name="biases")
        return bias_add(matmul(x, weights), biases, name=scope)


def relu_layer(x, weights, biases, name=None):
    """`tf.nn.relu_layer`: relu(matmul(x, weights) + biases) (the Relu named 'relu_layer')."""
    from scopeflow.ops.linalg import matmul
    with name_scope(name, "relu_layer", [x, weights, biases]) as scope:
        x, weights = tensor(x, name="x"), tensor(weights, name="weights")
        biases = tensor(biases, name="biases")
        return ACT["Relu"](bias_add(matmul(x, weights), biases), name=scope)


# ---- softmax --------------------------------------------------------------------------------
def _softmax_shape(logits):
    d = logits.shape._dims
    if d is not None and len(d) < 1:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return logits.shape, logits.dtype.base_dtype


# TF's float32 kernel where this host's vrcpps is modelled (ops/eigen_reciprocal.py), else
# XLA's exp and division; the derivatives are softmax's
_softmax_f32 = eigen_softmax.valued_as(
    lambda x: eigen_softmax.softmax(x.reshape(-1, x.shape[-1])).reshape(x.shape))(
        nn_jax.softmax)


def _dims(shape):
    return "[%s]" % ",".join(map(str, shape))


def _softmax_fed(logits):
    """TF's checks of fed logits: rank >= 1; empty logits are returned as they are."""
    if np.ndim(logits) < 1:
        raise ValueError("logits must have >= 1 dimension, got %s" % _dims(np.shape(logits)))
    return np.size(logits) == 0


@typed_op("Softmax", infer=_softmax_shape, context=True)
def _softmax_op(ctx, logits):
    if np.ndim(logits) < 1:  # TF's oneDNN kernel's words (the reference, tests/oracle.py)
        check(ctx, False, "Input dims must be <= 5 and >=1", exc=AbortedError)
        return logits
    if _softmax_fed(logits):
        return logits
    if logits.dtype == jnp.float32 and logits.size and eigen_reciprocal.modelled():
        return _softmax_f32(logits)
    return nn_jax.softmax(logits)


# TF's float32 kernel on the (rows, last dim) matrix; the derivatives are log_softmax's
_log_softmax_f32 = eigen_softmax.valued_as(
    lambda x: eigen_softmax.log_softmax(x.reshape(-1, x.shape[-1])).reshape(x.shape))(
        nn_jax.log_softmax)


def _LOG_SOFTMAX(x):
    return _log_softmax_f32(x) if x.dtype == jnp.float32 and x.size else nn_jax.log_softmax(x)


@typed_op("LogSoftmax", infer=_softmax_shape)
def _log_softmax_op(logits):
    if _softmax_fed(logits):
        return logits
    return _LOG_SOFTMAX(logits)


def _swap_axis(x, dim_index, last_index, name=None):
    """Transposes `dim_index` and `last_index` (perm built from ranges, as TF does)."""
    perm = array.concat([array.range(dim_index), [last_index],
                         array.range(dim_index + 1, last_index), [dim_index]], 0)
    return array.transpose(x, perm, name=name)


def _softmax(logits, compute_op, dim=-1, name=None):
    """Softmax-like op on axis `dim`: the op itself on the last axis, else between transposes."""
    from scopeflow.ops import math as m
    logits = tensor(logits)
    shape = logits.shape
    if dim == -1 or dim == shape.ndims - 1:
        return compute_op(logits, name=name)
    dim_val = dim
    if isinstance(dim, Tensor):
        from scopeflow.ops.op_util import static_value
        dim_val = static_value(dim)
    if dim_val is not None and not -shape.ndims <= dim_val < shape.ndims:
        raise InvalidArgumentError(
            None, None, "`dim` must be in the range [%d, %d) where %d is the number of "
            "dimensions in the input. Received: dim=%s" % (-shape.ndims, shape.ndims,
                                                           shape.ndims, dim_val))
    ndims = array.rank(logits)
    if not isinstance(dim, Tensor):
        if dim < 0:
            dim += ndims
    else:
        from scopeflow.ops.op_util import raw
        dim = raw("Select", m.less(dim, 0), dim + ndims, dim)
    input_rank = array.rank(logits)
    dim_axis = dim % shape.ndims
    logits = _swap_axis(logits, dim_axis, m.subtract(input_rank, 1))
    output = compute_op(logits)
    output = _swap_axis(output, dim_axis, m.subtract(input_rank, 1), name=name)
    output.set_shape(shape)
    return output


def _pick_axis(axis, dim):
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'dim' and 'axis'.")
    return -1 if axis is None and dim is None else (axis if axis is not None else dim)


def softmax(logits, axis=None, name=None, dim=None):
    """`tf.nn.softmax` over `axis` (default the last).

    >>> import scopeflow as tf
    >>> tf.nn.softmax(tf.ones([2, 3])).name
    'Softmax:0'
    """
    return _softmax(logits, _softmax_op, _pick_axis(axis, dim), name)


def log_softmax(logits, axis=None, name=None, dim=None):
    """`tf.nn.log_softmax` over `axis` (default the last)."""
    return _softmax(logits, _log_softmax_op, _pick_axis(axis, dim), name)


# ---- dropout --------------------------------------------------------------------------------
def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """`tf.nn.dropout`: zeroes entries with probability `rate` (or 1 - keep_prob), scales the
    rest by 1 / (1 - rate); ops in scope 'dropout' ('dropout/SelectV2:0')."""
    try:
        from_keep = 1. - keep_prob if keep_prob is not None else None
    except TypeError:
        raise ValueError("`keep_prob` must be a floating point number or Tensor. Received: "
                         "keep_prob=%s" % (keep_prob,)) from None
    if rate is not None and from_keep is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
    rate = rate if rate is not None else from_keep
    if rate is None:
        raise ValueError("`rate` must be provided. Received: rate=None")
    return _dropout(x, rate, noise_shape, seed, name)


def _dropout(x, rate, noise_shape, seed, name):
    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    from scopeflow.ops.op_util import raw
    from scopeflow.ops.random import random_uniform
    with name_scope(name, "dropout", [x]):
        is_number = isinstance(rate, numbers.Real)
        if is_number and (rate < 0 or rate >= 1):
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                             "Received: rate=%s" % rate)
        x = tensor(x, name="x")
        dtype = x.dtype.base_dtype
        if not dtype.is_floating:
            raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                             "Received: x_dtype=%s" % dtype)
        if is_number and rate == 0:
            from scopeflow.ops.random import get_seed
            get_seed(seed)  # TF takes the op seed anyway: later random ops keep their numbers
            return x
        if not isinstance(rate, Tensor):
            if not is_number:
                raise ValueError("`rate` must be a scalar or scalar tensor. Received: rate=%s"
                                 % (rate,))
            ret = m.BINARY["Mul"](x, constant(1 / (1 - rate), dtype=dtype), name="Mul")
        else:
            rate.shape.assert_has_rank(0)
            if rate.dtype.base_dtype is not dtype:
                rate = m.cast(rate, dtype, name="rate")
            one = constant(1, dtype=dtype)
            ret = m.BINARY["RealDiv"](x, m.BINARY["Sub"](one, rate, name="Sub"),
                                      name="RealDiv")
        shape = _noise_shape(x, noise_shape)
        random_tensor = random_uniform(shape, seed=seed, dtype=dtype)
        keep_mask = random_tensor >= rate
        ret = raw("SelectV2", keep_mask, ret, constant(0, dtype=dtype))
        ret.set_shape(x.shape)
        return ret


def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return array.shape(x)
    from scopeflow.core.shape import TensorShape
    try:
        ns = TensorShape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.ndims is not None and ns.ndims == x.shape.ndims:
        dims = [d if d is not None else xd for d, xd in zip(ns.as_list(), x.shape.as_list())]
        if all(d is not None for d in dims):
            return dims
    return noise_shape


from scopeflow.ops.nn_norm import *  # noqa: E402,F401,F403 - moments, batch norm, l2_normalize
from scopeflow.ops import grad_kernels, grad_nn  # noqa: E402,F401 - registers TF's *Grad op types
