"""`tf.image`: decoding and encoding image files (PNG, JPEG, GIF, BMP)."""

from scopeflow.io.image_ops import (  # noqa: F401
    decode_image, decode_jpeg, decode_png, encode_png,
)
