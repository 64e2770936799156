"""TF1 layers (`tf.layers`): Layer base plus dense, convolution, pooling, normalization."""
# ruff: noqa: F401 - re-exports

from scopeflow.layers.base import InputSpec, Layer
from scopeflow.layers.conv import (
                                   Conv1D,
                                   Conv2D,
                                   Conv2DTranspose,
                                   Conv3D,
                                   Conv3DTranspose,
                                   Convolution1D,
                                   Convolution2D,
                                   Convolution2DTranspose,
                                   Convolution3D,
                                   Convolution3DTranspose,
                                   SeparableConv1D,
                                   SeparableConv2D,
                                   conv1d,
                                   conv2d,
                                   conv2d_transpose,
                                   conv3d,
                                   conv3d_transpose,
                                   separable_conv1d,
                                   separable_conv2d,
)
from scopeflow.layers.core import Dense, Dropout, Flatten, dense, dropout, flatten
from scopeflow.layers.normalization import BatchNormalization, batch_normalization
from scopeflow.layers.pooling import (
                                   AveragePooling1D,
                                   AveragePooling2D,
                                   AveragePooling3D,
                                   AvgPool1D,
                                   AvgPool2D,
                                   AvgPool3D,
                                   MaxPool1D,
                                   MaxPool2D,
                                   MaxPool3D,
                                   MaxPooling1D,
                                   MaxPooling2D,
                                   MaxPooling3D,
                                   average_pooling1d,
                                   average_pooling2d,
                                   average_pooling3d,
                                   max_pooling1d,
                                   max_pooling2d,
                                   max_pooling3d,
)
