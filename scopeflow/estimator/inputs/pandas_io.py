"""`tf.estimator.inputs.pandas_input_fn`: an input_fn over a pandas DataFrame (and a Series or
DataFrame of labels), batched as numpy_input_fn from a fed queue whose first component is
the frame's index. Without pandas installed it raises TF's TypeError.

>>> _unique_target_key({"a": 1}, "b")
'b'
"""

import collections
import uuid

import numpy as np

from scopeflow.estimator.inputs.feeding import enqueue_data

try:
    import pandas as pd
    HAS_PANDAS = True
except ImportError:
    pd = None
    HAS_PANDAS = False


def _unique_target_key(features, name):
    if name in features:
        name += "_" + str(uuid.uuid4())
    return name


def _add_labels(x, y, target_column):
    """x with y's column(s) added; (x, the label column name or names, y's own names)."""
    if target_column in x:
        raise ValueError("Cannot use name %s for target column: DataFrame already has a column "
                         "with that name: %s" % (target_column, x.columns))
    if not np.array_equal(x.index, y.index):
        raise ValueError("Index for x and y are mismatched.\nIndex for x: %s\n"
                         "Index for y: %s\n" % (x.index, y.index))
    if isinstance(y, pd.DataFrame):
        y_columns = [(column, _unique_target_key(x, column)) for column in list(y)]
        target_column = [v for _, v in y_columns]
        x[target_column] = y
        return x, target_column, [k for k, _ in y_columns]
    x[target_column] = y
    return x, target_column, None


def pandas_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                    num_threads=1, target_column="target"):
    """An input_fn returning (features, labels) (or features alone when y is None)."""
    if not HAS_PANDAS:
        raise TypeError("pandas_input_fn should not be called without pandas installed")
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         "recommended to set it as True for training); got {}".format(shuffle))
    if not isinstance(target_column, str):
        raise TypeError("target_column must be a string type")
    x = x.copy()
    y_keys = None
    if y is not None:
        x, target_column, y_keys = _add_labels(x, y, target_column)
    if queue_capacity is None:
        queue_capacity = 4 * len(x) if shuffle else len(x)
    min_after_dequeue = max(queue_capacity / 4, 1)
    columns = collections.OrderedDict((c, x[c].values) for c in x.columns)

    def input_fn():
        queue = enqueue_data(columns, queue_capacity, shuffle=shuffle,
                             min_after_dequeue=min_after_dequeue, num_threads=num_threads,
                             enqueue_size=batch_size, num_epochs=num_epochs,
                             index=np.asarray(x.index.values))
        features = (queue.dequeue_many(batch_size) if num_epochs is None
                    else queue.dequeue_up_to(batch_size))
        features = dict(zip(list(x.columns), features[1:]))
        if y is None:
            return features
        if isinstance(target_column, list):
            return features, {k: features.pop(c) for k, c in zip(y_keys, target_column)}
        return features, features.pop(target_column)

    return input_fn


__all__ = ["pandas_input_fn"]
