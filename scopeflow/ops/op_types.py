"""Input dtypes TF accepts per op type, recorded from TF's op definitions (order kept:
TF lists them in its error messages in this order)."""

_T0 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64')
_T1 = ('bfloat16', 'float16', 'float32', 'float64', 'complex64', 'complex128')
_T2 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'int16', 'int32', 'int64',
       'complex64', 'complex128', 'string')
_T3 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8',
       'quint8', 'qint32', 'bfloat16', 'qint16', 'quint16', 'uint16', 'complex128', 'float16',
       'uint32', 'uint64', 'variant')
_T4 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'uint16', 'uint32', 'uint64', 'int8',
       'int16', 'int32', 'int64', 'complex64', 'complex128')
_T5 = ('int32', 'int64')
_T6 = ('complex64', 'complex128')
_T7 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
       'float16', 'uint32', 'uint64', 'qint8', 'quint8', 'qint32', 'qint16', 'quint16', 'bool')
_T8 = ('int16', 'int32', 'int64')
_T9 = ('bfloat16', 'float16', 'float32', 'float64')
_T10 = ('float16', 'bfloat16', 'float32', 'float64')
_T11 = ('bfloat16', 'float16', 'float32', 'float64', 'int16', 'int32', 'int64', 'uint8', 'uint16',
        'uint32', 'uint64', 'complex64', 'complex128')
_T12 = ('float32', 'float64')
_T13 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8',
        'quint8', 'qint32', 'bfloat16', 'qint16', 'quint16', 'uint16', 'complex128', 'float16',
        'uint32', 'uint64')
_T14 = ('int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64')
_T15 = ('float64', 'float32', 'float16', 'complex64', 'complex128')
_T16 = ('complex64', 'complex128', 'variant')
_T17 = ('float16', 'bfloat16', 'float32', 'float64', 'int32')
_T18 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
        'float16', 'uint32', 'uint64')
_T19 = ('int32', 'int64', 'float32', 'float64')
_T20 = ('float16', 'float32', 'bfloat16', 'float64', 'complex64', 'complex128')
_T21 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'int32',
        'uint32', 'uint64', 'int64', 'complex64', 'complex128')
_T22 = ('int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bfloat16',
        'float16', 'float32', 'float64')
_T23 = ('float16', 'bfloat16', 'float32')
_T24 = ('bfloat16', 'float32')
_T25 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'complex64',
        'complex128')
_T26 = ('float16', 'float32', 'float64', 'complex64', 'complex128')
_T27 = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
        'uint64', 'complex64', 'complex128')
_T28 = ('bfloat16', 'float64', 'float32', 'float16', 'complex64', 'complex128')
_T29 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
        'float16', 'uint32', 'uint64', 'qint8', 'quint8', 'qint32', 'qint16', 'quint16')
_T30 = ('float16', 'bfloat16', 'float32', 'float64', 'int32', 'int64', 'uint8', 'int16', 'int8',
        'uint16', 'qint8')
_T31 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32',
        'uint32', 'int64', 'uint64')
_T32 = ('float64', 'float32')
_T33 = ('bfloat16', 'float32', 'float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'complex64',
        'complex128')
_T34 = ('float16', 'float32', 'float64')
_T35 = ('float16', 'float32', 'float64', 'int32', 'int64')
_T36 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
        'float16', 'uint32', 'uint64', 'qint8')
_T37 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8',
        'uint16', 'uint32', 'uint64', 'complex64', 'complex128')
_T38 = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'complex64', 'complex128')
_T39 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'int32',
        'int64', 'complex64', 'complex128', 'uint32', 'uint64')
_T40 = ('int32', 'int64', 'bfloat16', 'float16', 'float32', 'float64')
_T41 = ('float16', 'bfloat16', 'float32', 'float64', 'complex64', 'complex128')

