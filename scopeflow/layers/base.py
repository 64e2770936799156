"""TF1 `tf.layers.Layer`: a variable scope per layer, built once, then always reused.

A layer is named twice, as in TF: `layer.name` comes from a per-graph counter of class names
(`dense_1`, `dense_2`, ...), while its variable scope is `default_name`-uniquified (`dense`,
`dense_1`, ...) when first called, then re-entered with reuse for every later call.
"""

import re
import weakref

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.getters import get_variable
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import VariableScope, variable_scope
from scopeflow.core.shape import TensorShape
from scopeflow.ops import nest
from scopeflow.ops.constant import convert_to_tensor

_NAME_UIDS = weakref.WeakKeyDictionary()  # graph -> {base_name: count}
# the keyword arguments TF's v1 Layer takes beyond its own (tf_keras base_layer_v1); any other
# raises TF's TypeError ('Keyword argument not understood:', name)
_ALLOWED_KWARGS = frozenset({"input_dim", "input_shape", "batch_input_shape", "batch_size",
                             "weights", "activity_regularizer", "autocast", "implementation"})


def to_snake_case(name):
    """Keras' class-name → layer-name rule: `BasicLSTMCell` → `basic_lstm_cell`."""
    step = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", step).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def unique_object_name(base_name, zero_based=False):
    """The next name for `base_name` in the default graph: `dense_1`, `dense_2`, ..."""
    uids = _NAME_UIDS.setdefault(default_graph(), {})
    count = uids.get(base_name, 0)
    uids[base_name] = count + 1
    if zero_based and count == 0:
        return base_name
    return "%s_%d" % (base_name, count if zero_based else count + 1)


def _add_to_collection(items, key):
    present = default_graph().get_collection(key)
    for item in items:
        if not any(item is p for p in present):
            default_graph().add_to_collection(key, item)


