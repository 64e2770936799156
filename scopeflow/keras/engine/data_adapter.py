"""The data of Keras' loops: NumPy arrays cut into batches, `tf.data` datasets read through an
iterator in the Keras session, Python generators (and `keras.utils.Sequence`); per-sample weights
from `sample_weight` and `class_weight` as Keras computes them.

>>> import numpy as np
>>> standardize_weights(np.array([[0], [1]]), None, {0: 1.0, 1: 3.0}).tolist()
[1.0, 3.0]
"""

import inspect
import random

import numpy as np

from scopeflow import errors


def as_list(x):
    """The arrays of `x` (one, a list or a dict of them); graph tensors stay tensors."""
    from scopeflow.core.tensor import is_tensor
    if x is None:
        return []
    if isinstance(x, dict):
        return list(x.values())
    return [a if is_tensor(a) else np.asarray(a) for a in x] if isinstance(x, (list, tuple)) \
        else [x if is_tensor(x) else np.asarray(x)]


def is_dataset(x):
    return hasattr(x, "_variant_tensor") and hasattr(x, "element_spec")


def is_generator(x):
    return inspect.isgenerator(x) or is_sequence(x) or \
        (hasattr(x, "__next__") and not isinstance(x, (np.ndarray, list, tuple, dict)))


def has_tensors(x):
    """Whether `x` (an array, tensor, or a list / tuple / dict of them) holds a graph tensor."""
    from scopeflow.core.tensor import is_tensor
    if isinstance(x, dict):
        x = list(x.values())
    return any(is_tensor(a) for a in x) if isinstance(x, (list, tuple)) else is_tensor(x)


def is_sequence(x):
    from scopeflow.keras.utils import Sequence
    return isinstance(x, Sequence)


def unpack(batch):
    """`(x, y, sample_weight)` of one element: `x`, `(x,)`, `(x, y)` or `(x, y, w)`."""
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) in (2, 3):
            return batch[0], batch[1], batch[2] if len(batch) == 3 else None
        raise ValueError("Output of generator should be a tuple `(x, y, sample_weight)` or "
                         "`(x, y)`. Found: " + str(batch))
    return batch, None, None


def standardize_weights(y, sample_weight=None, class_weight=None):
    """The weight of each sample of `y`: `sample_weight`, times its class's weight."""
    if sample_weight is None and class_weight is None:
        return None
    y = np.asarray(y)
    out = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight, "float32")
        if sw.ndim > y.ndim or sw.shape != y.shape[:sw.ndim]:
            raise ValueError("Found a sample_weight array with shape %s for an input with "
                             "shape %s. sample_weight cannot be broadcast."
                             % (sw.shape, y.shape))
        out = sw
    if class_weight:
        if y.ndim == 2 and y.shape[1] > 1:
            classes = np.argmax(y, axis=1)
        elif y.ndim == 2 and y.shape[1] == 1:
            classes = y.reshape(y.shape[0])
        else:
            classes = y
        classes = classes.astype("int64")
        missing = set(classes.tolist()) - set(class_weight)
        if missing:
            raise ValueError("`class_weight` must contain all classes in the data. The classes "
                             "%s exist in the data but not in `class_weight`."
                             % {np.int64(c) for c in missing})
        cw = np.asarray([class_weight[c] for c in classes.tolist()], "float32")
        out = cw if out is None else out * cw
    return out


def repeats_forever(dataset):
    """Whether a dataset's pipeline has a `repeat()` without a count."""
    from scopeflow.ops.constant import constant_value
    todo, seen = [dataset._variant_tensor.op], set()
    while todo:
        op = todo.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type == "RepeatDataset":
            count = constant_value(op.inputs[1])
            if count is not None and int(count) < 0:
                return True
        todo.extend(t.op for t in op.inputs if t.dtype.name == "variant")
    return False


