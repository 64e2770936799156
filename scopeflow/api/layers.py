"""`tf.layers`: the TF1 layer classes and their one-call functions."""
# ruff: noqa: F401 - re-exports

from scopeflow.layers import *
from scopeflow.layers import InputSpec, Layer
