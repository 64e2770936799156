"""Keras Embedding: `embeddings[ids]` (weight `embeddings`, ids cast to int32).

>>> import scopeflow as tf
>>> ids = tf.placeholder(tf.int32, [None, 3])
>>> tf.keras.layers.Embedding(5, 2)(ids).shape.as_list()
[None, 3, 2]
"""

from scopeflow.keras import backend as K, constraints, initializers, regularizers
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class Embedding(Layer):
    """Rows of a `(input_dim, output_dim)` table, looked up by integer ids."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)  # (None,) without a length, as Keras
        kwargs.setdefault("dtype", K.floatx())
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero, self.input_length = mask_zero, input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            "embeddings", shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True

    def _autocast(self, x):
        return x

    def compute_mask(self, inputs, mask=None):
        """With `mask_zero`, id 0 is padding: masked."""
        if not self.mask_zero:
            return None
        return tf_api().not_equal(inputs, 0)

    def call(self, inputs):
        tf = tf_api()
        if inputs.dtype.base_dtype.name not in ("int32", "int64"):
            inputs = tf.cast(inputs, "int32")
        return tf.nn.embedding_lookup(self.embeddings, inputs)
