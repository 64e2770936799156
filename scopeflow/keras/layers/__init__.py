"""`tf.keras.layers` (TF1 graph mode)."""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.engine.base_layer import Layer
from scopeflow.keras.engine.input_layer import Input, InputLayer
from scopeflow.keras.layers.advanced_activations import (ELU, LeakyReLU, PReLU, ReLU, Softmax,
                                                         ThresholdedReLU)
from scopeflow.keras.layers.attention import AdditiveAttention, Attention
from scopeflow.keras.layers.conv import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose,
                                         Conv3D, Conv3DTranspose, Convolution1D,
                                         Convolution1DTranspose, Convolution2D,
                                         Convolution2DTranspose, Convolution3D,
                                         Convolution3DTranspose, Cropping1D, Cropping2D,
                                         Cropping3D,
                                         DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
                                         SeparableConvolution1D, SeparableConvolution2D, UpSampling1D, UpSampling2D,
                                         UpSampling3D,
                                         ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from scopeflow.keras.layers.conv_recurrent import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from scopeflow.keras.layers.core import (Activation, ActivityRegularization, Dense, Dropout,
                                         Flatten, Lambda, Masking, Permute, RepeatVector,
                                         Reshape)
from scopeflow.keras.layers.einsum_dense import EinsumDense
from scopeflow.keras.layers.embedding import Embedding
from scopeflow.feature_column.dense_features import DenseFeatures
from scopeflow.keras.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Minimum,
                                          Multiply, Subtract, add, average, concatenate, dot,
                                          maximum, minimum, multiply, subtract)
from scopeflow.keras.layers.multi_head_attention import MultiHeadAttention
from scopeflow.keras.layers.normalization import BatchNormalization, LayerNormalization
from scopeflow.keras.layers.pooling import (AveragePooling1D, AveragePooling2D,
                                            AveragePooling3D, AvgPool1D, AvgPool2D, AvgPool3D,
                                            GlobalAveragePooling1D, GlobalAveragePooling2D,
                                            GlobalAveragePooling3D, GlobalAvgPool1D,
                                            GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D,
                                            GlobalMaxPool2D, GlobalMaxPool3D,
                                            GlobalMaxPooling1D, GlobalMaxPooling2D,
                                            GlobalMaxPooling3D, MaxPool1D, MaxPool2D, MaxPool3D,
                                            MaxPooling1D, MaxPooling2D, MaxPooling3D)
from scopeflow.keras.layers.recurrent_cells import AbstractRNNCell
from scopeflow.keras.layers.recurrent import (GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN,
                                              SimpleRNNCell)
from scopeflow.keras.layers.recurrent_cudnn import CuDNNGRU, CuDNNLSTM
from scopeflow.keras.layers.stacked_cells import StackedRNNCells
from scopeflow.keras.layers.noise import (AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                                          SpatialDropout2D, SpatialDropout3D)
from scopeflow.keras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper
from scopeflow.keras.layers.simple import CenterCrop, Identity, Rescaling, Resizing
from scopeflow.layers.base import InputSpec


def serialize(layer):
    """`{"class_name", "config"}` of a layer, as Keras writes it."""
    from scopeflow.keras.serialization import serialize as _serialize
    return _serialize(layer)


def deserialize(config, custom_objects=None):
    """A layer (or model) from its `serialize`d config."""
    from scopeflow.keras.serialization import layer_from_config
    return layer_from_config(config, custom_objects)


_V2_DTYPE_BEHAVIOR = [False]  # TF1 graph mode: layers take their inputs' float dtype


def enable_v2_dtype_behavior():
    _V2_DTYPE_BEHAVIOR[0] = True


def disable_v2_dtype_behavior():
    _V2_DTYPE_BEHAVIOR[0] = False
from scopeflow.keras.layers.locally_connected import LocallyConnected1D, LocallyConnected2D
from scopeflow.keras.layers.conv_depthwise import DepthwiseConv1D
from scopeflow.keras.layers.preprocessing import (CategoryEncoding, Discretization, Hashing,
                                                 Normalization)
from scopeflow.keras.layers import experimental  # noqa: E402,F401


from scopeflow.keras._namespace import hide_modules  # noqa: E402

hide_modules(__name__, {"experimental"})  # (TF's own submodule of tf.keras.layers)
del hide_modules
