"""`tf_slim.layers.layers`: every slim layer function under its tf_slim module path."""
# ruff: noqa: F401 - re-exports

from scopeflow.slim import initializers, regularizers, utils
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.layers.base import (
    avg_pool2d,
    conv1d,
    conv2d,
    conv2d_transpose,
    conv3d,
    convolution,
    convolution1d,
    convolution2d,
    convolution2d_transpose,
    convolution3d,
    dropout,
    flatten,
    fully_connected,
    max_pool2d,
    one_hot_encoding,
    repeat,
    stack,
)
from scopeflow.slim.layers.batchnorm import batch_norm
from scopeflow.slim.layers.extra import (
    avg_pool3d,
    bias_add,
    elu,
    layer_norm,
    linear,
    max_pool3d,
    relu,
    relu6,
    softmax,
)
from scopeflow.slim.layers.gdn import GDN, gdn
from scopeflow.slim.layers.legacy import (
    dense_to_sparse,
    legacy_fully_connected,
    legacy_linear,
    legacy_relu,
    scale_gradient,
)
from scopeflow.slim.layers.more import (
    _inner_flatten,
    images_to_sequence,
    maxout,
    poincare_normalize,
    separable_conv2d,
    separable_convolution2d,
    sequence_to_images,
    unit_norm,
)
from scopeflow.slim.layers.spatial import (
    conv2d_in_plane,
    conv3d_transpose,
    convolution2d_in_plane,
    convolution3d_transpose,
    pool,
    spatial_softmax,
)

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"
DATA_FORMAT_NCDHW = "NCDHW"
DATA_FORMAT_NDHWC = "NDHWC"
