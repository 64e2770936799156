"""`tf.image`: decoding and encoding image files (PNG, JPEG, GIF, BMP), non_max_suppression."""

from scopeflow.io.image_ops import (  # noqa: F401
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    is_jpeg,
)
from scopeflow.ops.image_nms import non_max_suppression  # noqa: F401,E402
