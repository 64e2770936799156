"""tf_keras' conversion of saved recurrent weights between the cuDNN layers and the plain ones
(hdf5_format.preprocess_weights_for_loading): CuDNNLSTM <-> LSTM, CuDNNGRU <-> GRU(reset_after=
True), also inside Bidirectional and TimeDistributed. Per gate, input kernels pass through
cuDNN's column-major layout, recurrent kernels are transposed; LSTM biases are summed (or
halved into two sets), GRU's reshaped."""

import numpy as np


def preprocess_weights(layer, weights):
    """`weights` (NumPy arrays saved for a layer like `layer`) in `layer`'s own layout."""
    name = type(layer).__name__
    if name == "Bidirectional":
        half = len(weights) // 2
        return (preprocess_weights(layer.forward_layer, weights[:half])
                + preprocess_weights(layer.backward_layer, weights[half:]))
    if name == "TimeDistributed":
        return preprocess_weights(layer.layer, weights)
    if len(weights) != 3:
        return weights
    if name in ("LSTM", "CuDNNLSTM"):
        return _lstm(name, weights)
    if name in ("GRU", "CuDNNGRU"):
        return _gru(layer, name, weights)
    return weights


def _blocks(kernels, func, n):
    return np.hstack([func(k) for k in np.hsplit(kernels, n)])


def _transpose_input(from_cudnn):
    order = "F" if from_cudnn else "C"
    return lambda k: k.T.reshape(k.shape, order=order)


def _lstm(target, weights):
    units, bias_shape = weights[1].shape[0], weights[2].shape
    if bias_shape == (8 * units,):
        source = "CuDNNLSTM"
    elif bias_shape == (4 * units,):
        source = "LSTM"
    else:
        raise ValueError("Invalid bias shape: " + str(bias_shape))
    if source == target:
        return weights
    from_cudnn = source == "CuDNNLSTM"
    kernels = _blocks(weights[0], _transpose_input(from_cudnn), 4)
    recurrent = _blocks(weights[1], lambda k: k.T, 4)
    biases = (np.sum(np.split(weights[2], 2, axis=0), axis=0) if from_cudnn
              else np.tile(0.5 * weights[2], 2))
    return [kernels, recurrent, biases]


def _gru(layer, target_class, weights):
    units, bias_shape = weights[1].shape[0], weights[2].shape
    if bias_shape == (6 * units,):
        source = "CuDNNGRU"
    elif bias_shape == (2, 3 * units):
        source = "GRU(reset_after=True)"
    elif bias_shape == (3 * units,):
        source = "GRU(reset_after=False)"
    else:
        raise ValueError("Invalid bias shape: " + str(bias_shape))
    if target_class == "CuDNNGRU":
        target = "CuDNNGRU"
    elif layer.cell.reset_after:
        target = "GRU(reset_after=True)"
    else:
        target = "GRU(reset_after=False)"
    if source == target:
        return weights
    if "GRU(reset_after=False)" in (source, target):
        raise ValueError("%s is not compatible with %s" % (source, target))
    from_cudnn = source == "CuDNNGRU"
    return [_blocks(weights[0], _transpose_input(from_cudnn), 3),
            _blocks(weights[1], lambda k: k.T, 3),
            np.array(weights[2]).reshape((2, -1) if from_cudnn else -1)]
