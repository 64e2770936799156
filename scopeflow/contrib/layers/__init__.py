"""`tf.contrib.layers`: TF1's contrib layers, which tf_slim.layers was cut from, so the very
functions of `tf.contrib.slim` (layers, initializers, regularizers, optimize_loss, summaries)
plus contrib's embedding helpers. Feature columns are not here."""
# ruff: noqa: F401 - re-exports

from scopeflow.contrib.layers.encoders import embed_sequence, embedding_lookup_unique
from scopeflow.slim.layers import *  # tf_slim.layers: layers, optimize_loss, summarize_*, ...
from scopeflow.slim.layers import initializers, optimizers, regularizers, summaries, utils
from scopeflow.slim.layers.extra import layer_norm, linear, relu, relu6

xavier_initializer_conv2d = xavier_initializer
