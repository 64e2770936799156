"""The `tf.distributions.Distribution` base: TF's name scopes and sample-shape handling.

Each public method opens the distribution's own scope (`Normal/`, kept from construction)
and then the method's (`sample`, `log_prob`, ...), as TF does, so op names match TF's.
"""

import contextlib

import numpy as np

from scopeflow.core.shape import TensorShape
from scopeflow.distributions._ops import tf


class ReparameterizationType:
    """How samples depend on parameters: FULLY_REPARAMETERIZED or NOT_REPARAMETERIZED."""

    def __init__(self, rep_type):
        self._rep_type = rep_type

    def __repr__(self):
        return "<Reparameterization Type: %s>" % self._rep_type

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


def unique_scope(name):
    """`name` made a unique absolute scope (`Normal/`, `Normal_1/`), as TF's constructors do."""
    with tf.name_scope(name) as scope:
        return scope


def _missing(method):
    """A subclass's missing `_<method>`: TF's NotImplementedError naming the method."""
    def missing(self, *args):
        raise NotImplementedError("%s is not implemented: %s" % (method, type(self).__name__))
    return missing


class Distribution:
    """Base of the distributions: subclasses give `_sample_n`, `_log_prob`, `_mean`, ..."""

    def __init__(self, dtype, reparameterization_type, validate_args, allow_nan_stats,
                 parameters=None, graph_parents=None, name=None):
        graph_parents = graph_parents or []
        for i, t in enumerate(graph_parents):
            if not isinstance(t, tf.Tensor):
                raise ValueError("Graph parent item %d is not a Tensor; %s." % (i, t))
        if not name or name[-1] != "/":
            name = unique_scope(name or type(self).__name__)
        self._dtype, self._reparameterization_type = dtype, reparameterization_type
        self._allow_nan_stats, self._validate_args = allow_nan_stats, validate_args
        self._parameters = dict(parameters or {})
        self._parameters.pop("self", None)
        self._parameters.pop("__class__", None)
        self._graph_parents, self._name = graph_parents, name

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    parameters = property(lambda self: dict(self._parameters))
    reparameterization_type = property(lambda self: self._reparameterization_type)
    allow_nan_stats = property(lambda self: self._allow_nan_stats)
    validate_args = property(lambda self: self._validate_args)

    @contextlib.contextmanager
    def _name_scope(self, name=None, values=None):
        with tf.name_scope(self.name):
            with tf.name_scope(name, values=(values or []) + self._graph_parents) as scope:
                yield scope

    @property
    def batch_shape(self):
        return TensorShape(self._batch_shape())

    @property
    def event_shape(self):
        return TensorShape(self._event_shape())

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        return self._shape_tensor(name, self.batch_shape, self._batch_shape_tensor, "batch_shape")

    def event_shape_tensor(self, name="event_shape_tensor"):
        return self._shape_tensor(name, self.event_shape, self._event_shape_tensor, "event_shape")

    def _n_by_batch_shape(self, n):
        """The shape [n] + batch_shape that `_sample_n` draws."""
        return tf.concat([[n], self.batch_shape_tensor()], 0)

    def _shape_tensor(self, name, static, dynamic, const_name):
        with self._name_scope(name):
            if static.is_fully_defined():
                return tf.convert_to_tensor(static.as_list(), dtype=tf.int32, name=const_name)
            return dynamic()

    def is_scalar_batch(self, name="is_scalar_batch"):
        with self._name_scope(name):
            return self.batch_shape.ndims == 0

    def is_scalar_event(self, name="is_scalar_event"):
        with self._name_scope(name):
            return self.event_shape.ndims == 0

    def sample(self, sample_shape=(), seed=None, name="sample"):
        """`sample_shape` draws, shaped sample_shape + batch_shape + event_shape."""
        with self._name_scope(name, values=[sample_shape]):
            sample_shape = tf.convert_to_tensor(sample_shape, dtype=tf.int32,
                                                name="sample_shape")
            sample_shape, n = _sample_shape_vector(sample_shape, "sample_shape")
            samples = self._sample_n(n, seed)
            batch_event_shape = tf.shape(samples)[1:]
            final_shape = tf.concat([sample_shape, batch_event_shape], 0)
            samples = tf.reshape(samples, final_shape)
            return self._set_sample_static_shape(samples, sample_shape)

    def _set_sample_static_shape(self, x, sample_shape):
        from scopeflow.ops.constant import constant_value
        sample = TensorShape(constant_value(sample_shape))
        if sample.ndims is not None and self.batch_shape.ndims is not None:
            x.set_shape(x.shape.merge_with(
                sample.concatenate(self.batch_shape).concatenate(self.event_shape)))
        return x

    def _call_value(self, name, value, method, fallback):
        """`method(value)` in the method's scope, else `fallback(value)` where the subclass
        does not implement it (TF's order: the original NotImplementedError if neither)."""
        with self._name_scope(name, values=[value]):
            value = tf.convert_to_tensor(value, name="value", preferred_dtype=self.dtype)
            return _first_implemented(lambda: method(value), lambda: fallback(value))

    def log_prob(self, value, name="log_prob"):
        return self._call_value(name, value, self._log_prob, lambda v: tf.log(self._prob(v)))

    def prob(self, value, name="prob"):
        return self._call_value(name, value, self._prob, lambda v: tf.exp(self._log_prob(v)))

    def log_cdf(self, value, name="log_cdf"):
        return self._call_value(name, value, self._log_cdf, lambda v: tf.log(self._cdf(v)))

    def cdf(self, value, name="cdf"):
        return self._call_value(name, value, self._cdf, lambda v: tf.exp(self._log_cdf(v)))

    def log_survival_function(self, value, name="log_survival_function"):
        return self._call_value(name, value, self._log_survival_function,
                                lambda v: tf.log1p(-self.cdf(v)))

    def survival_function(self, value, name="survival_function"):
        return self._call_value(name, value, self._survival_function,
                                lambda v: 1. - self.cdf(v))

    def quantile(self, value, name="quantile"):
        with self._name_scope(name, values=[value]):
            value = tf.convert_to_tensor(value, name="value", preferred_dtype=self.dtype)
            return self._quantile(value)

    def entropy(self, name="entropy"):
        with self._name_scope(name):
            return self._entropy()

    def mean(self, name="mean"):
        with self._name_scope(name):
            return self._mean()

    def mode(self, name="mode"):
        with self._name_scope(name):
            return self._mode()

    def covariance(self, name="covariance"):
        with self._name_scope(name):
            return self._covariance()

    def stddev(self, name="stddev"):
        """`_stddev`, else the square root of `_variance`, as TF falls back."""
        with self._name_scope(name):
            return _first_implemented(self._stddev, lambda: tf.sqrt(self._variance()))

    def variance(self, name="variance"):
        """`_variance`, else the square of `_stddev`, as TF falls back."""
        with self._name_scope(name):
            return _first_implemented(self._variance, lambda: tf.square(self._stddev()))

    def cross_entropy(self, other, name="cross_entropy"):
        """H(self, other) = entropy + KL(self || other), TF's graph."""
        from scopeflow.distributions import kullback_leibler
        with self._name_scope(name):
            return kullback_leibler.cross_entropy(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    def kl_divergence(self, other, name="kl_divergence"):
        from scopeflow.distributions import kullback_leibler
        with self._name_scope(name):
            return kullback_leibler.kl_divergence(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    def copy(self, **override_parameters_kwargs):
        """A new distribution of this type from this one's parameters, some overridden."""
        return type(self)(**dict(self.parameters, **override_parameters_kwargs))

    @classmethod
    def param_shapes(cls, sample_shape, name="DistributionParamShapes"):
        """The parameters' shapes (int32 tensors) for samples of `sample_shape`."""
        with tf.name_scope(name, values=[sample_shape]):
            return cls._param_shapes(sample_shape)

    @classmethod
    def param_static_shapes(cls, sample_shape):
        """`param_shapes` as TensorShapes; `sample_shape` must be known."""
        from scopeflow.ops.constant import constant_value
        if isinstance(sample_shape, TensorShape):
            if not sample_shape.is_fully_defined():
                raise ValueError("TensorShape sample_shape must be fully defined")
            sample_shape = sample_shape.as_list()
        static = {}
        for key, shape in cls.param_shapes(sample_shape).items():
            value = constant_value(shape)
            if value is None:
                raise ValueError("sample_shape must be a fully-defined TensorShape or "
                                 "list/tuple")
            static[key] = TensorShape(value)
        return static

    @staticmethod
    def _param_shapes(sample_shape):
        raise NotImplementedError("_param_shapes not implemented")

    def _batch_shape(self):
        return TensorShape(None)

    def _event_shape(self):
        return TensorShape(None)

    _prob = _missing("prob")
    _log_prob = _missing("log_prob")
    _log_cdf = _missing("log_cdf")
    _cdf = _missing("cdf")
    _log_survival_function = _missing("log_survival_function")
    _survival_function = _missing("survival_function")
    _quantile = _missing("quantile")
    _entropy = _missing("entropy")
    _mean = _missing("mean")
    _mode = _missing("mode")
    _stddev = _missing("stddev")
    _variance = _missing("variance")
    _covariance = _missing("covariance")

    def __repr__(self):
        return ("<tfp.distributions.%s '%s' batch_shape=%s event_shape=%s dtype=%s>"
                % (type(self).__name__, self.name, self.batch_shape, self.event_shape,
                   self.dtype.name))

    def __str__(self):
        shapes = "".join(", %s_shape=%s" % (kind, shape)
                         for kind, shape in (("batch", self.batch_shape),
                                             ("event", self.event_shape))
                         if shape.ndims is not None)
        return "tfp.distributions.%s(\"%s\"%s, dtype=%s)" % (
            type(self).__name__, self.name, shapes, self.dtype.name)


class ScalarEvent:
    """Mixin for distributions over scalars: event shape []."""

    def _event_shape_tensor(self):
        return tf.constant([], dtype=tf.int32)

    def _event_shape(self):
        return TensorShape([])


def same_shapes(names, sample_shape):
    """`_param_shapes` of parameters all shaped like the samples: one int32 constant."""
    shape = tf.convert_to_tensor(sample_shape, dtype=tf.int32)
    return {name: shape for name in names}


def _first_implemented(method, fallback):
    try:
        return method()
    except NotImplementedError as original:
        try:
            return fallback()
        except NotImplementedError:
            raise original from None


def _sample_shape_vector(x, name):
    """`x` (0-D or 1-D int32) as a vector, with the product of its entries (int when known)."""
    from scopeflow.ops.constant import constant_value
    static = constant_value(x)
    n = tf.reduce_prod(x) if static is None else np.prod(static, dtype=np.int32)
    ndims = x.shape.ndims
    if ndims is None:
        raise ValueError("sample_shape of unknown rank is not supported")
    if ndims == 0:
        x = (tf.convert_to_tensor(np.array([static], np.int32), name=name)
             if static is not None else tf.reshape(x, [1]))
    elif ndims != 1:
        raise ValueError("Input is neither scalar nor vector.")
    return x, n
