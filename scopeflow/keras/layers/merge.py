"""Keras merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

>>> import scopeflow as tf
>>> a = tf.placeholder(tf.float32, [None, 2]); b = tf.placeholder(tf.float32, [None, 2])
>>> tf.keras.layers.Add()([a, b]).name
'add/add:0'
"""

from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class _Merge(Layer):
    """Merges a list of tensors elementwise with `_merge_function`."""

    def _merge_function(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs.")
        return self._merge_function(list(inputs))

    def compute_mask(self, inputs, mask=None):
        """A step is kept where every input keeps it."""
        tf = tf_api()
        if mask is None or all(m is None for m in mask):
            return None
        masks = [tf.expand_dims(m, 0) for m in mask if m is not None]
        return K.all(K.concatenate(masks, axis=0), axis=0, keepdims=False)


class Add(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Average(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


class Maximum(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = tf_api().maximum(out, x)
        return out


class Minimum(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = tf_api().minimum(out, x)
        return out


class Concatenate(_Merge):
    """Concatenates along `axis` (default the last)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _merge_function(self, inputs):
        return K.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """The masks side by side (all-true for an input without one), then all over the
        concatenated axis."""
        tf = tf_api()
        if mask is None or all(m is None for m in mask):
            return None
        parts = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = tf.ones_like(x, dtype="bool")
            elif m.shape.ndims < x.shape.ndims:
                m = tf.expand_dims(m, -1)
            parts.append(m)
        return K.all(K.concatenate(parts, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        return dict(super().get_config(), axis=self.axis)


class Dot(_Merge):
    """Dot product of two tensors along `axes` (optionally l2-normalized first)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def _merge_function(self, inputs):
        x1, x2 = inputs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else [self.axes] * 2
        axes = [a % x.shape.ndims if a < 0 else a for a, x in zip(axes, inputs)]
        if self.normalize:
            x1 = tf_api().nn.l2_normalize(x1, axis=axes[0])
            x2 = tf_api().nn.l2_normalize(x2, axis=axes[1])
        return K.batch_dot(x1, x2, axes)


def _functional(cls):
    def fn(inputs, **kwargs):
        return cls(**kwargs)(inputs)

    fn.__name__ = cls.__name__.lower()
    fn.__doc__ = "`tf.keras.layers.%s` applied once." % fn.__name__
    return fn


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, maximum, minimum = _functional(Average), _functional(Maximum), _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
