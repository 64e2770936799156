"""`tf.random.stateless_*`: samples that are a function of (shape, seed) alone, built as TF's
stateless_random_ops builds them (StatelessRandomGetKeyCounter, then a V2 op; names too).

>>> import scopeflow as tf
>>> tf.random.stateless_uniform([2], seed=[1, 2]).op.type
'AddV2'
"""

from scopeflow import dtypes as _dt
from scopeflow.ops import stateless_random as _s
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.random import _rounded, _scope, shape_tensor

_UNIFORM_DTYPES = (_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64, _dt.int32, _dt.int64,
                   _dt.uint32, _dt.uint64)
_AUTO_SELECT = (None, "auto_select", 3)


def _key_counter_alg(seed, alg):
    """TF's get_key_counter_alg for the algorithm TF picks by device ("auto_select")."""
    if getattr(alg, "value", alg) not in _AUTO_SELECT:
        raise NotImplementedError(
            "scopeflow builds stateless random ops with alg='auto_select' only (TF's default); "
            "got alg=%r" % (alg,))
    key, counter = _s.get_key_counter(seed)
    return key, counter, 3


def _check_uniform_args(dtype, minval, maxval):
    if dtype not in _UNIFORM_DTYPES:
        raise ValueError("Argument `dtype` got invalid value %s. Accepted dtypes are %r."
                         % (dtype, _UNIFORM_DTYPES))
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(
                "For integer `dtype` argument %s, argument `minval` and `maxval` must be both "
                "None or not None. Got `minval`=%s and `maxval`=%s." % (dtype, minval, maxval))
        if minval is not None and dtype in (_dt.uint32, _dt.uint64):
            raise ValueError("Argument `dtype` got invalid value %s when argument `minval` is "
                             "not None. Please don't use unsigned integers in this case."
                             % dtype)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=_dt.float32, name=None,
                             alg="auto_select"):
    """`tf.random.stateless_uniform`: [minval, maxval) samples fixed by `seed` (shape [2]).

    >>> import scopeflow as tf
    >>> tf.random.stateless_uniform([2], [1, 2], maxval=9, dtype=tf.int32).op.type
    'StatelessRandomUniformIntV2'
    """
    dtype = _dt.as_dtype(dtype)
    _check_uniform_args(dtype, minval, maxval)
    if not dtype.is_integer and maxval is None:
        maxval = 1
    with _scope(name, "stateless_random_uniform", [shape, seed, minval, maxval]) as name:
        shape = shape_tensor(shape)
        if dtype.is_integer and minval is None:
            key, counter, alg = _key_counter_alg(seed, alg)
            return _s._uniform_full_int_v2(shape, key, counter, alg, dtype=dtype, name=name)
        minval = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
        key, counter, alg = _key_counter_alg(seed, alg)
        if dtype.is_integer:
            return _s._uniform_int_v2(shape, key, counter, alg, minval, maxval, name=name)
        rnd = _s.BUILDERS["StatelessRandomUniformV2"](shape, key, counter, alg, dtype=dtype)
        from scopeflow.ops.math import add
        return add(_rounded(rnd * (maxval - minval)), minval, name=name)


def _normal_like(op_type, default_name, shape, seed, mean, stddev, dtype, name, alg):
    from scopeflow.ops.math import add
    dtype = _dt.as_dtype(dtype)
    with _scope(name, default_name, [shape, seed, mean, stddev]) as name:
        shape = shape_tensor(shape)
        mean = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        key, counter, alg = _key_counter_alg(seed, alg)
        rnd = _s.BUILDERS[op_type](shape, key, counter, alg, dtype=dtype)
        return add(_rounded(rnd * stddev), mean, name=name)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None,
                            alg="auto_select"):
    """`tf.random.stateless_normal`: N(mean, stddev²) samples fixed by `seed`."""
    return _normal_like("StatelessRandomNormalV2", "stateless_random_normal", shape, seed,
                        mean, stddev, dtype, name, alg)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32,
                               name=None, alg="auto_select"):
    """`tf.random.stateless_truncated_normal`: normals within two stddevs, fixed by `seed`."""
    return _normal_like("StatelessTruncatedNormalV2", "stateless_truncated_normal", shape,
                        seed, mean, stddev, dtype, name, alg)


def _categorical(logits, num_samples, dtype, seed):
    logits = convert_to_tensor(logits, name="logits")
    dtype = _dt.as_dtype(dtype) if dtype else _dt.int64
    accepted = (_dt.int32, _dt.int64)
    if dtype not in accepted:
        raise ValueError("Argument `dtype` got invalid value %s. Accepted dtypes are %r."
                         % (dtype, accepted))
    return _s._multinomial(logits, num_samples, seed, output_dtype=dtype,
                           name="StatelessMultinomial")


def stateless_categorical(logits, num_samples, seed, dtype=_dt.int64, name=None):
    """`tf.random.stateless_categorical`: class indices per row of `logits`, fixed by `seed`."""
    with _scope(name, "stateless_categorical", [logits, seed]):
        return _categorical(logits, num_samples, dtype, seed)


def stateless_multinomial(logits, num_samples, seed, output_dtype=_dt.int64, name=None):
    """`tf.random.stateless_multinomial` (TF1's name of stateless_categorical)."""
    with _scope(name, "stateless_multinomial", [logits, seed]):
        return _categorical(logits, num_samples, output_dtype, seed)
