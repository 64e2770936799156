"""`tf.contrib`: the parts of TF1's contrib that scopeflow provides (slim, lookup, rnn, layers,
legacy_seq2seq, seq2seq's sequence_loss, framework, util, learn.preprocessing, data)."""

from scopeflow import slim  # noqa: F401
from scopeflow.contrib import (  # noqa: F401
    data, framework, layers, learn, legacy_seq2seq, lookup, rnn, seq2seq, util)
