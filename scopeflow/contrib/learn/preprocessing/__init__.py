"""`tf.contrib.learn.preprocessing`: documents to word-id (or byte) matrices, as TF 1.15.

>>> vp = VocabularyProcessor(4)
>>> [ids.tolist() for ids in vp.fit_transform(["a b", "b c a b c"])]
[[1, 2, 0, 0], [2, 3, 1, 2]]
"""
# ruff: noqa: F401 - re-exports

from scopeflow.contrib.learn.preprocessing.categorical import CategoricalProcessor
from scopeflow.contrib.learn.preprocessing.categorical_vocabulary import CategoricalVocabulary
from scopeflow.contrib.learn.preprocessing.text import (
    ByteProcessor, VocabularyProcessor, tokenizer)
