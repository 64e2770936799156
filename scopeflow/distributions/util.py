"""Helpers of the distributions: logits and probs from either one, TF's argument checks,
log-combinations, and the salted seeds of samplers that draw twice."""

import hashlib

from scopeflow.distributions._ops import tf


def get_logits_and_probs(logits=None, probs=None, multidimensional=False, validate_args=False,
                         name="get_logits_and_probs"):
    """(logits, probs) from whichever was given: sigmoid/softmax one way, log(-odds) the other."""
    with tf.name_scope(name, values=[probs, logits]):
        if (probs is None) == (logits is None):
            raise ValueError("Must pass probs or logits, but not both.")
        if probs is None:
            logits = tf.convert_to_tensor(logits, name="logits")
            if not logits.dtype.is_floating:
                raise TypeError("logits must having floating type.")
            if multidimensional:
                if validate_args:
                    logits = embed_check_categorical_event_shape(logits)
                return logits, tf.nn.softmax(logits, name="probs")
            return logits, tf.sigmoid(logits, name="probs")
        probs = tf.convert_to_tensor(probs, name="probs")
        if not probs.dtype.is_floating:
            raise TypeError("probs must having floating type.")
        if validate_args:
            probs = _checked_probs(probs, multidimensional)
        with tf.name_scope("logits"):
            if multidimensional:
                return tf.log(probs), probs
            return tf.log(probs) - tf.log1p(-1.0 * probs), probs


def _checked_probs(probs, multidimensional):
    """`probs` after TF's checks: non-negative, and at most 1 or summing to 1."""
    with tf.name_scope("validate_probs"):
        one = tf.constant(1.0, probs.dtype)
        dependencies = [tf.assert_non_negative(probs)]
        if multidimensional:
            probs = embed_check_categorical_event_shape(probs)
            dependencies.append(tf.assert_near(tf.reduce_sum(probs, -1), one,
                                               message="probs does not sum to 1."))
        else:
            dependencies.append(tf.assert_less_equal(
                probs, one, message="probs has components greater than 1."))
        from scopeflow.ops.state import with_dependencies
        return with_dependencies(dependencies, probs)


_UNSIGNED = ("bool", "uint8", "uint16")
_SIGNED = ("float16", "float32", "float64", "int8", "int16", "int32", "int64")


def _known(dt):
    if dt.base_dtype.name not in _UNSIGNED + _SIGNED:
        raise TypeError("Unrecognized dtype: {}".format(dt.name))
    return dt.base_dtype


def _largest_integer(dt):
    """The largest integer `dt` holds exactly."""
    import numpy as np
    dt = _known(dt)
    if dt.is_floating:
        return int(2 ** (np.finfo(dt.as_numpy_dtype).nmant + 1))
    if dt.is_integer:
        return int(np.iinfo(dt.as_numpy_dtype).max)
    return 1


def _smallest_integer(dt):
    return 0 if _known(dt).name in _UNSIGNED else -_largest_integer(dt)


def _integer_like(dt):
    dt = _known(dt)
    return dt.is_integer or dt.name == "bool"


def embed_check_categorical_event_shape(param, name="embed_check_categorical_event_shape"):
    """`param` (..., classes), checked to have at least 2 classes that its dtype can count."""
    with tf.name_scope(name, values=[param]):
        x = tf.convert_to_tensor(param, name="categorical_param")
        max_event_size = _largest_integer(x.dtype) if x.dtype.is_floating else 0
        if max_event_size == 0:
            raise TypeError("Unable to validate size of unrecognized dtype ({})."
                            .format(x.dtype.base_dtype.name))
        try:
            static = x.shape.with_rank_at_least(1)
        except ValueError:
            raise ValueError("A categorical-distribution parameter must have at least 1 "
                             "dimension.") from None
        if static[-1].value is None:
            return _checked_event_size(x, max_event_size)
        if static[-1].value < 2:
            raise ValueError("A categorical-distribution parameter must have at least 2 "
                             "events.")
        if static[-1].value > max_event_size:
            raise ValueError("Number of classes exceeds `dtype` precision, i.e., {} implies "
                             "shape ({}) cannot exceed {}.".format(
                                 x.dtype.base_dtype.name, static[-1].value, max_event_size))
        return x


