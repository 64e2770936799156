"""`tf.layers` pooling: max and average over 1, 2 or 3 spatial dimensions."""

from scopeflow.layers.base import InputSpec, Layer
from scopeflow.layers.conv import normalize_tuple
from scopeflow.layers.core import tf_api
from scopeflow.layers.utils import normalize_padding

# (rank, kind) -> tf.nn function name
_POOL_FN = {(2, "max"): "max_pool", (2, "avg"): "avg_pool",
            (3, "max"): "max_pool3d", (3, "avg"): "avg_pool3d"}
_FORMATS = {2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


class Pooling(Layer):
    """Pooling over `rank` spatial dimensions with window `pool_size`."""

    rank, kind = 2, "max"

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else pool_size,
                                       self.rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        tf = tf_api()
        first = self.data_format == "channels_first"
        if self.rank == 1:  # pooled as 2-D over (time, 1)
            axis = 3 if first else 2
            x = tf.expand_dims(inputs, axis)
            out = self._pool(x, self.pool_size + (1,), self.strides + (1,), 2, first)
            return tf.squeeze(out, axis)
        return self._pool(inputs, self.pool_size, self.strides, self.rank, first)

    def _pool(self, x, size, strides, rank, first):
        fn = getattr(tf_api().nn, _POOL_FN[rank, self.kind])
        if rank == 3 and first:  # as TF: NCDHW pools as NDHWC between two transposes
            x = tf_api().transpose(x, (0, 2, 3, 4, 1))
            out = fn(x, ksize=[1, *size, 1], strides=[1, *strides, 1],
                     padding=self.padding.upper(), data_format="NDHWC")
            return tf_api().transpose(out, (0, 4, 1, 2, 3))
        window = (1, 1) + size if first else (1,) + size + (1,)
        step = (1, 1) + strides if first else (1,) + strides + (1,)
        return fn(x, ksize=list(window), strides=list(step), padding=self.padding.upper(),
                  data_format=_FORMATS[rank][first])


def _make(name, rank, kind):
    cls = type(name, (Pooling,), {"rank": rank, "kind": kind,
                                  "__doc__": "`tf.layers.%s`." % name})

    def layer_fn(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None):
        return cls(pool_size, strides, padding=padding, data_format=data_format,
                   name=name)(inputs)

    layer_fn.__doc__ = "`tf.layers.%s` applied once." % name
    return cls, layer_fn


MaxPooling1D, max_pooling1d = _make("MaxPooling1D", 1, "max")
MaxPooling2D, max_pooling2d = _make("MaxPooling2D", 2, "max")
MaxPooling3D, max_pooling3d = _make("MaxPooling3D", 3, "max")
AveragePooling1D, average_pooling1d = _make("AveragePooling1D", 1, "avg")
AveragePooling2D, average_pooling2d = _make("AveragePooling2D", 2, "avg")
AveragePooling3D, average_pooling3d = _make("AveragePooling3D", 3, "avg")
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
