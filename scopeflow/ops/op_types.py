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
_T10 = ('bfloat16', 'float16', 'float32', 'float64', 'int16', 'int32', 'int64', 'uint8', 'uint16',
        'uint32', 'uint64', 'complex64', 'complex128')
_T11 = ('int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64')
_T12 = ('float64', 'float32', 'float16', 'complex64', 'complex128')
_T13 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8',
        'quint8', 'qint32', 'bfloat16', 'qint16', 'quint16', 'uint16', 'complex128', 'float16',
        'uint32', 'uint64')
_T14 = ('complex64', 'complex128', 'variant')
_T15 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
        'float16', 'uint32', 'uint64')
_T16 = ('int32', 'int64', 'float32', 'float64')
_T17 = ('float16', 'float32', 'bfloat16', 'float64', 'complex64', 'complex128')
_T18 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'int32',
        'uint32', 'uint64', 'int64', 'complex64', 'complex128')
_T19 = ('int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bfloat16',
        'float16', 'float32', 'float64')
_T20 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'complex64',
        'complex128')
_T21 = ('float16', 'float32', 'float64', 'complex64', 'complex128')
_T22 = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
        'uint64', 'complex64', 'complex128')
_T23 = ('bfloat16', 'float64', 'float32', 'float16', 'complex64', 'complex128')
_T24 = ('float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16',
        'float16', 'uint32', 'uint64', 'qint8', 'quint8', 'qint32', 'qint16', 'quint16')
_T25 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32',
        'uint32', 'int64', 'uint64')
_T26 = ('float64', 'float32')
_T27 = ('float32', 'float64')
_T28 = ('bfloat16', 'float32', 'float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'complex64',
        'complex128')
_T29 = ('bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8',
        'uint16', 'uint32', 'uint64', 'complex64', 'complex128')
_T30 = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'complex64', 'complex128')
_T31 = ('bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'int32',
        'int64', 'complex64', 'complex128', 'uint32', 'uint64')
