"""`tf.keras.metrics` intersection-over-union metrics (`IoU`, `MeanIoU`, `BinaryIoU`,
`OneHotIoU`, `OneHotMeanIoU`) over a `total_confusion_matrix` variable, as TF1 graph mode
makes them.

>>> import scopeflow as tf
>>> [v.name for v in tf.keras.metrics.MeanIoU(3).variables]
['total_confusion_matrix:0']
"""

from scopeflow.keras.metric_objects import Metric
from scopeflow.layers.core import tf_api


class IoU(Metric):
    """`tf.keras.metrics.IoU`: tp / (tp + fp + fn) per target class, averaged over the
    classes that occurred."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        self.num_classes, self.ignore_class = num_classes, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.total_cm = self.add_weight("total_confusion_matrix", (num_classes, num_classes))
        if max(target_class_ids) >= num_classes:
            raise ValueError("Target class id %s is out of range, which is [0, %s)."
                             % (max(target_class_ids), num_classes))
        self.target_class_ids = list(target_class_ids)

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        if not self.sparse_y_true:
            y_true = tf.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = tf.argmax(y_pred, axis=self.axis)
        y_true = tf.reshape(tf.cast(y_true, self.dtype), [-1])  # (n,)
        y_pred = tf.reshape(tf.cast(y_pred, self.dtype), [-1])
        if sample_weight is not None:
            sample_weight = tf.reshape(tf.cast(sample_weight, self.dtype), [-1])
        if self.ignore_class is not None:
            # Keras drops the ignored entries; a weight of 0 on class 0 counts the same
            # without a value-dependent shape
            keep = tf.not_equal(y_true, tf.cast(self.ignore_class, y_true.dtype))
            y_true = tf.where_v2(keep, y_true, tf.zeros_like(y_true))
            y_pred = tf.where_v2(keep, y_pred, tf.zeros_like(y_pred))
            kept = tf.cast(keep, self.dtype)
            sample_weight = kept if sample_weight is None else sample_weight * kept
        current = tf.math.confusion_matrix(y_true, y_pred, self.num_classes,
                                           weights=sample_weight, dtype=self.dtype)
        return tf.assign_add(self.total_cm, current).op

    def result(self):
        tf = tf_api()
        cm = self.total_cm
        tp = tf.linalg.tensor_diag_part(cm)
        denominator = tf.reduce_sum(cm, axis=0) + tf.reduce_sum(cm, axis=1) - tp
        tp = tf.gather(tp, self.target_class_ids)
        denominator = tf.gather(denominator, self.target_class_ids)
        valid = tf.reduce_sum(tf.cast(tf.not_equal(denominator, 0), self.dtype))
        iou = tf.div_no_nan(tp, denominator)
        return tf.div_no_nan(tf.reduce_sum(iou, name="mean_iou"), valid)

    def get_config(self):
        return dict(super().get_config(), num_classes=self.num_classes,
                    target_class_ids=self.target_class_ids, ignore_class=self.ignore_class,
                    sparse_y_true=self.sparse_y_true, sparse_y_pred=self.sparse_y_pred,
                    axis=self.axis)


class BinaryIoU(IoU):
    """`tf.keras.metrics.BinaryIoU`: IoU of predictions >= `threshold` as class 1."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        tf = tf_api()
        y_pred = tf.cast(tf.cast(y_pred, self.dtype) >= self.threshold, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class MeanIoU(IoU):
    """`tf.keras.metrics.MeanIoU`: IoU averaged over every class."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """`tf.keras.metrics.OneHotIoU`: IoU of one-hot labels (and scores unless sparse)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """`tf.keras.metrics.OneHotMeanIoU`: MeanIoU of one-hot labels (and scores)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
