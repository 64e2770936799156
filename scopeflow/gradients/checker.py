"""`tf.test.compute_gradient` (TF1 form): a graph's symbolic Jacobian next to a numeric one.

The symbolic Jacobian comes from `tf.gradients(y, x, dy)` run once per element of `y` with a
one-hot `dy`; the numeric one from central differences, one pair of runs per element of `x`.
Both run in the default session. Jacobians have shape (x size, y size), doubled per complex side.

    >>> import scopeflow as tf
    >>> x = tf.constant([1.0, 2.0]); y = 3.0 * x
    >>> with tf.Session():
    ...     symbolic, numeric = tf.test.compute_gradient(x, [2], y, [2])
    >>> symbolic.tolist()
    [[3.0, 0.0], [0.0, 3.0]]
"""

import numpy as np

from scopeflow import dtypes
from scopeflow.gradients.symbolic import gradients
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops.array import identity
from scopeflow.ops.constant import constant
from scopeflow.session_config import get_default_session

_FLOATS = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


def _check_dtype(t, side):
    dtype = dtypes.as_dtype(t.dtype).base_dtype
    if dtype.name not in _FLOATS:
        raise AssertionError("Don't support type %s for %s" % (dtype.name, side))
    return dtype


def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


def _reals(value, dtype):
    """A value's flat real view: a complex array reads as (real, imaginary) pairs."""
    value = np.ascontiguousarray(value, dtype=dtype.as_numpy_dtype)
    return value.ravel().view(dtype.real_dtype.as_numpy_dtype)


def _fetch(session, dx, feeds, x_shape):
    """The gradient as a dense array (IndexedSlices rows are summed into place)."""
    if isinstance(dx, IndexedSlices):
        indices, values = session.run([dx.indices, dx.values], feed_dict=feeds)
        out = np.zeros(x_shape, dtype=values.dtype)
        np.add.at(out, indices, values)
        return out
    return session.run(dx, feed_dict=feeds)


def _symbolic(side, dx, dy, feeds):
    """Column j: the gradient of x for the j-th real unit vector fed as `dy`."""
    x, x_shape, x_data, x_dtype = side
    y_shape, y_dtype = [int(d) for d in dy.shape.as_list()], dy.dtype.base_dtype
    unit = np.zeros(y_shape, dtype=y_dtype.as_numpy_dtype)
    x_reals = _size(x_shape) * (2 if x_dtype.is_complex else 1)
    jacobian = np.zeros((x_reals, unit.size * (2 if y_dtype.is_complex else 1)),
                        dtype=x_dtype.real_dtype.as_numpy_dtype)
    if dx is None:  # y does not depend on x: TF's check
        raise AssertionError("dx = None")
    session = get_default_session()
    for j in range(jacobian.shape[1]):
        unit.ravel().view(y_dtype.real_dtype.as_numpy_dtype)[j] = 1
        value = _fetch(session, dx, {**feeds, x: x_data, dy: unit}, x_shape)
        unit.ravel().view(y_dtype.real_dtype.as_numpy_dtype)[j] = 0
        jacobian[:, j] = _reals(value, x_dtype)
    return jacobian


def _numeric(side, y, y_shape, delta, feeds):
    """Row i: (y(x + delta e_i) - y(x - delta e_i)) / (2 delta), e_i the i-th real of x.

    Steps are taken in x's own precision and differences in y's, as TF does."""
    x, _, x_data, x_dtype = side
    y_dtype = dtypes.as_dtype(y.dtype).base_dtype
    scale = np.asarray(2 * delta, dtype=y_dtype.real_dtype.as_numpy_dtype)[()]
    x_data = np.array(x_data, dtype=x_dtype.as_numpy_dtype)
    jacobian = np.zeros((_reals(x_data, x_dtype).size,
                         _size(y_shape) * (2 if y_dtype.is_complex else 1)),
                        dtype=x_dtype.real_dtype.as_numpy_dtype)
    session = get_default_session()

    def at(row, step):
        point = x_data.copy()
        point.ravel().view(x_dtype.real_dtype.as_numpy_dtype)[row] += step
        return np.asarray(session.run(y, feed_dict={**feeds, x: point}))

    for row in range(jacobian.shape[0]):
        jacobian[row, :] = _reals((at(row, delta) - at(row, -delta)) / scale, y_dtype)
    return jacobian


def _start(x, x_shape, init_value):
    dtype = _check_dtype(x, "x")
    if init_value is not None:
        if list(np.shape(init_value)) != list(x_shape):
            raise AssertionError("x_shape = %s, init_data shape = %s"
                                 % (x_shape, list(np.shape(init_value))))
        return np.asarray(init_value)
    data = np.random.random_sample(x_shape).astype(dtype.as_numpy_dtype)
    if dtype.is_complex:
        data.imag = np.random.random_sample(x_shape)
    return data


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None,
                     extra_feed_dict=None):
    """(symbolic, numeric) Jacobians of `y` by `x`; a list of pairs when `x` is a list.

    >>> import scopeflow as tf
    >>> x = tf.constant(3.0); y = 2.0 * x
    >>> with tf.Session():
    ...     print(tf.test.compute_gradient(x, [], y, [])[0])
    [[2.]]
    """
    feeds = dict(extra_feed_dict or {})
    _check_dtype(y, "y")
    for init in init_targets or ():
        init.run()
    xs = x if isinstance(x, list) else [x]
    shapes = x_shape if isinstance(x, list) else [x_shape]
    inits = x_init_value if isinstance(x, list) and x_init_value is not None else (
        [x_init_value] * len(xs))
    dy = constant(1.0, shape=y_shape, dtype=y.dtype)
    grads = gradients(y, xs, identity(dy))
    out = []
    for xi, shape, init, dx in zip(xs, shapes, inits, grads):
        side = (xi, list(shape), _start(xi, shape, init), _check_dtype(xi, "x"))
        out.append((_symbolic(side, dx, dy, feeds), _numeric(side, y, y_shape, delta, feeds)))
    return out if isinstance(x, list) else out[0]


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                           init_targets=None, extra_feed_dict=None):
    """The largest absolute difference between the symbolic and the numeric Jacobian.

    >>> import scopeflow as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.Session():
    ...     err = tf.test.compute_gradient_error(x, [2], tf.square(x), [2])
    >>> err < 1e-2
    True
    """
    pairs = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                             extra_feed_dict)
    error = 0  # (a NumPy scalar of the Jacobians' dtype once one is compared, as TF's)
    for symbolic, numeric in pairs if isinstance(pairs, list) else [pairs]:
        if symbolic.size or numeric.size:
            error = np.maximum(error, np.fabs(symbolic - numeric).max())
    return error


__all__ = ["compute_gradient", "compute_gradient_error"]
