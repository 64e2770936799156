"""`tf.keras.layers.MultiHeadAttention` as tf_keras builds it in TF1 graphs: EinsumDense
projections `query`, `key`, `value` to `(batch, ..., heads, dim)`, scores
`einsum(key, query / sqrt(key_dim))` over the attention axes, a masked softmax, dropout, the
combination with the values and the `attention_output` projection back to the query's size.

>>> import scopeflow as tf
>>> q, v = tf.placeholder(tf.float32, [None, 3, 4]), tf.placeholder(tf.float32, [None, 5, 6])
>>> mha = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
>>> out, scores = mha(q, v, return_attention_scores=True)
>>> out.shape.as_list(), scores.shape.as_list()
([None, 3, 4], [None, 2, 3, 5])
"""

import math
import string

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.layers.advanced_activations import Softmax
from scopeflow.keras.layers.core import Dropout
from scopeflow.keras.layers.einsum_dense import _OBJECT_ARGS, EinsumDense
from scopeflow.layers.core import tf_api

_LETTERS = string.ascii_lowercase


def _proj_equation(free_dims, bound_dims, output_dims):
    """(equation, bias axes, output rank) of a projection keeping `free_dims` axes, summing
    `bound_dims` with the kernel and adding `output_dims` ("abc,cde->abde", "de", 4)."""
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    out = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return "%s,%s->%s" % (free + bound, bound + out, free + out), out, len(free + out)


