"""`tf.keras.layers.Normalization` as TF1 graph mode has it: a fixed `mean` and `variance`
(`adapt` needs TF 2 behaviour, and says so), or the zero-mean, unit-variance weights that
`adapt` would fill.

>>> import scopeflow as tf
>>> n = tf.keras.layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
>>> n(tf.placeholder(tf.float32, [None, 2])).name
'normalization/truediv:0'
"""

import numpy as np

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class PreprocessingLayer(Layer):
    """`tf.keras.layers.experimental.preprocessing.PreprocessingLayer`: the base of the layers
    that `adapt` fills (Normalization, Discretization); in TF1 graph mode `adapt` raises."""

    _is_adapted = False

    @property
    def is_adapted(self):
        return self._is_adapted

    def update_state(self, data):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def finalize_state(self):
        pass

    def adapt(self, data, batch_size=None, steps=None):
        raise RuntimeError("`adapt` is only supported in tensorflow v2.")


class Normalization(PreprocessingLayer):
    """`(x - mean) / max(sqrt(variance), epsilon)` per kept axis (the inverse with `invert`)."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             "set. Got mean: {} and variance: {}".format(mean, variance))
        self.input_mean, self.input_variance, self.invert = mean, variance, invert

    def build(self, input_shape):
        tf = tf_api()
        dims = input_shape.as_list()
        ndim = len(dims)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Found ndim: "
                             "`{}`, axis: {}".format(ndim, self.axis))
        keep = sorted(d if d >= 0 else d + ndim for d in self.axis)
        shape = tuple(dims[d] for d in keep)
        broadcast = [dims[d] if d in keep else 1 for d in range(ndim)]
        if self.input_mean is None:  # what adapt would fill: zeros, ones, a count
            self.adapt_mean = self.add_weight("mean", shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight("count", (), dtype="int64", initializer="zeros",
                                         trainable=False)
            mean, variance = self.adapt_mean, self.adapt_variance
        else:
            mean = self.input_mean * np.ones(shape)
            variance = self.input_variance * np.ones(shape)
        self.mean = tf.cast(tf.reshape(mean, broadcast), "float32")
        self.variance = tf.cast(tf.reshape(variance, broadcast), "float32")
        self.built = True

    def call(self, inputs):
        from scopeflow.keras.backend import epsilon
        tf = tf_api()
        inputs = tf.cast(tf.convert_to_tensor(inputs), "float32")
        scale = tf.maximum(tf.sqrt(self.variance), epsilon())
        if self.invert:
            return self.mean + inputs * scale
        return (inputs - self.mean) / scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def listed(v):
            return np.asarray(v).tolist() if isinstance(v, np.ndarray) else v

        return dict(super().get_config(), axis=self.axis, invert=self.invert,
                    mean=listed(self.input_mean), variance=listed(self.input_variance))


def _encode(inputs, output_mode, depth, dtype, count_weights=None):
    """Keras' encode_categorical_inputs (dense): "int" as is (an Identity), else one-hot,
    multi-hot or counts per row through a DenseBincount of `depth` bins."""
    tf = tf_api()
    if output_mode == "int":
        return tf.identity(tf.cast(inputs, dtype))
    if inputs.shape.ndims == 0 or (output_mode == "one_hot" and inputs.shape[-1] != 1):
        inputs = tf.expand_dims(inputs, -1)
    if inputs.shape.ndims > 2:
        raise ValueError("When output_mode is not `'int'`, maximum supported output rank is 2. "
                         "Received output_mode %s and input shape %s, which would result in "
                         "output rank %d." % (output_mode, inputs.shape, inputs.shape.ndims))
    with tf.name_scope("bincount"):
        weights = tf.constant([], dtype) if count_weights is None else count_weights
        out = tf.raw_ops.DenseBincount(input=tf.cast(inputs, "int32") if inputs.dtype not in (
            tf.int32, tf.int64) else inputs, size=tf.constant(depth, inputs.dtype),
            weights=weights, binary_output=output_mode in ("one_hot", "multi_hot"))
    out.set_shape([inputs.shape.as_list()[0], depth] if inputs.shape.ndims == 2 else [depth])
    return out


class Discretization(PreprocessingLayer):
    """The bucket of each value among `bin_boundaries` (TF1 has no `adapt` for it)."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else "float32")
        super().__init__(**kwargs)
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins, self.epsilon = num_bins, epsilon
        self.output_mode, self.sparse = output_mode, sparse

    def call(self, inputs):
        tf = tf_api()
        indices = tf.raw_ops.Bucketize(input=inputs, boundaries=self.bin_boundaries)
        return _encode(indices, self.output_mode, len(self.bin_boundaries) + 1, self.dtype)

    def get_config(self):
        return dict(super().get_config(), bin_boundaries=self.bin_boundaries,
                    num_bins=self.num_bins, epsilon=self.epsilon,
                    output_mode=self.output_mode, sparse=self.sparse)


