"""Small `tf.keras.layers`: Identity, Rescaling, CenterCrop and Resizing.

>>> import scopeflow as tf
>>> tf.keras.layers.Rescaling(1 / 255.0)(tf.placeholder(tf.float32, [None, 4])).name
'rescaling/add:0'
"""

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.layers.core import tf_api


class Identity(Layer):
    """Its input, unchanged (an `Identity` op)."""

    def call(self, inputs):
        return tf_api().identity(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape


class Rescaling(Layer):
    """`inputs * scale + offset` in the layer's dtype."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        tf = tf_api()
        dtype = self.dtype or "float32"
        inputs = tf.cast(inputs, dtype)
        scale, offset = tf.cast(self.scale, dtype), tf.cast(self.offset, dtype)
        return tf.cast(inputs, dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), scale=self.scale, offset=self.offset)


class CenterCrop(Layer):
    """The central `height` x `width` window of (batch, rows, cols, channels) images."""

    def __init__(self, height, width, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = height, width

    def call(self, inputs):
        # a smaller image is resized up (its centre at the target's aspect ratio), in a cond
        # as Keras builds it
        tf = tf_api()
        shape = tf.shape(inputs)
        h_diff, w_diff = shape[-3] - self.height, shape[-2] - self.width

        def crop():
            top, left = tf.cast(h_diff / 2, "int32"), tf.cast(w_diff / 2, "int32")
            return tf.image.crop_to_bounding_box(inputs, top, left, self.height, self.width)

        return tf.cond(tf.reduce_all((h_diff >= 0, w_diff >= 0)), crop,
                       lambda: _smart_resize(inputs, self.height, self.width))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return dict(super().get_config(), height=self.height, width=self.width)


def _resize(images, height, width, method="bilinear"):
    """TF 2's `tf.image.resize` without antialiasing: TF 1's kernels with half-pixel centres
    (area without), under a `resize` name scope."""
    tf = tf_api()
    kernels = {"bilinear": tf.image.resize_bilinear, "nearest": tf.image.resize_nearest_neighbor,
               "bicubic": tf.image.resize_bicubic}
    with tf.name_scope("resize"):
        if method == "area":
            return tf.image.resize_area(images, [height, width])
        if method not in kernels:
            raise NotImplementedError("Resizing with interpolation %r" % (method,))
        return kernels[method](images, [height, width], half_pixel_centers=True)


def _smart_resize(images, height, width, method="bilinear"):
    """The largest centred window of the target's aspect ratio, resized."""
    tf = tf_api()
    shape = tf.shape(images)
    h, w = tf.cast(shape[-3], "float32"), tf.cast(shape[-2], "float32")
    crop_h = tf.cast(tf.minimum(h, w * height / width), "int32")
    crop_w = tf.cast(tf.minimum(w, h * width / height), "int32")
    top = tf.cast((h - tf.cast(crop_h, "float32")) / 2, "int32")
    left = tf.cast((w - tf.cast(crop_w, "float32")) / 2, "int32")
    window = tf.image.crop_to_bounding_box(images, top, left, crop_h, crop_w)
    return tf.cast(_resize(window, height, width, method), images.dtype)


class Resizing(Layer):
    """Images resized to `height` x `width` (first cropped to that aspect ratio when
    `crop_to_aspect_ratio`)."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = height, width
        self.interpolation, self.crop_to_aspect_ratio = interpolation, crop_to_aspect_ratio

    def call(self, inputs):
        tf = tf_api()
        dtype = self.dtype or "float32"
        inputs = tf.cast(inputs, dtype if self.interpolation == "nearest" else "float32")
        resize = _smart_resize if self.crop_to_aspect_ratio else _resize
        return tf.cast(resize(inputs, self.height, self.width, self.interpolation), dtype)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return dict(super().get_config(), height=self.height, width=self.width,
                    interpolation=self.interpolation,
                    crop_to_aspect_ratio=self.crop_to_aspect_ratio)
