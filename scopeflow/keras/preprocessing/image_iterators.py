"""The iterators of `tf.keras.preprocessing.image`: `Iterator` (index batches, shuffled per
epoch, NumPy reseeded per batch with a `seed` as tf_keras does) and `NumpyArrayIterator`
(`ImageDataGenerator.flow`), both `keras.utils.Sequence`s."""

import threading
import warnings

import numpy as np

from scopeflow.keras.preprocessing.image_ops import array_to_img
from scopeflow.keras.utils import Sequence


class Iterator(Sequence):
    """Batches of indices into `n` samples (a fresh permutation each epoch with `shuffle`),
    by index (`__getitem__`) or as a never-ending iterator (`next`); `seed` reseeds NumPy
    before each batch with `seed + batches seen`."""

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed):
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError("Asked to retrieve element %s, but the Sequence has length %s"
                             % (idx, len(self)))
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        return self._get_batches_of_transformed_samples(
            self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            start = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            self.total_batches_seen += 1
            yield self.index_array[start:start + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self, *args, **kwargs):
        return self.next(*args, **kwargs)

    def next(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError


def _same_length(what, x, other, other_name):
    if other is not None and len(x) != len(other):
        raise ValueError("`x` (images tensor) and %s should have the same length. Found: "
                         "x.shape = %s, %s.shape = %s" % (what, np.asarray(x).shape,
                                                          other_name, np.asarray(other).shape))


def channels_warning(lead, data_format, axis, shape, choices):
    """Keras' warning for images whose channel axis holds other than 1, 3 or 4 channels."""
    if shape[axis] not in (1, 3, 4):
        warnings.warn(lead + ' data format convention "' + data_format + '" (channels on '
                      "axis " + str(axis) + "), i.e. expected either " + choices +
                      " channels on axis " + str(axis) + ". However, it was passed an array "
                      "with shape " + str(shape) + " (" + str(shape[axis]) + " channels).")


class NumpyArrayIterator(Iterator):
    """`ImageDataGenerator.flow`: batches of the images (augmented, then standardized), with
    their labels, sample weights and any extra arrays given as `x = (images, [arrays])`."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        from scopeflow.keras import backend
        data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        x_misc = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(a) for a in x[1]] if isinstance(x[1], list) else \
                [np.asarray(x[1])]
            x = x[0]
            for a in x_misc:
                if len(x) != len(a):
                    raise ValueError("All of the arrays in `x` should have the same length. "
                                     "Found a pair with: len(x[0]) = %s, len(x[?]) = %s"
                                     % (len(x), len(a)))
        _same_length("`y` (labels)", x, y, "y")
        _same_length("`sample_weight`", x, sample_weight, "sample_weight")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError("Invalid subset name:", subset,
                                 '; expected "training" or "validation".')
            cut = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and \
                    not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:])):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted "
                                 "by the label, you might want to shuffle them.")
            part = slice(None, cut) if subset == "validation" else slice(cut, None)
            x, x_misc = x[part], [np.asarray(a[part]) for a in x_misc]
            y = None if y is None else y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed "
                             "an array with shape", self.x.shape)
        channels_warning("NumpyArrayIterator is set to use the", data_format,
                         3 if data_format == "channels_last" else 1, self.x.shape, "1, 3, or 4")
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix = save_to_dir, save_prefix
        self.save_format = save_format
        super().__init__(x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            params = gen.get_random_transform(self.x[j].shape)
            batch_x[i] = gen.standardize(gen.apply_transform(self.x[j].astype(self.dtype),
                                                             params))
        if self.save_to_dir:
            import os
            for i, j in enumerate(index_array):
                name = "%s_%s_%s.%s" % (self.save_prefix, j, np.random.randint(1e4),
                                        self.save_format)
                array_to_img(batch_x[i], self.data_format, scale=True).save(
                    os.path.join(self.save_to_dir, name))
        misc = [a[index_array] for a in self.x_misc]
        first = [batch_x] + misc if misc else batch_x
        if self.y is None:
            return first
        out = (first, self.y[index_array])
        return out if self.sample_weight is None else out + (self.sample_weight[index_array],)