class Hashing(Layer):
    """Strings (or integers as strings) hashed into `num_bins` bins with TF's fast hash (with
    `salt`, its keyed SipHash); with `mask_value`, that value is bin 0 and the others hash
    into the rest."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else "float32")
        super().__init__(**kwargs)
        if salt is not None and not (isinstance(salt, int) or (
                isinstance(salt, (tuple, list)) and len(salt) == 2)):
            raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size 2 "
                             "integers, or a single integer. Received: salt=%s." % (salt,))
        if isinstance(salt, int):  # (the config holds the key pair, as tf_keras')
            salt = [salt, salt]
        self.num_bins, self.mask_value, self.salt = num_bins, mask_value, salt
        self.output_mode, self.sparse = output_mode, sparse

    def call(self, inputs):
        tf = tf_api()
        values = tf.convert_to_tensor(inputs)
        bins, mask = self.num_bins, None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = tf.equal(values, self.mask_value)
        if values.dtype.is_integer:
            values = tf.as_string(values)
        if self.salt is None:
            values = tf.strings.to_hash_bucket_fast(values, bins, name="hash")
        else:  # keyed: SipHash under the two ints
            values = tf.strings.to_hash_bucket_strong(values, bins, list(self.salt), name="hash")
        if mask is not None:
            values = tf.add(values, tf.ones_like(values))
            values = tf.where(mask, tf.zeros_like(values), values)
        return _encode(values, self.output_mode, self.num_bins, self.dtype)

    def get_config(self):
        return dict(super().get_config(), num_bins=self.num_bins, mask_value=self.mask_value,
                    salt=self.salt, output_mode=self.output_mode, sparse=self.sparse)


class CategoryEncoding(Layer):
    """Integer categories in [0, num_tokens) as one-hot, multi-hot or count rows; an input
    outside that range fails at run time as Keras' Assert."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, sparse

    def call(self, inputs, count_weights=None):
        tf = tf_api()
        inputs = tf.convert_to_tensor(inputs)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 "`'count'`. Received `count_weights={count_weights}`.")
            count_weights = tf.cast(count_weights, self.dtype or "float32")
        top, bottom = tf.reduce_max(inputs), tf.reduce_min(inputs)
        ok = tf.logical_and(tf.greater(tf.cast(self.num_tokens, top.dtype), top),
                            tf.greater_equal(bottom, tf.cast(0, bottom.dtype)))
        check = tf.Assert(ok, ["Input values must be in the range 0 <= values < num_tokens "
                               "with num_tokens={}".format(self.num_tokens)])
        with tf.control_dependencies([check]):
            return _encode(inputs, self.output_mode, self.num_tokens,
                           self.dtype or "float32", count_weights)

    def get_config(self):
        return dict(super().get_config(), num_tokens=self.num_tokens,
                    output_mode=self.output_mode, sparse=self.sparse)
