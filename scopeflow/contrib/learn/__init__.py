"""`tf.contrib.learn`: the part of TF 1.15's contrib.learn that TF1 text programs use
(`preprocessing.VocabularyProcessor`); its estimators are not provided."""

from scopeflow.contrib.learn import preprocessing  # noqa: F401
