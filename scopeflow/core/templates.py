"""`tf.make_template`: a function whose `get_variable` calls share variables across calls."""

import functools
import traceback

from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import ScopeOptions, _PureScope, _unique_scope_name, variable_scope


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None,
                  **kwargs):
    """`tf.make_template`: wraps `func_` so that every call shares its variables.

    >>> import scopeflow as tf
    >>> t = tf.make_template("my", lambda: tf.get_variable("w", [1]))
    >>> t() is t()
    True
    """
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now_, unique_name_, custom_getter_)


def _skip_common_stack_elements(stacktrace, base_case):
    for i, (trace, base) in enumerate(zip(stacktrace, base_case)):
        if trace != base:
            return stacktrace[i:]
    return stacktrace[-1:]


class Template:
    """The object `make_template` returns: call it like the wrapped function."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None, custom_getter=None):
        self._func = func
        self._stacktrace = traceback.format_stack()[:-2]
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        if name is None:
            raise ValueError("name cannot be None.")
        self._variable_scope = None
        if create_scope_now:
            frame = default_graph()._frame()
            scope_name = unique_name or _unique_scope_name(frame, name)
            pure = _PureScope(scope_name, ScopeOptions(custom_getter=custom_getter))
            with pure as vs:
                self._variable_scope = vs
        self._variables_created = False
        self._first_call = True

    def _call_func(self, args, kwargs):
        try:
            if self._variables_created:
                return self._call_again(args, kwargs)
            if self._first_call:
                self._first_call = False
                try:
                    result = self._func(*args, **kwargs)
                except BaseException:
                    self._first_call = True
                    raise
                self._variables_created = True
                return result
            return self._func(*args, **kwargs)
        except Exception as exc:
            arg0 = exc.args[0] if exc.args else ""
            trace = "".join(_skip_common_stack_elements(self._stacktrace,
                                                         traceback.format_stack()))
            exc.args = ("%s\n\noriginally defined at:\n%s" % (arg0, trace),) + exc.args[1:]
            raise

    def _call_again(self, args, kwargs):
        g = default_graph()
        trainable = g.get_collection_ref(GraphKeys.TRAINABLE_VARIABLES)
        trainable_at_start = len(trainable)
        result = self._func(*args, **kwargs)
        trainable = g.get_collection_ref(GraphKeys.TRAINABLE_VARIABLES)
        if trainable_at_start != len(trainable):
            raise ValueError("Trainable variable created when calling a template after the first "
                             "time, perhaps you used tf.Variable when you meant tf.get_variable: "
                             "%s" % (trainable[trainable_at_start:],))
        return result

    def __call__(self, *args, **kwargs):
        if self._variable_scope:
            with variable_scope(self._variable_scope, reuse=not self._first_call):
                return self._call_func(args, kwargs)
        with variable_scope(self._unique_name, self._name,
                            custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs
            return self._call_func(args, kwargs)

    name = property(lambda self: self._name)
    func = property(lambda self: self._func)
    variable_scope = property(lambda self: self._variable_scope)
    var_scope = variable_scope

    @property
    def variable_scope_name(self):
        if self._variable_scope:
            name = self._variable_scope.name
            return name if not name or name[-1] == "/" else name + "/"
        return None

    def _collection(self, key):
        if not self._variables_created:
            return []
        return default_graph().get_collection(key, self.variable_scope_name)

    @property
    def variables(self):
        return self.global_variables + self.local_variables

    @property
    def trainable_variables(self):
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def non_trainable_variables(self):
        trainable = set(self.trainable_variables)
        return [x for x in self.global_variables if x not in trainable]

    @property
    def global_variables(self):
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self):
        return self._collection(GraphKeys.LOCAL_VARIABLES)

    weights = variables
    trainable_weights = trainable_variables
    non_trainable_weights = non_trainable_variables
