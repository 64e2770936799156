"""`tf.keras.experimental`: the cosine learning-rate schedules (the same classes as
tf.keras.optimizers.schedules'). TF's LinearModel, WideDeepModel and SequenceFeatures are not
built.

>>> import scopeflow as tf
>>> tf.keras.experimental.CosineDecay is tf.keras.optimizers.schedules.CosineDecay
True
"""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.schedules import CosineDecay, CosineDecayRestarts
