"""Keras dot-product and additive attention over [query, value(, key)] (tf_keras' dense
attention layers): scores, value and causal masks, softmax, dropout in training.

>>> import scopeflow as tf
>>> q, v = tf.placeholder(tf.float32, [2, 3, 4]), tf.placeholder(tf.float32, [2, 5, 4])
>>> tf.keras.layers.Attention()([q, v]).shape.as_list()
[2, 3, 4]
"""

from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import smart_cond, tf_api
from scopeflow.ops.shape_ops import ones_like_v2  # TF2's, as tf_keras calls it


class BaseDenseAttention(Layer):
    """`softmax(scores(query, key) - 1e9 * masked) @ value`, times the query mask."""

    _masking = True

    def __init__(self, dropout=0.0, **kwargs):
        self.causal = kwargs.pop("causal", False)  # deprecated: `use_causal_mask` in call()
        super().__init__(**kwargs)
        self.dropout = dropout

    def _calculate_scores(self, query, key):
        raise NotImplementedError

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_call_args(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask, v_mask = (mask[0], mask[1]) if mask else (None, None)
        tf = tf_api()
        scores = self._calculate_scores(query=q, key=k)  # (batch, Tq, Tv)
        if v_mask is not None:
            v_mask = tf.expand_dims(v_mask, axis=-2)  # (batch, 1, Tv)
        causal = _causal_mask(tf, scores) if self.causal or use_causal_mask else None
        result, weights = self._apply_scores(tf, scores, v, _and(tf, v_mask, causal), training)
        if q_mask is not None:
            result *= tf.cast(tf.expand_dims(q_mask, axis=-1), dtype=result.dtype)
        return (result, weights) if return_attention_scores else result

    def _apply_scores(self, tf, scores, value, scores_mask, training):
        if scores_mask is not None:
            big = 65504.0 if scores.dtype == tf.float16 else 1.0e9
            scores -= big * tf.cast(tf.logical_not(scores_mask), dtype=scores.dtype)
        if training is None:
            training = K.learning_phase()
        weights = tf.nn.softmax(scores)
        if self.dropout > 0:
            weights = smart_cond(training, lambda: tf.nn.dropout(weights, rate=self.dropout),
                                 lambda: tf.identity(weights))
        return tf.matmul(weights, value), weights

    def compute_mask(self, inputs, mask=None):
        """The query's mask."""
        self._validate_call_args(inputs, mask)
        if mask and mask[0] is not None:
            return tf_api().convert_to_tensor(mask[0])
        return None

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        """As tf_keras writes it: `dropout` always, the deprecated `causal` never."""
        config = super().get_config()
        config.pop("causal", None)
        config["dropout"] = self.dropout
        return config

    def _validate_call_args(self, inputs, mask):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError("%s layer must be called on a list of inputs, namely [query, value] "
                             "or [query, value, key]. Received: %s." % (name, inputs))
        if not 2 <= len(inputs) <= 3:
            raise ValueError("%s layer accepts inputs list of length 2 or 3, namely [query, "
                             "value] or [query, value, key]. Received length: %d."
                             % (name, len(inputs)))
        if mask:
            if not isinstance(mask, list):
                raise ValueError("%s layer mask must be a list, namely [query_mask, "
                                 "value_mask]. Received: %s." % (name, mask))
            if not 2 <= len(mask) <= len(inputs):
                raise ValueError("%s layer mask must be a list of length 2, namely "
                                 "[query_mask, value_mask]. Received length: %d."
                                 % (name, len(mask)))


def _causal_mask(tf, scores):
    """(..., Tq, Tv) bool, True on and below the diagonal: row index >= column index."""
    shape = tf.shape(scores)
    shape = tf.concat([ones_like_v2(shape[:-2]), shape[-2:]], axis=0)
    rows = tf.cumsum(tf.ones(shape=shape, dtype=tf.int32), axis=-2)
    cols = tf.cumsum(tf.ones(shape=shape, dtype=tf.int32), axis=-1)
    return tf.greater_equal(rows, cols)


def _and(tf, x, y):
    if x is None or y is None:
        return y if x is None else x
    return tf.logical_and(x, y)


class Attention(BaseDenseAttention):
    """Luong-style scores `query @ key^T` (score_mode "dot") or
    `sum(tanh(query + key))` ("concat"), scaled by a learned scalar when use_scale."""

    def __init__(self, use_scale=False, score_mode="dot", **kwargs):
        super().__init__(**kwargs)
        self.use_scale, self.score_mode = use_scale, score_mode
        if score_mode not in ("dot", "concat"):
            raise ValueError('Received: score_mode=%s. Acceptable values are: ["dot", '
                             '"concat"]' % score_mode)

    def build(self, input_shape):
        self.scale = self.add_weight("scale", shape=(), initializer="ones",
                                     dtype=self.dtype) if self.use_scale else None
        self.concat_score_weight = self.add_weight(
            "concat_score_weight", shape=(), initializer="ones",
            dtype=self.dtype) if self.score_mode == "concat" else None
        self.built = True

    def _calculate_scores(self, query, key):
        tf = tf_api()
        if self.score_mode == "dot":
            scores = tf.matmul(query, key, transpose_b=True)  # (batch, Tq, Tv)
            return scores * self.scale if self.scale is not None else scores
        summed = tf.expand_dims(query, axis=-2) + tf.expand_dims(key, axis=-3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * tf.reduce_sum(tf.tanh(summed), axis=-1)


class AdditiveAttention(BaseDenseAttention):
    """Bahdanau-style scores `sum(scale * tanh(query + key))`, `scale` a learned vector."""

    def __init__(self, use_scale=True, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape):
        dim = input_shape[1].as_list()[-1]
        self.scale = self.add_weight("scale", shape=[dim], initializer="glorot_uniform",
                                     dtype=self.dtype) if self.use_scale else None
        self.built = True

    def _calculate_scores(self, query, key):
        tf = tf_api()
        tanh = tf.tanh(tf.expand_dims(query, axis=-2) + tf.expand_dims(key, axis=-3))
        scale = self.scale if self.use_scale else 1.0
        return tf.reduce_sum(scale * tanh, axis=-1)  # (batch, Tq, Tv)
