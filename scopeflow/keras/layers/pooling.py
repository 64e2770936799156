"""Keras pooling: Max/Average 1D/2D/3D and the global poolings.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 8, 8, 3])
>>> tf.keras.layers.MaxPooling2D()(x).name
'max_pooling2d/MaxPool:0'
"""

from scopeflow.keras import backend as K
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers import pooling as _tl
from scopeflow.layers.core import tf_api


def _pool_class(name, base, default_size):
    def __init__(self, pool_size=default_size, strides=None, padding="valid", data_format=None,
                 **kwargs):
        base.__init__(self, pool_size, strides, padding=padding,
                      data_format=data_format or K.image_data_format(), **kwargs)

    return type(name, (base, Layer), {"__init__": __init__,
                                      "__doc__": "`tf.keras.layers.%s`." % name})


MaxPooling1D = _pool_class("MaxPooling1D", _tl.MaxPooling1D, 2)
MaxPooling2D = _pool_class("MaxPooling2D", _tl.MaxPooling2D, (2, 2))
MaxPooling3D = _pool_class("MaxPooling3D", _tl.MaxPooling3D, (2, 2, 2))
AveragePooling1D = _pool_class("AveragePooling1D", _tl.AveragePooling1D, 2)
AveragePooling2D = _pool_class("AveragePooling2D", _tl.AveragePooling2D, (2, 2))
AveragePooling3D = _pool_class("AveragePooling3D", _tl.AveragePooling3D, (2, 2, 2))
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D


class _GlobalPooling(Layer):
    rank, reduce = 2, "reduce_mean"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()
        self.keepdims = keepdims

    def call(self, inputs, mask=None):
        tf = tf_api()
        first = self.data_format == "channels_first"
        axes = list(range(2, 2 + self.rank)) if first else list(range(1, 1 + self.rank))
        if mask is not None and self.rank == 1 and self.reduce == "reduce_mean":
            # the mean over the unmasked steps only
            w = tf.cast(mask, inputs.dtype)  # (batch, steps)
            w = tf.expand_dims(w, 1 if first else 2)
            total = tf.reduce_sum(inputs * w, axis=axes, keepdims=self.keepdims)
            return total / tf.reduce_sum(w, axis=axes, keepdims=self.keepdims)
        return getattr(tf, self.reduce)(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


def _global_class(name, rank, reduce):
    return type(name, (_GlobalPooling,), {"rank": rank, "reduce": reduce,
                                          "__doc__": "`tf.keras.layers.%s`." % name})


GlobalAveragePooling1D = _global_class("GlobalAveragePooling1D", 1, "reduce_mean")
GlobalAveragePooling2D = _global_class("GlobalAveragePooling2D", 2, "reduce_mean")
GlobalAveragePooling3D = _global_class("GlobalAveragePooling3D", 3, "reduce_mean")
GlobalMaxPooling1D = _global_class("GlobalMaxPooling1D", 1, "reduce_max")
GlobalMaxPooling2D = _global_class("GlobalMaxPooling2D", 2, "reduce_max")
GlobalMaxPooling3D = _global_class("GlobalMaxPooling3D", 3, "reduce_max")
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
