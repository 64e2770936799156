"""`tf.estimator.inputs.numpy_input_fn`: an input_fn over numpy arrays (a dict of features,
or one array, and optional labels), batched from a queue filled by a feeding thread.

num_epochs=None repeats forever (full batches: dequeue_many); a number of epochs ends the
input with a last smaller batch (dequeue_up_to). shuffle must be given.

>>> import numpy as np
>>> fn = numpy_input_fn({"x": np.arange(3.0)}, shuffle=False)
>>> callable(fn)
True
"""

import collections

import numpy as np

from scopeflow.estimator.inputs.feeding import enqueue_data

_TARGET_KEY = "__target_key__"


def _unique_target_key(features):
    key = _TARGET_KEY
    while key in features:
        key += "_n"
    return key


def _features(x):
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted(x.items(), key=lambda t: t[0]))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict({"__direct_np_input__": x})
    raise TypeError("x must be a dict or array; got {}".format(type(x).__name__))


def _add_targets(data, y, feature_keys):
    if y is None:
        return None
    if isinstance(y, dict):
        if not y:
            raise ValueError("y cannot be empty dict, use None instead.")
        ordered = collections.OrderedDict(sorted(y.items(), key=lambda t: t[0]))
        keys = list(ordered.keys())
        duplicates = set(feature_keys).intersection(set(keys))
        if duplicates:
            raise ValueError("{} duplicate keys are found in both x and y: {}".format(
                len(duplicates), duplicates))
        data.update(ordered)
        return keys
    key = _unique_target_key(data)
    data[key] = y
    return key


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An input_fn returning (features, labels) (or features alone when y is None)."""
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         "recommended to set it as True for training); got {}".format(shuffle))

    def input_fn():
        data = _features(x)
        feature_keys = list(data.keys())
        target_keys = _add_targets(data, y, feature_keys)
        if len({v.shape[0] for v in data.values()}) != 1:
            shapes_x = {k: data[k].shape for k in feature_keys}
            if target_keys is None:
                shape_y = None
            elif isinstance(target_keys, str):
                shape_y = y.shape
            else:
                shape_y = {k: data[k].shape for k in target_keys}
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x "
                             "and y must have the same length.\nShapes in x: {}\n"
                             "Shapes in y: {}\n".format(shapes_x, shape_y))
        queue = enqueue_data(data, queue_capacity, shuffle=shuffle, num_threads=num_threads,
                             enqueue_size=batch_size, num_epochs=num_epochs)
        batch = (queue.dequeue_many(batch_size) if num_epochs is None
                 else queue.dequeue_up_to(batch_size))
        if batch:
            batch.pop(0)
        features = batch[0] if isinstance(x, np.ndarray) else dict(
            zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))

    return input_fn


__all__ = ["numpy_input_fn"]