def _checked_event_size(x, max_event_size):
    from scopeflow.ops.state import with_dependencies
    event_size = tf.shape(x, name="x_shape")[-1]
    return with_dependencies([
        tf.assert_rank_at_least(x, 1, message="A categorical-distribution parameter must "
                                "have at least 1 dimension."),
        tf.assert_greater_equal(tf.shape(x)[-1], 2, message="A categorical-distribution "
                                "parameter must have at least 2 events."),
        tf.assert_less_equal(event_size, max_event_size, message="Number of classes exceeds "
                             "`dtype` precision, i.e., {} dtype cannot exceed {} shape.".format(
                                 x.dtype.base_dtype.name, max_event_size))], x)


def embed_check_integer_casting_closed(x, target_dtype, name="embed_check_casting_closed"):
    """`x` checked to be non-negative integers that survive a cast to `target_dtype`."""
    with tf.name_scope(name, values=[x]):
        x = tf.convert_to_tensor(x, name="x")
        if not _integer_like(x.dtype) and not x.dtype.is_floating:
            raise TypeError("{}.dtype must be floating- or integer-type.".format(x.dtype.name))
        if not _integer_like(x.dtype) and not _integer_like(target_dtype):
            raise TypeError("At least one of {}.dtype ({}) and target_dtype ({}) must be "
                            "integer-type.".format(x, x.dtype.name, target_dtype.name))
        checks = [tf.assert_non_negative(x, message="Elements must be non-negative.")]
        if x.dtype.is_floating:
            checks.append(assert_integer_form(
                x, message="Elements must be {}-equivalent.".format(target_dtype.name),
                int_dtype=target_dtype))
        elif _largest_integer(x.dtype) > _largest_integer(target_dtype):
            checks.append(tf.assert_less_equal(
                x, _largest_integer(target_dtype),
                message="Elements cannot exceed {}.".format(_largest_integer(target_dtype))))
        from scopeflow.ops.state import with_dependencies
        return with_dependencies(checks, x)


def assert_integer_form(x, data=None, summarize=None, message=None, int_dtype=None,
                        name="assert_integer_form"):
    """An assert that `x` equals itself cast to `int_dtype` and back (a no_op for integers)."""
    with tf.name_scope(name, values=[x, data]):
        x = tf.convert_to_tensor(x, name="x")
        if x.dtype.is_integer:
            return tf.no_op()
        message = message or "{} has non-integer components".format(x)
        if int_dtype is None:
            ints = {"float16": tf.int16, "float32": tf.int32, "float64": tf.int64}
            if x.dtype.base_dtype.name not in ints:
                raise TypeError("Unrecognized type {}".format(x.dtype.name))
            int_dtype = ints[x.dtype.base_dtype.name]
        return tf.assert_equal(x, tf.cast(tf.cast(x, int_dtype), x.dtype), data=data,
                               summarize=summarize, message=message, name=name)


def embed_check_nonnegative_integer_form(x, name="embed_check_nonnegative_integer_form"):
    """`x` checked to be non-negative and, for floats, whole."""
    with tf.name_scope(name, values=[x]):
        x = tf.convert_to_tensor(x, name="x")
        checks = [tf.assert_non_negative(x, message="'{}' must be non-negative.".format(x))]
        if not x.dtype.is_integer:
            checks.append(assert_integer_form(
                x, message="'{}' cannot contain fractional components.".format(x)))
        return tf.with_dependencies(checks, x)


def log_combinations(n, counts, name="log_combinations"):
    """log(n! / prod(counts!)) over the last axis of `counts`, by lgamma."""
    with tf.name_scope(name, values=[n, counts]):
        n = tf.convert_to_tensor(n, name="n")
        counts = tf.convert_to_tensor(counts, name="counts")
        total_permutations = tf.lgamma(n + 1)
        counts_factorial = tf.lgamma(counts + 1)
        return total_permutations - tf.reduce_sum(counts_factorial, axis=[-1])


def gen_new_seed(seed, salt):
    """The op seed TF derives for a sampler's second draw: None for None, else the first 32
    bits of md5(str(seed) + salt) as an int, its sign bit cleared."""
    if seed is None:
        return None
    digest = hashlib.md5((str(seed) + salt).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF
