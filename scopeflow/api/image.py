"""`tf.image`: decoding and encoding image files (PNG, JPEG, GIF, BMP), resizing,
non_max_suppression."""

from scopeflow.io.image_ops import (  # noqa: F401
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    is_jpeg,
)
from scopeflow.ops.image_nms import non_max_suppression  # noqa: F401,E402
from scopeflow.ops.image_resize import (  # noqa: F401,E402
    ResizeMethod,
    resize_bilinear,
    resize_images,
    resize_nearest_neighbor,
)
from scopeflow.ops.image_resize_cubic import resize_area, resize_bicubic  # noqa: F401

resize = resize_images  # TF1: tf.image.resize is resize_images
