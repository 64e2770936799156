"""`slim.metrics` (tf_slim.metrics): streaming metrics over tf.metrics, batch accuracy, F1,
the AUC from histograms.

>>> import scopeflow as tf
>>> m, up = tf.contrib.slim.metrics.streaming_mean([1.0, 3.0]); m.name
'mean/value:0'
"""

from scopeflow.slim.metrics import metric_ops
from scopeflow.slim.metrics.classification import accuracy, f1_score
from scopeflow.slim.metrics.histogram_ops import auc_using_histogram
from scopeflow.slim.metrics.metric_ops import *  # tf_slim's metric_ops names

__all__ = ["accuracy", "auc_using_histogram", "f1_score", *metric_ops.__all__]  # noqa: PLE0604
