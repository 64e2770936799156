"""`tf.keras.layers.experimental` of tf_keras' v1 API: EinsumDense and the `preprocessing`
layers (the same classes as `tf.keras.layers`' own).

>>> import scopeflow as tf
>>> P = tf.keras.layers.experimental.preprocessing
>>> P.Normalization is tf.keras.layers.Normalization
True
"""

from scopeflow.keras.layers.einsum_dense import EinsumDense  # noqa: F401 - re-export
from scopeflow.keras.layers.experimental import preprocessing  # noqa: F401