class InputSpec:
    """The rank and axis constraints a layer puts on its input."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype, self.shape, self.ndim = dtype, shape, ndim
        self.max_ndim, self.min_ndim, self.axes = max_ndim, min_ndim, axes or {}


def assert_input_compatibility(input_spec, inputs, layer_name):
    """tf_keras' check of a layer's inputs against its `input_spec`, before the layer builds
    (its ValueErrors and words; shapes shown as TF1's TensorShape tuples of Dimensions)."""
    if not input_spec:
        return
    specs, inputs = nest.flatten(input_spec), nest.flatten(inputs)
    if len(inputs) != len(specs):
        raise ValueError('Layer "%s" expects %d input(s), but it received %d input tensors. '
                         "Inputs received: %s" % (layer_name, len(specs), len(inputs), inputs))
    for i, (x, spec) in enumerate(zip(inputs, specs)):
        if spec is None:
            continue
        shape = x.shape
        ndim = shape.ndims
        if ndim is None:
            return
        head = 'Input %d of layer "%s" is incompatible with the layer: ' % (i, layer_name)
        full = "Full shape received: %s" % (tuple(shape),)
        if spec.ndim is not None and ndim != spec.ndim:
            raise ValueError(head + "expected ndim=%d, found ndim=%d. %s" % (spec.ndim, ndim, full))
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(head + "expected max_ndim=%d, found ndim=%d"
                             % (spec.max_ndim, ndim))
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(head + "expected min_ndim=%d, found ndim=%d. %s"
                             % (spec.min_ndim, ndim, full))
        dims = shape.as_list()
        for axis, value in spec.axes.items():
            if value is not None and dims[int(axis)] not in (value, None):
                raise ValueError(head + "expected axis %s of input shape to have value %s, but "
                                 "received input with shape %s" % (axis, value, tuple(dims)))


class Layer:
    """Base class of the TF1 layers: scoped variables, build on first call, reuse after.

    >>> import scopeflow as tf
    >>> tf.layers.Dense(2).name
    'dense_1'
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        for key in kwargs:
            if key not in _ALLOWED_KWARGS:
                raise TypeError("Keyword argument not understood:", key)
        kwargs.pop("activity_regularizer", None)
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else _dt.as_dtype(dtype)
        self._trainable_weights, self._non_trainable_weights = [], []
        self._losses, self._updates = [], []
        self.input_spec = None
        self._init_set_name(name)
        self._scope, self._current_scope = None, None
        self._always_reuse = None
        if scope:
            with variable_scope(scope) as captured:
                self._scope = captured

    def _init_set_name(self, name):
        base = to_snake_case(type(self).__name__)
        if isinstance(name, VariableScope):
            self._name, self._base_name = unique_object_name(base), name.name
            return
        if not name:
            self._name, self._base_name = unique_object_name(base), base
        else:
            self._name, self._base_name = name, name

    name = property(lambda self: self._name)
    dtype = property(lambda self: None if self._dtype is None else self._dtype.name)
    scope_name = property(lambda self: self._scope.name if self._scope else None)
    trainable_weights = property(lambda self: list(self._trainable_weights)
                                 if self.trainable else [])
    trainable_variables = trainable_weights
    losses = property(lambda self: list(self._losses))
    updates = property(lambda self: list(self._updates))

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    non_trainable_variables = non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    def _name_scope(self):
        return self._current_scope.original_name_scope

    def _set_scope(self, scope=None):
        if self._scope is not None:
            return
        if self._reuse:
            target = scope if scope is not None else self._base_name
            with variable_scope(target) as captured:
                self._scope = captured
        else:
            with variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, **kwargs):
        """Creates (or, once built, reuses) `<layer scope>/name` with get_variable."""
        trainable = True if trainable is None else trainable
        g = default_graph()
        existing = set(id(v) for v in g.get_collection(GraphKeys.GLOBAL_VARIABLES))
        dtype = _dt.as_dtype(dtype or self._dtype or _dt.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with g.name_scope(self._name_scope()):
                init = initializer if initializer is not None else scope.initializer
                v = get_variable(name, shape=shape, dtype=dtype, initializer=init,
                                 trainable=trainable and self.trainable, constraint=constraint,
                                 partitioner=partitioner, **kwargs)
                self._track(v, trainable)
                if regularizer is not None and id(v) not in existing:
                    with g.name_scope(name + "/Regularizer"):
                        loss = regularizer(v)
                    if loss is not None:
                        self._losses.append(loss)
                        _add_to_collection([loss], GraphKeys.REGULARIZATION_LOSSES)
        return v

    add_variable = add_weight

    def _track(self, v, trainable):
        if any(v is w for w in self._trainable_weights + self._non_trainable_weights):
            return
        in_trainable = any(v is t for t in
                           default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES))
        if trainable and self.trainable and in_trainable:
            self._trainable_weights.append(v)
        else:
            self._non_trainable_weights.append(v)

    def add_loss(self, losses, inputs=None):
        losses = list(losses) if isinstance(losses, (list, tuple)) else [losses]
        losses = [loss() if callable(loss) else loss for loss in losses]
        self._losses.extend(losses)
        _add_to_collection([x for x in losses if x is not None],
                           GraphKeys.REGULARIZATION_LOSSES)

    def add_update(self, updates, inputs=None):
        updates = list(updates) if isinstance(updates, (list, tuple)) else [updates]
        updates = [u() if callable(u) else u for u in updates]
        # TF keeps the update ops, not their output tensors or updated variables
        self._updates.extend(update_op(u) for u in updates)

    def __call__(self, inputs, *args, **kwargs):
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        if self.built:
            if self._always_reuse is None:
                self._always_reuse = variable_scope(self._scope, reuse=True,
                                                    auxiliary_name_scope=False)
            manager = self._always_reuse
        else:
            manager = variable_scope(self._scope, reuse=self._reuse,
                                     auxiliary_name_scope=False)
        n_updates = len(self._updates)
        with manager as vs:
            self._current_scope = vs
            inputs = nest.map_structure(_as_tensor, inputs)
            assert_input_compatibility(self.input_spec, inputs, self.name)
            with default_graph().name_scope(self._name_scope()):
                self._maybe_build(inputs)
                inputs = nest.map_structure(self._autocast, inputs)
                outputs = self.call(inputs, *args, **kwargs)
        _add_to_collection(self._updates[n_updates:], GraphKeys.UPDATE_OPS)
        return outputs

    apply = __call__

    def _maybe_build(self, inputs):
        if self.built:
            return
        flat = nest.flatten(inputs)
        if flat and self._dtype is None and hasattr(flat[0], "dtype"):
            self._dtype = flat[0].dtype.base_dtype
        shapes = nest.map_structure(lambda t: t.shape, inputs)
        self.build(shapes)
        self.built = True

    def _autocast(self, x):
        """Floating inputs take the layer's dtype, as Keras' autocast does."""
        dtype = getattr(x, "dtype", None)
        if self._dtype is None or dtype is None or not dtype.base_dtype.is_floating \
                or dtype.base_dtype == self._dtype or not self._dtype.is_floating:
            return x
        from scopeflow.ops.math import cast
        return cast(x, self._dtype)

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}


def update_op(update):
    """What a layer's `updates` holds for an update: the op of a tensor or of an updated
    resource variable (its assign op), as TF keeps them."""
    if hasattr(update, "_value_index") or hasattr(update, "_parent_op"):
        return update.op
    return update


def _as_tensor(x):
    if hasattr(x, "shape") and hasattr(x, "op"):
        return x
    return convert_to_tensor(x)


def as_shape(shape):
    """A TensorShape from a shape, a list or a nested list of shapes."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)