def _attention_equations(rank, attn_axes):
    """(scores equation, combine equation, scores rank) over projected `(batch, ..., heads,
    dim)` tensors: "aecd,abcd->acbe" and "acbe,aecd->abcd" for rank 4, axes (1,)."""
    target = _LETTERS[:rank]
    batch = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source, offset = "", rank
    for i in range(rank):
        if i in batch or i == rank - 1:
            source += target[i]
        else:
            source += _LETTERS[offset]
            offset += 1
    product = "".join([target[i] for i in batch] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return ("%s,%s->%s" % (source, target, product),
            "%s,%s->%s" % (product, source, target), len(product))


class MultiHeadAttention(Layer):
    """`num_heads` attention heads of size `key_dim` over `query` and `value` (and `key`)."""

    _masking = True  # the output keeps the query's Keras mask

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 softmax_robust_masking=False, **kwargs):
        if softmax_robust_masking:
            raise NotImplementedError("MultiHeadAttention(softmax_robust_masking=True) is not "
                                      "supported by scopeflow yet.")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._num_heads, self._key_dim = num_heads, key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout, self._use_bias, self._output_shape = dropout, use_bias, output_shape
        if attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            attention_axes = (attention_axes,)
        self._attention_axes = attention_axes
        self._kernel_args = {"kernel_initializer": kernel_initializer,
                             "bias_initializer": bias_initializer,
                             "kernel_regularizer": kernel_regularizer,
                             "bias_regularizer": bias_regularizer,
                             "activity_regularizer": activity_regularizer,
                             "kernel_constraint": kernel_constraint,
                             "bias_constraint": bias_constraint}
        self._shapes = None

    def _build_from_signature(self, query, value, key):
        """The projections, softmax and dropout for these inputs' ranks (made, not built)."""
        self._shapes = [t.shape for t in (query, key, value)]
        rank = query.shape.ndims
        self._query_dense = self._projection(rank, [self._num_heads, self._key_dim], "query")
        self._key_dense = self._projection(key.shape.ndims, [self._num_heads, self._key_dim],
                                           "key")
        self._value_dense = self._projection(value.shape.ndims,
                                             [self._num_heads, self._value_dim], "value")
        projected = rank + 1  # (batch, ..., heads, dim)
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, projected - 2))
        self._dot_equation, self._combine_equation, scores_rank = _attention_equations(
            projected, tuple(self._attention_axes))
        n = len(self._attention_axes)
        self._softmax = Softmax(axis=tuple(range(scores_rank - n, scores_rank)))
        self._dropout_layer = Dropout(rate=self._dropout)
        out = self._output_shape or [query.shape.as_list()[-1]]
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        equation, bias_axes, out_rank = _proj_equation(rank - 1, 2, len(out))
        self._output_dense = self._dense(equation, out_rank, out, bias_axes, "attention_output")

    def _projection(self, rank, last_dims, name):
        equation, bias_axes, out_rank = _proj_equation(rank - 1, 1, 2)
        return self._dense(equation, out_rank, last_dims, bias_axes, name)

    def _dense(self, equation, out_rank, last_dims, bias_axes, name):
        shape = [None] * (out_rank - 1 - len(last_dims)) + list(last_dims)
        return EinsumDense(equation, output_shape=shape, name=name,
                           bias_axes=bias_axes if self._use_bias else None, **self._kernel_args)

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False,
             training=None, use_causal_mask=False):
        key = value if key is None else key
        if self._shapes is None:
            self._build_from_signature(query, value, key)
        tf = tf_api()
        mask = self._attention_mask(tf, query, value, key, attention_mask, use_causal_mask)
        query = self._query_dense(query)  # (batch, Tq, heads, key_dim)
        key = self._key_dense(key)
        value = self._value_dense(value)
        query = tf.multiply(query, 1.0 / math.sqrt(float(self._key_dim)))
        scores = tf.einsum(self._dot_equation, key, query)  # (batch, heads, Tq, Tv)
        if mask is not None:
            for _ in range(scores.shape.ndims - mask.shape.ndims):
                mask = tf.expand_dims(mask, axis=-len(self._attention_axes) * 2 - 1)
        scores = self._softmax(scores, mask=mask)
        dropped = self._dropout_layer(scores, training=training)
        out = self._output_dense(tf.einsum(self._combine_equation, dropped, value))
        return (out, scores) if return_attention_scores else out

    def _attention_mask(self, tf, query, value, key, attention_mask, use_causal_mask):
        """The given mask, and-ed with the inputs' Keras masks and the causal mask."""
        auto = None
        q_mask = getattr(query, "_keras_mask", None)
        if q_mask is not None:
            auto = tf.cast(q_mask, tf.bool)[:, :, tf.newaxis]  # (batch, Tq, 1)
        for t in (value, key):
            m = getattr(t, "_keras_mask", None)
            if m is not None:
                m = tf.cast(m, tf.bool)[:, tf.newaxis, :]  # (batch, 1, S)
                auto = m if auto is None else auto & m
        if use_causal_mask:
            q_len, v_len = tf.shape(query)[1], tf.shape(value)[1]
            causal = tf.linalg.band_part(tf.ones((1, q_len, v_len), tf.bool), -1, 0)
            auto = causal if auto is None else auto & causal
        if auto is None:
            return attention_mask
        return auto if attention_mask is None else tf.cast(attention_mask, tf.bool) & auto

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        from scopeflow.core.shape import TensorShape
        query_shape = TensorShape(query_shape)
        if self._output_shape:
            return TensorShape(query_shape[:-1].concatenate(TensorShape(self._output_shape)))
        return query_shape

    def get_config(self):
        from scopeflow.keras.serialization import layer_base_config, resolved_argument, serialize
        config = {"num_heads": self._num_heads, "key_dim": self._key_dim,
                  "value_dim": self._value_dim, "dropout": self._dropout,
                  "use_bias": self._use_bias, "output_shape": self._output_shape,
                  "attention_axes": self._attention_axes}
        for key in _OBJECT_ARGS:
            config[key] = serialize(resolved_argument(key, self._kernel_args[key]))
        shapes = self._shapes or (None, None, None)
        config.update(query_shape=shapes[0], key_shape=shapes[1], value_shape=shapes[2],
                      softmax_robust_masking=False)
        return {**layer_base_config(self), **config}
