"""`tf.data.experimental.rejection_resample`: a dataset's elements resampled toward a target
class distribution, built from TF 2.21's own pieces (so a seed gives TF's elements): elements
are kept with a class's acceptance probability (a seeded `random_uniform` in a filter), mixed
with the untouched elements by `sample_from_datasets`; without `initial_dist` the class
distribution is estimated as the data streams (counts per batch of 32, a scan).

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(8).apply(rejection_resample(
...     lambda x: tf.cast(x % 2, tf.int32), [0.5, 0.5], [0.5, 0.5], seed=1))
>>> tf.data.get_output_types(ds)
(tf.int32, tf.int64)
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.data.sampling import sample_from_datasets
from scopeflow.ops import math as m
from scopeflow.ops import reductions as r
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.math_cast import cast


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """A transformation (for `Dataset.apply`): `(class, element)` pairs whose classes follow
    `target_dist`; `class_func` maps an element to an int32 class in [0, num_classes)."""

    def apply(ds):
        return _rejection_resample(ds, class_func, target_dist, initial_dist, seed)

    return apply


def _rejection_resample(ds, class_func, target_dist, initial_dist, seed):
    from scopeflow.data.sources import from_tensors
    target = cast(convert_to_tensor(target_dist, name="target_dist"), _dt.float32)
    if initial_dist is not None:
        initial = cast(convert_to_tensor(initial_dist, name="initial_dist"), _dt.float32)
        accept, original = _acceptance(initial, target)
        initial_ds = from_tensors(initial).repeat()
        accept_ds = from_tensors(accept).repeat()
        original_ds = from_tensors(original).repeat()
    else:
        initial_ds = _estimated_dist(target, ds.map(class_func))
        both = initial_ds.map(lambda dist: _acceptance(dist, target))
        accept_ds = both.map(lambda a, _: a)
        original_ds = both.map(lambda _, o: o)
    filtered = _filtered(ds, accept_ds, initial_ds, class_func, seed).prefetch(3)
    static = _static_original(initial, target) if initial_dist is not None else None

    def with_class(*x):
        return (class_func(*x), x[0]) if len(x) == 1 else (class_func(*x), x)

    if static == 1:
        return ds.map(with_class)
    if static == 0:
        return filtered
    out = sample_from_datasets([ds.map(with_class), filtered],
                               original_ds.map(lambda p: [(p, 1.0 - p)]), seed,
                               stop_on_empty_dataset=True)
    return out if isinstance(out, type(ds)) else type(ds)(out._variant_tensor, out._structure,
                                                          out._kind)


def _filtered(ds, accept_ds, initial_ds, class_func, seed):
    """The elements kept with their class's acceptance probability, as (class, element)."""
    from scopeflow.data.sources import zip_
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.gather import gather
    from scopeflow.ops.logging_ops import Print
    from scopeflow.ops.random import random_uniform

    def warn_on_large_rejection(accept, initial):
        rejected = r.reduce_sum((1 - accept) * initial)
        return cond(m.less(rejected, .5), lambda: accept, lambda: Print(
            accept, [rejected, initial, accept],
            message="Proportion of examples rejected by sampler is high: ", summarize=100,
            first_n=10))

    accept_ds = zip_((accept_ds, initial_ds)).map(warn_on_large_rejection)

    def gather_and_copy(accept, data):
        value = class_func(*data) if isinstance(data, tuple) else class_func(data)
        return value, gather(accept, value), data

    def keep(unused_class, p, unused_data):
        return random_uniform([], seed=seed, dtype=p.dtype) < p

    kept = zip_((accept_ds, ds)).map(gather_and_copy).filter(keep)
    return kept.map(lambda value, _, data: (value, data))


def _estimated_dist(target, classes, batch_size=32, smoothing=10):
    """The class distribution seen so far, per element: counts (from `smoothing` each)
    updated once per batch of `batch_size` classes."""
    from scopeflow.ops.array import expand_dims
    from scopeflow.ops.joining import tile
    from scopeflow.ops.shape_ops import fill, one_hot, shape
    n = target.shape.as_list()[0] if target.shape.ndims else None
    n = n or shape(target)[0]
    seen0 = fill([n], np.int64(smoothing))

    def update(seen, c):
        seen = m.add(seen, r.reduce_sum(one_hot(c, seen.shape.as_list()[0], dtype=_dt.int64),
                                        0))
        dist = cast(m.truediv(seen, r.reduce_sum(seen)), _dt.float32)
        return seen, tile(expand_dims(dist, 0), [batch_size, 1])

    return classes.batch(batch_size).scan(seen0, update).unbatch()


def _acceptance(initial, target):
    """(acceptance probability per class, probability of taking an original element)."""
    ratio = target / (initial + np.finfo(initial.dtype.as_numpy_dtype).tiny)
    hi, lo = r.reduce_max(ratio), r.reduce_min(ratio)
    return (ratio - lo) / (hi - lo), lo


def _static_original(initial, target):
    a, b = constant_value(initial), constant_value(target)
    return None if a is None or b is None else np.min(b / a)

