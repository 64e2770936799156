"""`tf.image`: decoding and encoding image files (PNG, JPEG, GIF, BMP), resizing,
non_max_suppression, crop_and_resize, cropping / padding, flips, rotations, brightness,
contrast, gamma, hue, saturation, colour spaces (HSV, YIQ, YUV), standardization."""

from scopeflow.io.image_ops import (  # noqa: F401
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    is_jpeg,
)
from scopeflow.ops.image_adjust import (  # noqa: F401
    adjust_brightness,
    adjust_contrast,
    central_crop,
    convert_image_dtype,
    crop_to_bounding_box,
    flip_left_right,
    flip_up_down,
    pad_to_bounding_box,
    per_image_standardization,
    random_brightness,
    random_contrast,
    random_flip_left_right,
    random_flip_up_down,
    resize_image_with_crop_or_pad,
    rgb_to_grayscale,
)
from scopeflow.ops.image_color import (  # noqa: F401
    adjust_hue,
    adjust_saturation,
    hsv_to_rgb,
    random_hue,
    random_saturation,
    rgb_to_hsv,
)
from scopeflow.ops.image_crop import crop_and_resize  # noqa: F401
from scopeflow.ops.image_draw import draw_bounding_boxes  # noqa: F401
from scopeflow.ops.image_glimpse import extract_glimpse  # noqa: F401
from scopeflow.ops.image_quality import image_gradients, psnr, sobel_edges, ssim  # noqa: F401
from scopeflow.ops.image_pad_resize import resize_image_with_pad  # noqa: F401
from scopeflow.ops.image_patches import extract_image_patches, extract_patches  # noqa: F401
from scopeflow.ops.image_nms import non_max_suppression  # noqa: F401
from scopeflow.ops.image_sample_box import sample_distorted_bounding_box  # noqa: F401
from scopeflow.ops.image_transform import (  # noqa: F401
    adjust_gamma,
    grayscale_to_rgb,
    rgb_to_yiq,
    rgb_to_yuv,
    rot90,
    total_variation,
    transpose,
    yiq_to_rgb,
    yuv_to_rgb,
)
from scopeflow.ops.image_resize import (  # noqa: F401
    ResizeMethod,
    resize_bilinear,
    resize_images,
    resize_nearest_neighbor,
)
from scopeflow.ops.image_resize_cubic import resize_area, resize_bicubic  # noqa: F401

from scopeflow.ops.sampling import random_crop  # noqa: F401

resize = resize_images  # TF1: tf.image.resize is resize_images

resize_with_crop_or_pad = resize_image_with_crop_or_pad
transpose_image = transpose  # TF1's other name
