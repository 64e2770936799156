"""`tf.metrics`: streaming metrics as TF1 builds them, each a (value, update_op) pair over
local variables in LOCAL_VARIABLES and METRIC_VARIABLES.

>>> import scopeflow as tf
>>> acc, up = tf.metrics.accuracy([1, 2], [1, 3]); acc.name, up.name
('accuracy/value:0', 'accuracy/update_op:0')
"""

from scopeflow.metrics.at_k import (
                                    average_precision_at_k,
                                    precision_at_k,
                                    precision_at_top_k,
                                    recall_at_k,
                                    recall_at_top_k,
                                    sparse_average_precision_at_k,
                                    sparse_precision_at_k,
)
from scopeflow.metrics.basic import (
                                    accuracy,
                                    mean,
                                    mean_absolute_error,
                                    mean_cosine_distance,
                                    mean_iou,
                                    mean_per_class_accuracy,
                                    mean_relative_error,
                                    mean_squared_error,
                                    mean_tensor,
                                    percentage_below,
                                    root_mean_squared_error,
)
from scopeflow.metrics.counts import (
                                    false_negatives,
                                    false_negatives_at_thresholds,
                                    false_positives,
                                    false_positives_at_thresholds,
                                    precision,
                                    precision_at_thresholds,
                                    recall,
                                    recall_at_thresholds,
                                    true_negatives,
                                    true_negatives_at_thresholds,
                                    true_positives,
                                    true_positives_at_thresholds,
)
from scopeflow.metrics.curves import auc, sensitivity_at_specificity, specificity_at_sensitivity
from scopeflow.metrics.util import metric_variable

__all__ = ["accuracy", "auc", "average_precision_at_k", "false_negatives",
           "false_negatives_at_thresholds", "false_positives", "false_positives_at_thresholds",
           "mean", "mean_absolute_error", "mean_cosine_distance", "mean_iou",
           "mean_per_class_accuracy", "mean_relative_error", "mean_squared_error", "mean_tensor",
           "metric_variable", "percentage_below", "precision", "precision_at_k",
           "precision_at_thresholds", "precision_at_top_k", "recall", "recall_at_k",
           "recall_at_thresholds", "recall_at_top_k", "root_mean_squared_error",
           "sensitivity_at_specificity", "sparse_average_precision_at_k",
           "sparse_precision_at_k", "specificity_at_sensitivity", "true_negatives",
           "true_negatives_at_thresholds", "true_positives", "true_positives_at_thresholds"]
