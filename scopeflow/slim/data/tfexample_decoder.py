"""tf_slim.data.tfexample_decoder: decoding serialized tf.train.Example / SequenceExample
protos into items through item handlers (tensors, sparse tensors, images, bounding boxes).

>>> import scopeflow as tf
>>> decoder = TFExampleDecoder({"x": tf.FixedLenFeature([2], tf.int64)}, {"x": Tensor("x")})
>>> decoder.list_items()
['x']
"""

import abc

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api as tf
from scopeflow.slim.data import data_decoder


def _is_sparse(x):
    return isinstance(x, tf().SparseTensor)


def _sparse_reshape(sp, shape):
    """TF's sparse_reshape: the same values at the row-major positions of `shape` (one -1
    allowed)."""
    t = tf()
    old_shape = t.cast(sp.dense_shape, _dt.int64)
    shape = t.cast(t.reshape(shape, [-1]), _dt.int64)
    total = t.reduce_prod(old_shape)
    known = t.reduce_prod(t.where(t.equal(shape, -1), t.ones_like(shape), shape))
    shape = t.where(t.equal(shape, -1), t.fill(t.shape(shape), total // known), shape)

    def strides(s):  # row-major strides of a dense shape: (rank,)
        return t.cumprod(s, exclusive=True, reverse=True)

    flat = t.reduce_sum(sp.indices * strides(old_shape), axis=1, keepdims=True)  # (n, 1)
    new_indices = (flat // strides(shape)) % shape
    return t.SparseTensor(new_indices, sp.values, shape)


def _stack_sparse(parts, default_value, dense):
    """tf.sparse.concat along a new last axis of rank-2 sparse tensors of one layout: the
    (frames, items, len(parts)) SparseTensor, or its dense form."""
    t = tf()
    indices, values = [], []
    for i, part in enumerate(parts):
        column = t.fill(t.stack([t.shape(part.indices)[0], 1]), t.constant(i, _dt.int64))
        indices.append(t.concat([part.indices, column], 1))
        values.append(part.values)
    shape = t.concat([parts[0].dense_shape, t.constant([len(parts)], _dt.int64)], 0)
    for part in parts[1:]:
        shape = t.maximum(shape, t.concat([part.dense_shape,
                                           t.constant([len(parts)], _dt.int64)], 0))
    stacked = t.sparse_reorder(t.SparseTensor(t.concat(indices, 0), t.concat(values, 0), shape))
    if dense:
        return t.sparse_tensor_to_dense(stacked, default_value=default_value)
    return stacked


class ItemHandler(abc.ABC):
    """Maps the parsed features of `keys` to one item."""

    def __init__(self, keys):
        if not isinstance(keys, (tuple, list)):
            keys = [keys]
        self._keys = keys

    @property
    def keys(self):
        return self._keys

    @abc.abstractmethod
    def tensors_to_item(self, keys_to_tensors):
        """The item made from {key: parsed tensor}."""


class ItemHandlerCallback(ItemHandler):
    """The item is `func({key: parsed tensor})`."""

    def __init__(self, keys, func):
        super().__init__(keys)
        self._func = func

    def tensors_to_item(self, keys_to_tensors):
        return self._func(keys_to_tensors)


class BoundingBox(ItemHandler):
    """Four coordinate features (ymin, xmin, ymax, xmax by default, after `prefix`) as one
    (num_boxes, 4) tensor."""

    def __init__(self, keys=None, prefix=""):
        if keys is None:
            keys = ["ymin", "xmin", "ymax", "xmax"]
        elif len(keys) != 4:
            raise ValueError("BoundingBox expects 4 keys but got {}".format(len(keys)))
        self._prefix = prefix
        self._full_keys = [prefix + k for k in keys]
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        t = tf()
        sides = []
        for key in self._full_keys:
            side = keys_to_tensors[key]
            sides.append(t.expand_dims(side.values if _is_sparse(side) else side, 0))
        return t.transpose(t.concat(sides, 0))


class Tensor(ItemHandler):
    """One parsed feature, reshaped to `shape` or to the values of the `shape_keys` features;
    sparse features are made dense with `default_value`."""

    def __init__(self, tensor_key, shape_keys=None, shape=None, default_value=0):
        if shape_keys and shape is not None:
            raise ValueError("Cannot specify both shape_keys and shape parameters.")
        if shape_keys and not isinstance(shape_keys, list):
            shape_keys = [shape_keys]
        self._tensor_key = tensor_key
        self._shape_keys = shape_keys
        self._shape = shape
        self._default_value = default_value
        super().__init__([tensor_key] + list(shape_keys or []))

    def tensors_to_item(self, keys_to_tensors):
        t = tf()
        tensor = keys_to_tensors[self._tensor_key]
        shape = self._shape
        if self._shape_keys:
            dims = [t.sparse_tensor_to_dense(d) if _is_sparse(d) else d
                    for d in (keys_to_tensors[k] for k in self._shape_keys)]
            shape = t.reshape(t.stack(dims), [-1])
        if _is_sparse(tensor):
            if shape is not None:
                tensor = _sparse_reshape(tensor, shape)
            return t.sparse_tensor_to_dense(tensor, self._default_value)
        if shape is not None:
            return t.reshape(tensor, shape)
        return tensor


class LookupTensor(Tensor):
    """A Tensor item mapped through `table.lookup`."""

    def __init__(self, tensor_key, table, shape_keys=None, shape=None, default_value=""):
        self._table = table
        super().__init__(tensor_key, shape_keys, shape, default_value)

    def tensors_to_item(self, keys_to_tensors):
        return self._table.lookup(super().tensors_to_item(keys_to_tensors))


class BackupHandler(ItemHandler):
    """The item of `handler`, or of `backup` where that item has no elements."""

    def __init__(self, handler, backup):
        if not isinstance(handler, ItemHandler):
            raise ValueError("Primary handler is of type %s instead of ItemHandler"  # noqa: TRY004
                             % type(handler))
        if not isinstance(backup, ItemHandler):
            raise ValueError("Backup handler is of type %s instead of ItemHandler"  # noqa: TRY004
                             % type(backup))
        self._handler = handler
        self._backup = backup
        super().__init__(handler.keys + backup.keys)

    def tensors_to_item(self, keys_to_tensors):
        t = tf()
        item = self._handler.tensors_to_item(keys_to_tensors)
        return t.cond(pred=t.equal(t.reduce_prod(t.shape(item)), 0),
                      true_fn=lambda: self._backup.tensors_to_item(keys_to_tensors),
                      false_fn=lambda: item)


class SparseTensor(ItemHandler):
    """A SparseTensor whose last index is the value of the `indices_key` feature and whose
    values are the `values_key` feature (dense with `densify`)."""

    def __init__(self, indices_key=None, values_key=None, shape_key=None, shape=None,
                 densify=False, default_value=0):
        self._indices_key = indices_key = indices_key or "indices"
        self._values_key = values_key = values_key or "values"
        self._shape_key = shape_key
        self._shape = shape
        self._densify = densify
        self._default_value = default_value
        super().__init__([indices_key, values_key] + ([shape_key] if shape_key else []))

    def tensors_to_item(self, keys_to_tensors):
        t = tf()
        indices = keys_to_tensors[self._indices_key]
        values = keys_to_tensors[self._values_key]
        if self._shape_key:
            shape = keys_to_tensors[self._shape_key]
            if _is_sparse(shape):
                shape = t.sparse_tensor_to_dense(shape)
        elif self._shape:
            shape = self._shape
        else:
            shape = indices.dense_shape
        rank = t.shape(indices.indices)[1]
        ids = t.cast(indices.values, _dt.int64)
        kept = t.slice(indices.indices, [0, 0], t.stack([-1, rank - 1]))
        new_indices = t.concat([kept, t.reshape(ids, [-1, 1])], 1)
        tensor = t.SparseTensor(new_indices, values.values, shape)
        if self._densify:
            return t.sparse_tensor_to_dense(tensor, self._default_value)
        return tensor


class Image(ItemHandler):
    """An encoded image feature decoded by its format feature: 'raw'/'RAW' bytes, JPEG (with
    `dct_method`), or any format decode_image knows; `repeated` decodes a list of images."""

    def __init__(self, image_key=None, format_key=None, shape=None, channels=3,
                 dtype=_dt.uint8, repeated=False, dct_method=""):
        image_key = image_key or "image/encoded"
        format_key = format_key or "image/format"
        super().__init__([image_key, format_key])
        self._image_key = image_key
        self._format_key = format_key
        self._shape = shape
        self._channels = channels
        self._dtype = dtype
        self._repeated = repeated
        self._dct_method = dct_method

    def tensors_to_item(self, keys_to_tensors):
        image_buffer = keys_to_tensors[self._image_key]
        image_format = keys_to_tensors[self._format_key]
        if self._repeated:
            t = tf()
            count = image_buffer.shape.as_list()[0] if image_buffer.shape.ndims == 1 else None
            if count is not None:
                # a known number of images: one decode each (TF maps them with map_fn, whose
                # loop cannot hold scopeflow's host decoders)
                return t.stack([self._decode(x, image_format)
                                for x in t.unstack(image_buffer, count)])
            return t.map_fn(lambda x: self._decode(x, image_format), image_buffer,
                            dtype=self._dtype)
        return self._decode(image_buffer, image_format)

    def _decode(self, image_buffer, image_format):
        t = tf()

        def decode_image():
            return t.cast(t.image.decode_image(image_buffer, channels=self._channels),
                          self._dtype)

        def decode_jpeg():
            return t.cast(t.image.decode_jpeg(image_buffer, channels=self._channels,
                                              dct_method=self._dct_method), self._dtype)

        def check_jpeg():
            is_jpeg = t.equal(t.substr(image_buffer, 0, 3), b"\xff\xd8\xff", name="is_jpeg")
            return t.cond(is_jpeg, decode_jpeg, decode_image, name="cond_jpeg")

        def decode_raw():
            return t.decode_raw(image_buffer, out_type=self._dtype)

        is_raw = t.logical_or(t.equal(image_format, "raw"), t.equal(image_format, "RAW"))
        # one predicate: exclusive=True would only add a check that cannot fail (and whose
        # assert makes scopeflow run the host ops before it twice)
        image = t.case([(is_raw, decode_raw)], default=check_jpeg, exclusive=False)
        image.set_shape([None, None, self._channels])
        if self._shape is not None:
            image = t.reshape(image, self._shape)
        return image


class BoundingBoxSequence(ItemHandler):
    """Four sparse (frames, boxes) coordinate features as (frames, boxes, 4) boxes, dense
    (missing boxes `default_value`) unless return_dense=False."""

    _NAMES = ("ymin", "xmin", "ymax", "xmax")

    def __init__(self, keys=None, prefix=None, return_dense=True, default_value=-1.0):
        n = len(self._NAMES)
        if keys is None:
            keys = list(self._NAMES)
        elif len(keys) != n:
            raise ValueError("%s expects %d keys but got %d"
                             % (type(self).__name__, n, len(keys)))
        self._prefix = prefix
        self._full_keys = [prefix + k for k in keys]
        self._return_dense = return_dense
        self._default_value = default_value
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        parts = [keys_to_tensors[k] for k in self._full_keys]
        return _stack_sparse(parts, self._default_value, self._return_dense)


class KeypointsSequence(BoundingBoxSequence):
    """Two sparse (frames, points) coordinate features (y, x) as (frames, points, 2)."""

    _NAMES = ("y", "x")


class NumBoxesSequence(ItemHandler):
    """The number of boxes in each frame of sparse (frames, boxes) features, checked equal
    across `keys` with check_consistency."""

    def __init__(self, keys=None, check_consistency=True):
        if not keys:
            raise ValueError("keys must not be empty.")
        self._check_consistency = check_consistency
        super().__init__(keys)

    def tensors_to_item(self, keys_to_tensors):
        t = tf()

        def num_boxes(tensor):
            if not _is_sparse(tensor):
                raise ValueError("tensor must be of type tf.SparseTensor.")
            box_ids = t.SparseTensor(indices=tensor.indices, values=tensor.indices[:, 1],
                                     dense_shape=tensor.dense_shape)
            box_ids = t.sparse_tensor_to_dense(box_ids, default_value=-1)
            return t.reduce_max(t.pad(box_ids + 1, [[0, 0], [0, 1]]), axis=1)

        first = num_boxes(keys_to_tensors[self._keys[0]])
        checks = []
        if self._check_consistency:
            checks = [t.assert_equal(first, num_boxes(keys_to_tensors[k]))
                      for k in self._keys[1:]]
        with t.control_dependencies(checks):
            return t.identity(first)


def _decode_items(handlers, items, features):
    outputs = []
    for item in items or handlers.keys():
        handler = handlers[item]
        outputs.append(handler.tensors_to_item({key: features(key) for key in handler.keys}))
    return outputs


class TFExampleDecoder(data_decoder.DataDecoder):
    """Parses a serialized tf.train.Example with `keys_to_features` and makes each item with
    its handler in `items_to_handlers`."""

    def __init__(self, keys_to_features, items_to_handlers):
        self._keys_to_features = keys_to_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return list(self._items_to_handlers.keys())

    def decode(self, serialized_example, items=None):
        """The tensors of `items` (all items when None) of one serialized Example."""
        t = tf()
        example = t.parse_single_example(serialized_example, self._keys_to_features)
        for k in sorted(self._keys_to_features):
            v = self._keys_to_features[k]
            if isinstance(v, t.FixedLenFeature):
                example[k] = t.reshape(example[k], v.shape)
        return _decode_items(self._items_to_handlers, items, example.__getitem__)


class TFSequenceExampleDecoder(data_decoder.DataDecoder):
    """Parses a serialized tf.train.SequenceExample (context and sequence features, whose keys
    must differ) and makes each item with its handler."""

    def __init__(self, keys_to_context_features, keys_to_sequence_features, items_to_handlers):
        keys = set(keys_to_context_features) | set(keys_to_sequence_features)
        if len(keys) != len(keys_to_context_features) + len(keys_to_sequence_features):
            raise ValueError("Context and sequence keys are not unique. \n Context keys: %s \n "
                             "Sequence keys: %s" % (list(keys_to_context_features.keys()),
                                                    list(keys_to_sequence_features.keys())))
        self._keys_to_context_features = keys_to_context_features
        self._keys_to_sequence_features = keys_to_sequence_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return self._items_to_handlers.keys()

    def decode(self, serialized_example, items=None):
        """The tensors of `items` (all items when None) of one serialized SequenceExample."""
        t = tf()
        context, feature_list = t.parse_single_sequence_example(
            serialized_example, self._keys_to_context_features,
            self._keys_to_sequence_features)
        for k, v in self._keys_to_context_features.items():
            if isinstance(v, t.FixedLenFeature):
                context[k] = t.reshape(context[k], v.shape)
        return _decode_items(self._items_to_handlers, items,
                             lambda key: context[key] if key in context else feature_list[key])