_T32 = ('int32', 'int64', 'bfloat16', 'float16', 'float32', 'float64')
_T33 = ('float16', 'bfloat16', 'float32', 'float64', 'complex64', 'complex128')

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
    'BatchMatMulV2': ((0, 'x', _T10),),
    'BesselI0': ((0, 'x', _T9),),
    'BesselI0e': ((0, 'x', _T9),),
    'BesselI1': ((0, 'x', _T9),),
    'BesselI1e': ((0, 'x', _T9),),
    'BitwiseAnd': ((0, 'x', _T11),),
    'BitwiseOr': ((0, 'x', _T11),),
    'BitwiseXor': ((0, 'x', _T11),),
    'Ceil': ((0, 'x', _T9),),
    'Cholesky': ((0, 'input', _T12),),
    'ClipByValue': ((0, 't', _T13),),
    'ComplexAbs': ((0, 'x', _T6),),
    'Conj': ((0, 'input', _T14),),
    'Cos': ((0, 'x', _T1),),
    'Cosh': ((0, 'x', _T1),),
    'Cross': ((0, 'a', _T15),),
    'Cumprod': ((0, 'x', _T13), (1, 'axis', _T5)),
    'Cumsum': ((0, 'x', _T13), (1, 'axis', _T5)),
    'CumulativeLogsumexp': ((0, 'x', _T9), (1, 'axis', _T5)),
    'DenseBincount': ((0, 'input', _T5), (2, 'weights', _T16)),
    'Digamma': ((0, 'x', _T9),),
    'DivNoNan': ((0, 'x', _T17),),
    'Erf': ((0, 'x', _T9),),
    'Erfc': ((0, 'x', _T9),),
    'Erfinv': ((0, 'x', _T9),),
    'EuclideanNorm': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Exp': ((0, 'x', _T1),),
    'Expm1': ((0, 'x', _T1),),
    'Floor': ((0, 'x', _T9),),
    'FloorDiv': ((0, 'x', _T18),),
    'FloorMod': ((0, 'x', _T19),),
    'Greater': ((0, 'x', _T15),),
    'GreaterEqual': ((0, 'x', _T15),),
    'Igamma': ((0, 'a', _T9),),
    'Igammac': ((0, 'a', _T9),),
    'Imag': ((0, 'input', _T6),),
    'InTopKV2': ((1, 'targets', _T5),),
    'Inv': ((0, 'x', _T20),),
    'Invert': ((0, 'x', _T11),),
    'IsFinite': ((0, 'x', _T9),),
    'IsInf': ((0, 'x', _T9),),
    'IsNan': ((0, 'x', _T9),),
    'LeftShift': ((0, 'x', _T11),),
    'Less': ((0, 'x', _T15),),
    'LessEqual': ((0, 'x', _T15),),
    'Lgamma': ((0, 'x', _T9),),
    'Log': ((0, 'x', _T1),),
    'Log1p': ((0, 'x', _T1),),
    'LogMatrixDeterminant': ((0, 'input', _T21),),
    'Lu': ((0, 'input', _T12),),
    'MatMul': ((0, 'a', _T22),),
    'MatrixDeterminant': ((0, 'input', _T21),),
    'MatrixInverse': ((0, 'input', _T12),),
    'MatrixSolve': ((0, 'matrix', _T12),),
    'MatrixTriangularSolve': ((0, 'matrix', _T23),),
    'Max': ((0, 'input', _T24), (1, 'reduction_indices', _T5)),
    'Maximum': ((0, 'x', _T25),),
    'Mean': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Min': ((0, 'input', _T24), (1, 'reduction_indices', _T5)),
    'Minimum': ((0, 'x', _T25),),
    'Mul': ((0, 'x', _T18),),
    'MulNoNan': ((0, 'x', _T1),),
    'Ndtri': ((0, 'x', _T9),),
    'Neg': ((0, 'x', _T20),),
    'NextAfter': ((0, 'x1', _T26),),
    'Polygamma': ((0, 'a', _T27),),
    'Pow': ((0, 'x', _T28),),
    'Prod': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Qr': ((0, 'input', _T12),),
    'Real': ((0, 'input', _T6),),
    'RealDiv': ((0, 'x', _T18),),
    'Reciprocal': ((0, 'x', _T20),),
    'RightShift': ((0, 'x', _T11),),
    'Rint': ((0, 'x', _T9),),
    'Round': ((0, 'x', _T20),),
    'Rsqrt': ((0, 'x', _T1),),
    'SegmentMax': ((0, 'data', _T15), (1, 'segment_ids', _T5)),
    'SegmentMean': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SegmentMin': ((0, 'data', _T15), (1, 'segment_ids', _T5)),
    'SegmentProd': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SegmentSum': ((0, 'data', _T13), (1, 'segment_ids', _T5)),
    'SelfAdjointEigV2': ((0, 'input', _T12),),
    'Sigmoid': ((0, 'x', _T1),),
    'Sign': ((0, 'x', _T20),),
    'Sin': ((0, 'x', _T1),),
    'Sinh': ((0, 'x', _T1),),
    'SparseSegmentMean': ((0, 'data', _T9), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'SparseSegmentSqrtN': ((0, 'data', _T9), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'SparseSegmentSum': ((0, 'data', _T15), (1, 'indices', _T5), (2, 'segment_ids', _T5)),
    'Sqrt': ((0, 'x', _T1),),
    'Square': ((0, 'x', _T29),),
    'SquaredDifference': ((0, 'x', _T30),),
    'Sub': ((0, 'x', _T31),),
    'Sum': ((0, 'input', _T13), (1, 'reduction_indices', _T5)),
    'Svd': ((0, 'input', _T12),),
    'Tan': ((0, 'x', _T1),),
    'Tanh': ((0, 'x', _T1),),
    'TopKV2': ((0, 'input', _T15), (1, 'k', _T8)),
    'TruncateDiv': ((0, 'x', _T18),),
    'TruncateMod': ((0, 'x', _T32),),
    'UnsortedSegmentMax': ((0, 'data', _T15), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentMin': ((0, 'data', _T15), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentProd': ((0, 'data', _T13), (1, 'segment_ids', _T5), (2, 'num_segments', _T5)),
    'UnsortedSegmentSum': ((0, 'data', _T13), (1, 'segment_ids', _T8), (2, 'num_segments', _T5)),
    'Xdivy': ((0, 'x', _T33),),
    'Xlog1py': ((0, 'x', _T33),),
    'Xlogy': ((0, 'x', _T33),),
    'Zeta': ((0, 'x', _T27),),
}

FIXED = {  # op type: ((input index, input name, its one dtype), ...)
    'All': ((0, 'input', 'bool'),),
    'Any': ((0, 'input', 'bool'),),
    'InTopKV2': ((0, 'predictions', 'float32'),),
    'LogicalAnd': ((0, 'x', 'bool'), (1, 'y', 'bool')),
    'LogicalNot': ((0, 'x', 'bool'),),
    'LogicalOr': ((0, 'x', 'bool'), (1, 'y', 'bool')),
}
