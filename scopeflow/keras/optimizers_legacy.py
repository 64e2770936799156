"""`tf.keras.optimizers.legacy`: in TF1's Keras the same OptimizerV2 classes as
`tf.keras.optimizers`.

>>> import scopeflow as tf
>>> tf.keras.optimizers.legacy.Adam is tf.keras.optimizers.Adam
True
"""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.optimizer_base import Optimizer
from scopeflow.keras.optimizers import SGD, Adagrad, Adam, RMSprop
from scopeflow.keras.optimizers_adaptive import Adadelta, Adamax, Ftrl, Nadam
