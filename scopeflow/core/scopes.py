"""`tf.variable_scope`, `VariableScope` and `tf.get_variable`, with TF1's naming rules.

A variable scope names variables (`a/b/v`) and carries defaults (reuse, initializer, ...);
entering one by string also opens a (uniquified) name scope for ops. The current scope and the
`default_name` counters live in the thread's Frame of the graph (core/frame.py).
"""

import enum
import functools
from typing import NamedTuple

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph, pop_graph, push_graph
from scopeflow.core.graph import GraphKeys, graph_from_inputs
from scopeflow.core.var_store import VarRequest
from scopeflow.core.variables import (
    VariableAggregation,
    VariableSynchronization,
    validate_synchronization_aggregation_trainable,
)


class _ReuseMode(enum.Enum):
    """Mode for variable access within a variable scope."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """The defaults `get_variable` uses inside one `variable_scope` block.

    >>> import scopeflow as tf
    >>> with tf.variable_scope("a") as s:
    ...     print(s.name, s.original_name_scope)
    a a/
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=_dt.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def __repr__(self):
        return "<VariableScope name=%r reuse=%r>" % (self._name, self._reuse)

    def reuse_variables(self):
        """Reuse variables in this scope (and the scopes opened inside it from now on)."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_dtype(self, dtype):
        self._dtype = dtype

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def get_collection(self, name):
        """This scope's items of collection `name` (names under `self.name/`)."""
        return default_graph().get_collection(name, self._name + "/" if self._name else "")

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=VariableSynchronization.AUTO,
                     aggregation=VariableAggregation.NONE):
        """Gets an existing variable with this name or creates a new one."""
        req = VarRequest(name, shape, dtype, initializer, regularizer, reuse, trainable,
                         collections, caching_device, partitioner, validate_shape, use_resource,
                         constraint, synchronization, aggregation)
        return self._get(var_store, req, custom_getter)

    def _get(self, store, req, custom_getter):
        """Fills `req` from this scope's defaults and asks the store (at the root name scope)."""
        if not isinstance(req.name, str):  # TF fails in its name regex
            raise TypeError("expected string or bytes-like object, got '%s'"
                            % type(req.name).__name__)
        full_name = self._name + "/" + req.name if self._name else req.name
        frame = default_graph()._frame()
        outer = frame.name_scope
        frame.name_scope = ""  # variables are named from the root, whatever the name scope
        try:
            if req.dtype is not None and req.initializer is not None and \
                    not callable(req.initializer):
                from scopeflow.ops.constant import convert_to_tensor
                init_dtype = convert_to_tensor(req.initializer).dtype.base_dtype
                if init_dtype != req.dtype:
                    raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                                     % (init_dtype, req.dtype))
            # the scope's defaults fill what the call left None (inlined: this is hot)
            getter = self._custom_getter if custom_getter is None else custom_getter
            if getter is not None and not callable(getter):
                raise ValueError("Passed a custom_getter which is not callable: %s" % getter)
            dtype = self._dtype if req.dtype is None else req.dtype
            sync, agg, trainable = validate_synchronization_aggregation_trainable(
                req.synchronization, req.aggregation, req.trainable, full_name)
            req = VarRequest(
                full_name, req.shape, getattr(dtype, "base_dtype", dtype),
                self._initializer if req.initializer is None else req.initializer,
                self._regularizer if req.regularizer is None else req.regularizer,
                self._reuse if req.reuse is None else req.reuse, trainable, req.collections,
                self._caching_device if req.caching_device is None else req.caching_device,
                self._partitioner if req.partitioner is None else req.partitioner,
                req.validate_shape,
                self._use_resource if req.use_resource is None else req.use_resource,
                self._constraint if req.constraint is None else req.constraint, sync, agg)
            return store.get_variable(req, getter)
        finally:
            frame.name_scope = outer


# ---- the current scope and default-name counters (per graph, per thread) -------------------
def _current(frame):
    vs = frame.var_scope
    if vs is None:
        vs = frame.var_scope = VariableScope(False)
    return vs


def get_variable_scope():
    """`tf.get_variable_scope`: the innermost VariableScope (the root one has name '').

    >>> get_variable_scope().name
    ''
    """
    return _current(default_graph()._frame())


def _open_count(frame, name):
    counts = frame.var_scope_counts
    n = counts.get(name)
    if n is None:  # index the name under each enclosing scope name, for _close_subscopes
        subs = frame.var_scope_subs
        i = name.find("/")
        while i != -1:
            subs.setdefault(name[:i], set()).add(name)
            i = name.find("/", i + 1)
        n = 0
    counts[name] = n + 1


