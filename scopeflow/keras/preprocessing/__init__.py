"""`tf.keras.preprocessing`: NumPy-side data preparation of legacy Keras (`sequence`, `text`,
`image`), as tf_keras has it under `tf.compat.v1.keras.preprocessing`."""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.preprocessing import image, sequence, text