ALLOWED = {  # op type: ((input index, input name, allowed dtypes), ...)
    'Abs': ((0, 'x', _T0),),
    'Acos': ((0, 'x', _T1),),
    'Acosh': ((0, 'x', _T1),),
    'Add': ((0, 'x', _T2),),
    'AddN': ((0, 'inputs', _T3),),
    'AddV2': ((0, 'x', _T4),),
    'All': ((1, 'reduction_indices', _T5),),
    'Angle': ((0, 'input', _T6),),
    'Any': ((1, 'reduction_indices', _T5),),
    'ArgMax': ((0, 'input', _T7), (1, 'dimension', _T8)),
    'ArgMin': ((0, 'input', _T7), (1, 'dimension', _T5)),
    'Asin': ((0, 'x', _T1),),
    'Asinh': ((0, 'x', _T1),),
    'Atan': ((0, 'x', _T1),),
    'Atan2': ((0, 'y', _T9),),
    'Atanh': ((0, 'x', _T1),),
    'AvgPool': ((0, 'value', _T10),),
    'AvgPool3D': ((0, 'input', _T10),),
    'BatchMatMulV2': ((0, 'x', _T11),),
    'BatchToSpaceND': ((1, 'block_shape', _T5), (2, 'crops', _T5)),
    'BesselI0': ((0, 'x', _T9),),
    'BesselI0e': ((0, 'x', _T9),),
    'BesselI1': ((0, 'x', _T9),),
    'BesselI1e': ((0, 'x', _T9),),
    'Betainc': ((0, 'a', _T12),),
    'BiasAdd': ((0, 'value', _T13),),
    'BitwiseAnd': ((0, 'x', _T14),),
    'BitwiseOr': ((0, 'x', _T14),),
    'BitwiseXor': ((0, 'x', _T14),),
    'Ceil': ((0, 'x', _T9),),
    'Cholesky': ((0, 'input', _T15),),
    'ClipByValue': ((0, 't', _T13),),
    'Complex': ((0, 'real', _T12),),
    'ComplexAbs': ((0, 'x', _T6),),
    'Conj': ((0, 'input', _T16),),
    'Conv2D': ((0, 'input', _T17),),
    'Conv2DBackpropFilter': ((0, 'input', _T10),),
    'Conv2DBackpropInput': ((1, 'filter', _T17),),
    'Conv3D': ((0, 'input', _T10),),
    'Conv3DBackpropFilterV2': ((0, 'input', _T10),),
    'Conv3DBackpropInputV2': ((0, 'input_sizes', _T5), (1, 'filter', _T10)),
    'Cos': ((0, 'x', _T1),),
    'Cosh': ((0, 'x', _T1),),
    'Cross': ((0, 'a', _T18),),
    'Cumprod': ((0, 'x', _T13), (1, 'axis', _T5)),
    'Cumsum': ((0, 'x', _T13), (1, 'axis', _T5)),
    'CumulativeLogsumexp': ((0, 'x', _T9), (1, 'axis', _T5)),
    'DenseBincount': ((0, 'input', _T5), (2, 'weights', _T19)),
    'DepthwiseConv2dNative': ((0, 'input', _T10),),
    'DepthwiseConv2dNativeBackpropFilter': ((0, 'input', _T10),),
    'DepthwiseConv2dNativeBackpropInput': ((1, 'filter', _T10),),
    'Digamma': ((0, 'x', _T9),),
    'DivNoNan': ((0, 'x', _T20),),
    'Elu': ((0, 'features', _T10),),
    'Erf': ((0, 'x', _T9),),
    'Erfc': ((0, 'x', _T9),),
    'Erfinv': ((0, 'x', _T9),),
    'EuclideanNorm': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Exp': ((0, 'x', _T1),),
    'Expm1': ((0, 'x', _T1),),
    'Floor': ((0, 'x', _T9),),
    'FloorDiv': ((0, 'x', _T21),),
    'FloorMod': ((0, 'x', _T22),),
    'FusedBatchNormV3': ((0, 'x', _T23), (1, 'scale', _T24)),
    'Greater': ((0, 'x', _T18),),
    'GreaterEqual': ((0, 'x', _T18),),
    'Igamma': ((0, 'a', _T9),),
    'Igammac': ((0, 'a', _T9),),
    'Imag': ((0, 'input', _T6),),
    'InTopKV2': ((1, 'targets', _T5),),
    'Inv': ((0, 'x', _T25),),
    'Invert': ((0, 'x', _T14),),
    'IsFinite': ((0, 'x', _T9),),
    'IsInf': ((0, 'x', _T9),),
    'IsNan': ((0, 'x', _T9),),
    'L2Loss': ((0, 't', _T10),),
    'LRN': ((0, 'input', _T23),),
    'LeakyRelu': ((0, 'features', _T10),),
    'LeftShift': ((0, 'x', _T14),),
    'Less': ((0, 'x', _T18),),
    'LessEqual': ((0, 'x', _T18),),
    'Lgamma': ((0, 'x', _T9),),
    'Log': ((0, 'x', _T1),),
    'Log1p': ((0, 'x', _T1),),
    'LogMatrixDeterminant': ((0, 'input', _T26),),
    'LogSoftmax': ((0, 'logits', _T10),),
    'Lu': ((0, 'input', _T15),),
    'MatMul': ((0, 'a', _T27),),
    'MatrixDeterminant': ((0, 'input', _T26),),
    'MatrixInverse': ((0, 'input', _T15),),
    'MatrixSolve': ((0, 'matrix', _T15),),
    'MatrixTriangularSolve': ((0, 'matrix', _T28),),
    'Max': ((0, 'input', _T29), (1, 'reduction_indices', _T5)),
    'MaxPool': ((0, 'input', _T30),),
    'MaxPool3D': ((0, 'input', _T23),),
    'MaxPoolWithArgmax': ((0, 'input', _T18),),
    'Maximum': ((0, 'x', _T31),),
    'Mean': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Min': ((0, 'input', _T29), (1, 'reduction_indices', _T5)),
    'Minimum': ((0, 'x', _T31),),
    'Mul': ((0, 'x', _T21),),
    'MulNoNan': ((0, 'x', _T1),),
    'Multinomial': ((0, 'logits', _T18),),
    'Ndtri': ((0, 'x', _T9),),
    'Neg': ((0, 'x', _T25),),
    'NextAfter': ((0, 'x1', _T32),),
    'Polygamma': ((0, 'a', _T12),),
    'Pow': ((0, 'x', _T33),),
    'Prod': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Qr': ((0, 'input', _T15),),
    'RandomGamma': ((0, 'shape', _T5), (1, 'alpha', _T34)),
    'RandomPoissonV2': ((0, 'shape', _T5), (1, 'rate', _T35)),
    'Real': ((0, 'input', _T6),),
    'RealDiv': ((0, 'x', _T21),),
    'Reciprocal': ((0, 'x', _T25),),
    'Relu': ((0, 'features', _T36),),
    'Relu6': ((0, 'features', _T18),),
    'RightShift': ((0, 'x', _T14),),
    'Rint': ((0, 'x', _T9),),
    'Round': ((0, 'x', _T25),),
    'Rsqrt': ((0, 'x', _T1),),
    'SegmentMax': ((0, 'data', _T18), (1, 'segment_ids', _T5)),
    'SegmentMean': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SegmentMin': ((0, 'data', _T18), (1, 'segment_ids', _T5)),
    'SegmentProd': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SegmentSum': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SelfAdjointEigV2': ((0, 'input', _T15),),
    'Selu': ((0, 'features', _T10),),
    'Sigmoid': ((0, 'x', _T1),),
    'Sign': ((0, 'x', _T25),),
    'Sin': ((0, 'x', _T1),),
    'Sinh': ((0, 'x', _T1),),
    'Softmax': ((0, 'logits', _T10),),
    'SoftmaxCrossEntropyWithLogits': ((0, 'features', _T10),),
    'Softplus': ((0, 'features', _T10),),
    'Softsign': ((0, 'features', _T10),),
    'SpaceToBatchND': ((1, 'block_shape', _T5), (2, 'paddings', _T5)),
    'SparseSegmentMean': ((0, 'data', _T9), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'SparseSegmentSqrtN': ((0, 'data', _T9), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'SparseSegmentSum': ((0, 'data', _T18), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'SparseSoftmaxCrossEntropyWithLogits': ((0, 'features', _T10), (1, 'labels', _T5)),
    'Sqrt': ((0, 'x', _T1),),
    'Square': ((0, 'x', _T37),),
    'SquaredDifference': ((0, 'x', _T38),),
    'Sub': ((0, 'x', _T39),),
    'Sum': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Svd': ((0, 'input', _T15),),
    'Tan': ((0, 'x', _T1),),
    'Tanh': ((0, 'x', _T1),),
    'TopKV2': ((0, 'input', _T18), (1, 'k', _T8)),
    'TruncateDiv': ((0, 'x', _T21),),
    'TruncateMod': ((0, 'x', _T40),),
    'UnsortedSegmentMax': ((0, 'data', _T18), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentMin': ((0, 'data', _T18), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentProd': ((0, 'data', _T13), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentSum': ((0, 'data', _T13), (1, 'segment_ids', _T8), (2, 'num_segments', _T5)),
    'Xdivy': ((0, 'x', _T41),),
    'Xlog1py': ((0, 'x', _T41),),
    'Xlogy': ((0, 'x', _T41),),
    'Zeta': ((0, 'x', _T12),),
}

FIXED = {  # op type: ((input index, input name, its one dtype), ...)
    'All': ((0, 'input', 'bool'),),
    'AllCandidateSampler': ((0, 'true_classes', 'int64'),),
    'Any': ((0, 'input', 'bool'),),
    'Conv2DBackpropFilter': ((1, 'filter_sizes', 'int32'),),
    'Conv2DBackpropInput': ((0, 'input_sizes', 'int32'),),
    'Conv3DBackpropFilterV2': ((1, 'filter_sizes', 'int32'),),
    'DepthwiseConv2dNativeBackpropFilter': ((1, 'filter_sizes', 'int32'),),
    'DepthwiseConv2dNativeBackpropInput': ((0, 'input_sizes', 'int32'),),
    'FixedUnigramCandidateSampler': ((0, 'true_classes', 'int64'),),
    'InTopKV2': ((0, 'predictions', 'float32'),),
    'LearnedUnigramCandidateSampler': ((0, 'true_classes', 'int64'),),
    'LogUniformCandidateSampler': ((0, 'true_classes', 'int64'),),
    'LogicalAnd': ((0, 'x', 'bool'), (1, 'y', 'bool')),
    'LogicalNot': ((0, 'x', 'bool'),),
    'LogicalOr': ((0, 'x', 'bool'), (1, 'y', 'bool')),
    'Multinomial': ((1, 'num_samples', 'int32'),),
    'UniformCandidateSampler': ((0, 'true_classes', 'int64'),),
}
