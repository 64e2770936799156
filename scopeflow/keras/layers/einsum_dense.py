"""`tf.keras.layers.EinsumDense`: `einsum(equation, inputs, kernel) + bias`, the kernel's and
bias' shapes read off the equation (tf_keras' rules: a kernel axis takes its size from the
input or the output axis of its letter; the bias covers the output from its first bias axis).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 3, 4])
>>> layer = tf.keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 5),
...                                     bias_axes="de")
>>> layer(x).shape.as_list(), [w.shape.as_list() for w in layer.weights]
([None, 3, 2, 5], [[4, 2, 5], [2, 5]])
"""

import re

from scopeflow.keras import activations, constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api

_EQUATION = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)")
# "...b,bc->...c": the leading axes are elided; "ab...,bc->ac...": the trailing ones
_LEADING = re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)")
_TRAILING = re.compile(r"([a-zA-Z]+)\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.")


class EinsumDense(Layer):
    """A dense layer over any axes, spelled as an einsum `equation` with the kernel."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.equation = equation
        self.partial_output_shape = list(output_shape) \
            if isinstance(output_shape, (list, tuple)) else [output_shape]
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, self.full_output_shape = analyze_einsum(
            self.equation, self.bias_axes, input_shape.as_list(), self.partial_output_shape)
        self.kernel = self.add_weight("kernel", shape=kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        self.bias = None if bias_shape is None else self.add_weight(
            "bias", shape=bias_shape, initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint, trainable=True)

    def call(self, inputs):
        out = tf_api().einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            out += self.bias
        return out if self.activation is None else self.activation(out)

    def compute_output_shape(self, input_shape):
        from scopeflow.core.shape import TensorShape
        return TensorShape(self.full_output_shape)

    def get_config(self):
        from scopeflow.keras.serialization import layer_base_config, serialize
        config = {"output_shape": self.partial_output_shape, "equation": self.equation,
                  "activation": activations.serialize(self.activation),
                  "bias_axes": self.bias_axes}
        for key in _OBJECT_ARGS:
            config[key] = serialize(getattr(self, key))
        return {**layer_base_config(self), **config}


_OBJECT_ARGS = ("kernel_initializer", "bias_initializer", "kernel_regularizer",
                "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint")


def analyze_einsum(equation, bias_axes, input_shape, output_shape):
    """(kernel shape, bias shape or None, full output shape) of an EinsumDense."""
    for pattern, left in ((_EQUATION, False), (_LEADING, True), (_TRAILING, False)):
        match = pattern.match(equation)
        if match:
            return _analyze_split(match.groups(), bias_axes, input_shape, output_shape, left)
    raise ValueError("Invalid einsum equation '%s'. Equations must be in the form "
                     "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...." % equation)


def _analyze_split(specs, bias_axes, input_shape, output_shape, left_elided):
    input_spec, weight_spec, output_spec = specs
    elided = len(input_shape) - len(input_spec)
    output_shape = [input_shape[0]] + list(output_shape)  # the batch axis first
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0:
        output_shape.extend(input_shape[len(input_spec):])
    shift = elided if left_elided else 0
    input_at = {c: i + shift for i, c in enumerate(input_spec)}
    output_at = {c: i + shift for i, c in enumerate(output_spec)}
    for c in input_spec:
        if c in output_at:
            want = output_shape[output_at[c]]
            if want is not None and want != input_shape[input_at[c]]:
                raise ValueError(
                    "Input shape and output shape do not match at shared dimension '%s'. "
                    "Input shape is %s, and output shape is %s."
                    % (c, input_shape[input_at[c]], output_shape[output_at[c]]))
            output_shape[output_at[c]] = input_shape[input_at[c]]
    for c in output_spec:
        if c not in input_spec and c not in weight_spec:
            raise ValueError("Dimension '%s' was specified in the output '%s' but has no "
                             "corresponding dim in the input spec '%s' or weight spec '%s'"
                             % (c, output_spec, input_spec, output_spec))
    kernel_shape = []
    for c in weight_spec:
        if c in input_at:
            kernel_shape.append(input_shape[input_at[c]])
        elif c in output_at:
            kernel_shape.append(output_shape[output_at[c]])
        else:
            raise ValueError("Weight dimension '%s' did not have a match in either the input "
                             "spec '%s' or the output spec '%s'. For this layer, the weight "
                             "must be fully specified." % (c, input_spec, output_spec))
    return kernel_shape, _bias_shape(bias_axes, output_spec, output_shape, output_at,
                                     0 if left_elided else elided), output_shape


def _bias_shape(bias_axes, output_spec, output_shape, output_at, trailing):
    """The bias broadcast over the output from its first bias axis on (1 where not biased)."""
    if not bias_axes:
        return None
    for c in bias_axes:
        if c not in output_spec:
            raise ValueError("Bias dimension '%s' was requested, but is not part of the "
                             "output spec '%s'" % (c, output_spec))
    first = min(output_spec.find(c) for c in bias_axes)
    shape = [output_shape[output_at[c]] if c in bias_axes else 1 for c in output_spec[first:]]
    return shape + [1] * trailing