class DatasetReader:
    """Batches of a dataset, read by an initializable iterator in the Keras session."""

    def __init__(self, dataset):
        from scopeflow.data.iterators import make_initializable_iterator
        from scopeflow.layers.core import tf_api
        tf = tf_api()
        self.dataset = dataset
        with tf.name_scope(None):
            self._it = make_initializable_iterator(dataset)
            self._next = self._it.get_next()
        self._started = False

    def restart(self, sess):
        sess.run(self._it.initializer)
        self._started = True

    def next(self, sess):
        """The next element, or None at the end of the data."""
        if not self._started:
            self.restart(sess)
        try:
            return sess.run(self._next)
        except errors.OutOfRangeError:
            return None


def reader_for(model, dataset):
    """One reader per (model, dataset): its iterator persists across epochs and calls."""
    readers = model.__dict__.setdefault("_dataset_readers", {})
    entry = readers.get(id(dataset))
    if entry is None or entry.dataset is not dataset:
        entry = readers[id(dataset)] = DatasetReader(dataset)
    return entry


class Source:
    """The batches of one loop: `epoch(sess)` yields `(x, y, sample_weight)` per step."""

    def __init__(self, model, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, training=False):
        self.steps, self.by_steps, self.symbolic = steps, False, False
        from scopeflow.data.iterators import Iterator
        if isinstance(x, Iterator):
            raise ValueError("For performance reasons TF-Keras `fit`, `evaluate` and`predict` "
                             "accept tf.data `Datasets` as input but not iterators that have "
                             "been manually generated from Datasets by users. Please directly "
                             "pass in the original `Dataset` object instead of passing in "
                             "`iter(dataset)`.")
        if has_tensors(x) or has_tensors(y):
            if steps is None:
                raise ValueError("When using data tensors as input to a model, you should "
                                 "specify the `%s` argument."
                                 % ("steps_per_epoch" if training else "steps"))
            # tf_keras' v1 loop: each step runs the train function with the tensors (an
            # iterator's get_next) wired to the placeholders they feed (training.py: _run);
            # sample weights are evaluated first. The loss averaged over the steps.
            self._parts, self.by_steps, self.symbolic = (x, y, sample_weight), True, True
            self.wired = sample_weight is None
            self.epoch = self._tensor_epoch
        elif is_dataset(x):
            if y is not None:
                raise ValueError("You passed a dataset or dataset iterator (%s) as input `x` "
                                 "to your model. In that case, you should not specify a "
                                 "target (`y`) argument, since the dataset or dataset iterator "
                                 "generates both input data and target data. Received: %s"
                                 % (x, y))
            if steps is None and repeats_forever(x):
                raise ValueError("When passing an infinitely repeating dataset, you must "
                                 "specify the `steps_per_epoch` argument.")
            # the loss is averaged over the steps of a dataset
            self._reader, self.by_steps = reader_for(model, x), True
            self.epoch = self._dataset_epoch
        elif is_generator(x):
            if steps is None and is_sequence(x):
                steps = self.steps = len(x)
            if steps is None:
                raise ValueError("Please specify the number of steps via the `steps_per_epoch` "
                                 "argument.")
            # fit averages a generator's losses over samples, evaluate over steps (as Keras)
            self._gen, self.by_steps = iter(x) if not is_sequence(x) else \
                _sequence_stream(x, shuffle), not training
            self.epoch = self._generator_epoch
        else:
            ins = getattr(model, "inputs", None) or []
            if ins and x is not None and not any(t.op.type == "Placeholder" for t in ins):
                # tf_keras: a model on tensors only (Input(tensor=...), built on a fit's
                # tensors) takes no arrays
                raise ValueError("Error when checking model input: expected no data, but got:",
                                 x)
            self._xs, self._ys = as_list(x), as_list(y)
            self._sw = sample_weight
            if sample_weight is not None and not isinstance(sample_weight, (dict, list, tuple)):
                y0 = self._ys[0] if self._ys else self._xs[0]
                standardize_weights(y0.reshape(-1, 1) if y0.ndim == 1 else y0, sample_weight)
            self._batch, self._shuffle = batch_size or 32, shuffle
            self.size = len(self._xs[0])
            self.steps = -(-self.size // self._batch)
            self.epoch = self._array_epoch

    def _array_epoch(self, sess):
        n = self.size
        order = np.arange(n)
        if isinstance(self._shuffle, str) and self._shuffle == "batch":
            order = _batch_shuffle(order, self._batch)
        elif self._shuffle:
            np.random.shuffle(order)
        for start in range(0, n, self._batch):
            idx = order[start:start + self._batch]
            sw = None if self._sw is None else _take(self._sw, idx)
            yield [a[idx] for a in self._xs], [a[idx] for a in self._ys] or None, sw

    def _dataset_epoch(self, sess):
        if self.steps is None:  # one pass over the data, from its start
            self._reader.restart(sess)
        step = 0
        while self.steps is None or step < self.steps:
            batch = self._reader.next(sess)
            if batch is None:
                if self.steps is not None:
                    raise errors.OutOfRangeError(None, None, "End of sequence: the dataset ran "
                                                 "out of data before `steps` steps.")
                return
            yield unpack(batch)
            step += 1

    def _tensor_epoch(self, sess):
        if self.wired:
            for _ in range(self.steps):
                yield self._parts
            return
        fetch = [i for i, part in enumerate(self._parts) if has_tensors(part)]
        for _ in range(self.steps):
            batch = list(self._parts)
            for i, value in zip(fetch, sess.run([self._parts[i] for i in fetch])):
                batch[i] = value
            yield tuple(batch)

    def _generator_epoch(self, sess):
        for _ in range(self.steps):
            yield unpack(next(self._gen))


def _sequence_stream(sequence, shuffle):
    """A Sequence's batches pass after pass, as tf_keras' OrderedEnqueuer feeds them to its
    loops: an epoch takes the next `steps` of them, each pass in an order reshuffled in place
    by Python's `random` when `shuffle`, `on_epoch_end()` called after each pass."""
    order = list(range(len(sequence)))
    while True:
        if shuffle:
            random.shuffle(order)
        for i in order:
            yield sequence[i]
        sequence.on_epoch_end()


def _take(sample_weight, idx):
    if isinstance(sample_weight, dict):
        return {k: np.asarray(v)[idx] for k, v in sample_weight.items()}
    if isinstance(sample_weight, (list, tuple)):
        return [None if v is None else np.asarray(v)[idx] for v in sample_weight]
    return np.asarray(sample_weight)[idx]


def split_validation(x, y, sample_weight, validation_split):
    """The last `validation_split` of the arrays set apart, as Keras cuts them."""
    if is_dataset(x) or is_generator(x):
        raise ValueError("`validation_split` argument is not supported when input `x` is a "
                         "dataset or a dataset iterator. Received: x=%s, validation_split=%f"
                         % (x, validation_split))
    xs, ys = as_list(x), as_list(y)
    cut = int(len(xs[0]) * (1.0 - validation_split))
    sw = sample_weight
    head = None if sw is None else _take(sw, np.arange(cut))
    tail = None if sw is None else _take(sw, np.arange(cut, len(xs[0])))
    return ([a[:cut] for a in xs], [a[:cut] for a in ys], head,
            ([a[cut:] for a in xs], [a[cut:] for a in ys], tail))


def _batch_shuffle(order, batch):
    """`shuffle="batch"` (for HDF5 data): whole batches shuffled in place, the last partial
    batch kept at the end, drawing from NumPy's global generator as tf_keras does."""
    whole = len(order) // batch * batch
    blocks = order[:whole].reshape(-1, batch)  # (batches, batch)
    np.random.shuffle(blocks)
    return np.append(blocks.reshape(-1), order[whole:])