def _close_subscopes(frame, name):
    """TF zeroes the count of every name under `name/`; the index finds them without a scan
    of all names (which made exits cost as much as the number of scopes ever opened)."""
    subs = frame.var_scope_subs.get(name)
    if subs:
        counts = frame.var_scope_counts
        for k in subs:
            if k in counts:
                counts[k] = 0


def _unique_scope_name(frame, prefix):
    """`prefix`, or `prefix_N` when a default-named scope of that name is already open here."""
    current = _current(frame)
    name = current.name + "/" + prefix if current.name else prefix
    counts = frame.var_scope_counts
    if counts.get(name, 0) == 0:
        return prefix
    idx = 1
    while counts.get("%s_%d" % (name, idx), 0) > 0:
        idx += 1
    return "%s_%d" % (prefix, idx)


class ScopeOptions(NamedTuple):
    """The defaults a `variable_scope` call sets (None: inherit)."""

    initializer: object = None
    regularizer: object = None
    caching_device: object = None
    partitioner: object = None
    custom_getter: object = None
    reuse: object = None
    dtype: object = None
    use_resource: object = None
    constraint: object = None

    @property
    def sets_defaults(self):
        """Whether any option besides reuse and constraint is set (see _apply_options)."""
        return (self.initializer is not None or self.regularizer is not None
                or self.caching_device is not None or self.partitioner is not None
                or self.custom_getter is not None or self.dtype is not None
                or self.use_resource is not None)


def _chain_getters(custom_getter, old_getter):
    """The new getter runs first and calls the enclosing scope's getter (TF's wrapping)."""
    if old_getter is None:
        return custom_getter

    def wrapped_custom_getter(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)

    return wrapped_custom_getter


def _apply_options(vs, opts, old_getter):
    if opts.initializer is not None:
        vs.set_initializer(opts.initializer)
    if opts.regularizer is not None:
        vs.set_regularizer(opts.regularizer)
    if opts.caching_device is not None:
        vs.set_caching_device(opts.caching_device)
    if opts.partitioner is not None:
        vs.set_partitioner(opts.partitioner)
    if opts.custom_getter is not None:
        vs.set_custom_getter(_chain_getters(opts.custom_getter, old_getter))
    if opts.dtype is not None:
        vs.set_dtype(opts.dtype)
    if opts.use_resource is not None:
        vs.set_use_resource(opts.use_resource)
    return vs


def _derived(src, reuse, name, name_scope, opts):
    """A VariableScope inheriting `src`'s defaults, overridden by `opts`."""
    vs = object.__new__(VariableScope)  # VariableScope.__init__, without its keyword parsing
    vs._name = name
    vs._initializer = src._initializer
    vs._regularizer = src._regularizer
    vs._reuse = reuse
    vs._caching_device = src._caching_device
    vs._partitioner = src._partitioner
    vs._custom_getter = src._custom_getter
    vs._name_scope = name_scope
    vs._dtype = src._dtype
    vs._use_resource = src._use_resource
    vs._constraint = opts.constraint
    if opts.sets_defaults:
        _apply_options(vs, opts, src._custom_getter)
    return vs


class _PureScope:
    """The variable-scope half of `variable_scope` (TF's `_pure_variable_scope`)."""

    def __init__(self, name_or_scope, opts, old_name_scope=None):
        self._name_or_scope = name_or_scope
        self._opts = opts
        self._reuse = opts.reuse
        self._old_name_scope = old_name_scope
        self._frame = default_graph()._frame()
        self._last = None
        if isinstance(name_or_scope, VariableScope):
            src = name_or_scope
            self._new_name = src.name
            self._cached = _derived(src, self._reuse or src.reuse, src.name, src._name_scope,
                                    opts)

    def __enter__(self):
        f = self._frame
        self._old = _current(f)
        if isinstance(self._name_or_scope, VariableScope):
            _open_count(f, self._new_name)
            self._old_subscopes = dict(f.var_scope_counts)
            vs = self._cached
        else:
            old = self._old
            sub = self._name_or_scope
            self._new_name = old.name + "/" + sub if old.name else sub
            self._reuse = self._reuse or old.reuse  # reuse is inherited by sub-scopes
            ns = sub if self._old_name_scope is None else self._old_name_scope
            vs = _derived(old, self._reuse, self._new_name, ns, self._opts)
            _open_count(f, self._new_name)
        f.var_scope = self._last = vs
        return vs

    def __exit__(self, *exc):
        f = self._frame
        if f.var_scope is not self._last:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._name_or_scope, VariableScope):
            f.var_scope_counts = self._old_subscopes
        else:
            _close_subscopes(f, self._new_name)
        f.var_scope = self._old
        return False


