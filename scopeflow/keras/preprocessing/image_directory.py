"""`ImageDataGenerator.flow_from_directory`: `DirectoryIterator`, batches of the image files
of a folder's class subfolders (sorted, or `classes`), read through PIL (`load_img`),
augmented and standardized, with labels by `class_mode`; `subset` takes the first
(validation) or the rest (training) of each class's files by `validation_split`."""

import os
import warnings

import numpy as np

from scopeflow.keras.preprocessing.image_iterators import Iterator
from scopeflow.keras.preprocessing.image_ops import array_to_img, img_to_array, load_img


def _valid_files(directory, formats, follow_links):
    """(folder, name) of each image file under `directory`, folders and names sorted."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda walked: walked[0]):
        for name in sorted(files):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              "Please verify your output.")
            if name.lower().endswith(formats):
                yield root, name


def _class_files(directory, formats, split, class_indices, follow_links):
    """A class folder's (class indices, paths relative to the parent folder)."""
    label = os.path.basename(directory)
    files = list(_valid_files(directory, formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    paths = [os.path.join(label, os.path.relpath(os.path.join(root, name), directory))
             for root, name in files]
    return [class_indices[label]] * len(paths), paths


def _image_shape(target_size, color_mode, data_format):
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError("Invalid color mode:", color_mode,
                         '; expected "rgb", "rgba", or "grayscale".')
    channels = {"rgba": 4, "rgb": 3, "grayscale": 1}[color_mode]
    return target_size + (channels,) if data_format == "channels_last" else \
        (channels,) + target_size


class DirectoryIterator(Iterator):
    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        from scopeflow.keras import backend
        data_format = data_format or backend.image_data_format()
        self.image_data_generator = image_data_generator
        self.target_size, self.keep_aspect_ratio = tuple(target_size), keep_aspect_ratio
        self.image_shape = _image_shape(self.target_size, color_mode, data_format)
        self.color_mode, self.data_format = color_mode, data_format
        self.save_to_dir, self.save_prefix = save_to_dir, save_prefix
        self.save_format, self.interpolation = save_format, interpolation
        self.split = None
        if subset is not None:
            cut = image_data_generator._validation_split
            if subset not in ("validation", "training"):
                raise ValueError('Invalid subset name: %s;expected "training" or "validation"'
                                 % (subset,))
            self.split = (0, cut) if subset == "validation" else (cut, 1)
        self.subset = subset
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError("Invalid class_mode: {}; expected one of: {}".format(
                class_mode, self.allowed_class_modes))
        self.class_mode = class_mode
        self.dtype = dtype or backend.floatx()
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        labels, self.filenames = [], []
        for name in classes:
            found, paths = _class_files(os.path.join(directory, name), self.white_list_formats,
                                        self.split, self.class_indices, follow_links)
            labels += found
            self.filenames += paths
        self.samples = len(self.filenames)
        self.classes = np.array(labels, dtype="int32").reshape(self.samples)
        print("Found %d images belonging to %d classes." % (self.samples, self.num_classes))
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None

    def _get_batches_of_transformed_samples(self, index_array):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(self.filepaths[j], color_mode=self.color_mode,
                           target_size=self.target_size, interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format)
            img.close()
            if gen:
                x = gen.standardize(gen.apply_transform(x, gen.get_random_transform(x.shape)))
            batch_x[i] = x
        if self.save_to_dir:
            for i, j in enumerate(index_array):
                name = "%s_%s_%s.%s" % (self.save_prefix, j, np.random.randint(1e7),
                                        self.save_format)
                array_to_img(batch_x[i], self.data_format, scale=True).save(
                    os.path.join(self.save_to_dir, name))
        return batch_x if self.class_mode is None else (batch_x, self._labels(index_array,
                                                                              batch_x))

    def _labels(self, index_array, batch_x):
        if self.class_mode == "input":
            return batch_x.copy()
        if self.class_mode in ("binary", "sparse"):
            return self.classes[index_array].astype(self.dtype)
        out = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
        out[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
        return out