class variable_scope:  # noqa: N801 - TF's name
    """`tf.variable_scope`: a variable scope plus its name scope, as in TF1.

    >>> import scopeflow as tf
    >>> with tf.variable_scope("a"):
    ...     with tf.variable_scope("b"):
    ...         tf.get_variable("v", [1]).name
    'a/b/v:0'
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._graph = graph_from_inputs(values) if values else default_graph()
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get {}"
                            .format(auxiliary_name_scope))
        self._aux = auxiliary_name_scope
        self._opts = ScopeOptions(initializer, regularizer, caching_device, partitioner,
                                  custom_getter, reuse, dtype, use_resource, constraint)
        self._pure = None
        self._name_scope = None

    def __enter__(self):
        push_graph(self._graph)  # `with graph.as_default():` around the scope
        try:
            if self._pure is None:
                return self._enter_uncached()
            return _enter_pair(self._name_scope, self._pure)
        except BaseException:
            pop_graph(self._graph)
            raise

    def _enter_uncached(self):
        g = self._graph
        target = self._name_or_scope
        if type(target) is str and target and self._aux:  # hot: `variable_scope("name")`
            ns = g.name_scope(target)
            entered = ns.__enter__()
            try:
                pure = _PureScope(target, self._opts, entered)
                vs = pure.__enter__()
            except BaseException:
                ns.__exit__(None, None, None)
                raise
            self._pure, self._name_scope = pure, ns
            return vs
        ns = None
        if not self._aux:  # re-enter the current name scope: no new name scope
            current = g.get_name_scope()
            ns = g.name_scope(current + "/" if current else current)
        target = self._name_or_scope
        if target is None:
            if self._opts.reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope\n"
                                 "(a default_name is made unique, so there is nothing to reuse: "
                                 "name the scope, or re-enter a captured VariableScope)")
            ns = ns or g.name_scope(self._default_name)
            pure = lambda entered: _PureScope(  # noqa: E731
                _unique_scope_name(g._frame(), self._default_name),
                self._opts._replace(reuse=None), entered)
        else:
            if not isinstance(target, (VariableScope, str)):
                raise TypeError("VariableScope: name_or_scope must be a string or "
                                "VariableScope.")
            ns_name = target if isinstance(target, str) else target.name.split("/")[-1]
            if ns_name or ns is not None:
                ns = ns or g.name_scope(ns_name)
                pure = lambda entered: _PureScope(  # noqa: E731
                    target, self._opts,
                    entered if isinstance(target, str) else target.original_name_scope)
            else:
                pure = lambda entered: _PureScope(target, self._opts)  # noqa: E731
        vs, self._pure = _enter_built(ns, pure)
        self._name_scope = ns
        return vs

    def __exit__(self, *exc):
        try:
            self._pure.__exit__(*exc)
        finally:
            try:
                if self._name_scope is not None:
                    self._name_scope.__exit__(*exc)
            finally:
                pop_graph(self._graph)
        return False


def _enter_built(ns, make_pure):
    """Enters name scope `ns` (if any), then the pure scope built from its name."""
    entered = ns.__enter__() if ns is not None else None
    try:
        pure = make_pure(entered)
        return pure.__enter__(), pure
    except BaseException:
        if ns is not None:
            ns.__exit__(None, None, None)
        raise


def _enter_pair(ns, pure):
    if ns is not None:
        ns.__enter__()
    try:
        return pure.__enter__()
    except BaseException:
        if ns is not None:
            ns.__exit__(None, None, None)
        raise


class variable_op_scope:  # noqa: N801 - TF's name
    """Deprecated: `variable_scope(name_or_scope, default_name, values, ...)`, checked on entry.

    >>> import scopeflow as tf
    >>> with tf.variable_op_scope([], "a") as s:
    ...     s.name
    'a'
    """

    def __init__(self, values, name_or_scope, default_name=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None):
        self._args = (name_or_scope, default_name, values, initializer, regularizer,
                      caching_device, partitioner, custom_getter, reuse, dtype, use_resource,
                      constraint)
        self._scope = None

    def __enter__(self):
        self._scope = variable_scope(*self._args)
        return self._scope.__enter__()

    def __exit__(self, *exc):
        return self._scope.__exit__(*exc)


def __getattr__(name):
    """`get_variable` and `get_local_variable` live in core/getters.py (imported lazily here)."""
    if name in ("get_variable", "get_local_variable"):
        from scopeflow.core import getters
        return getattr(getters, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
