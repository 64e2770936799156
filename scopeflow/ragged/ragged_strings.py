"""`tf.strings.unicode_decode` / `_with_offsets` / `unicode_split` / `_with_offsets` /
`unicode_encode`: TF's wrappers around its Unicode kernels (ops/strings_unicode_decode.py),
RaggedTensors of code points or characters, one row per input string.

    >>> import scopeflow as tf
    >>> tf.strings.unicode_split(["ab"], "UTF-8").ragged_rank
    1
"""

from scopeflow import dtypes as _dt
from scopeflow.ops.array import expand_dims as _expand_dims
from scopeflow.ops.array import reshape
from scopeflow.ops.joining import stack
from scopeflow.ops.nn_conv import check_attr
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.repeat import get_positive_axis
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ops.strings_unicode_decode import (_unicode_decode, _unicode_decode_offsets,
                                                   _unicode_encode)
from scopeflow.ragged.ragged_tensor import (RaggedTensor, convert_to_tensor_or_ragged_tensor,
                                            is_ragged)

_ERRORS = ("strict", "replace", "ignore")


def unicode_encode(input, output_encoding, errors="replace",  # noqa: A002
                   replacement_char=65533, name=None):
    """Strings of the code points along `input`'s last axis (a Tensor or RaggedTensor)."""
    with name_scope(name, "UnicodeEncode", [input]):
        x = convert_to_tensor_or_ragged_tensor(input)
        if x.shape.ndims is None:
            raise ValueError("Rank of input_tensor must be statically known.")
        if is_ragged(x):
            if x.flat_values.shape.ndims > 1:
                return x.with_flat_values(unicode_encode(x.flat_values, output_encoding, errors,
                                                         replacement_char))
            if x.ragged_rank > 1:
                return x.with_values(unicode_encode(x.values, output_encoding, errors,
                                                    replacement_char))
            check_attr("UnicodeEncode", "output_encoding", output_encoding,
                       ("UTF-8", "UTF-16-BE", "UTF-32-BE"))
            check_attr("UnicodeEncode", "errors", errors, _ERRORS)
            return _unicode_encode(x.values, x.row_splits, output_encoding=output_encoding,
                                   errors=errors, replacement_char=replacement_char,
                                   name="UnicodeEncode")
        if x.shape.ndims == 2:
            return unicode_encode(RaggedTensor.from_tensor(x), output_encoding, errors,
                                  replacement_char)
        if x.shape.ndims > 2:
            flat = reshape(x, stack([-1, _shape(x)[-1]]))
            out = unicode_encode(flat, output_encoding, errors, replacement_char)
            return reshape(out, x.shape[:-1])
        if x.shape.ndims == 0:
            raise ValueError("input_tensor's rank must be at least 1.")
        rows = RaggedTensor.from_row_splits(
            x, stack([0, _shape(x, out_type=_dt.int32)[0]]), validate=False)
        return reshape(unicode_encode(rows, output_encoding, errors, replacement_char), [])


def unicode_decode(input, input_encoding, errors="replace",  # noqa: A002
                   replacement_char=65533, replace_control_characters=False, name=None):
    """The code points of each string: a RaggedTensor one ragged dimension deeper."""
    with name_scope(name, "UnicodeDecode", [input]):
        return _decode(input, input_encoding, errors, replacement_char,
                       replace_control_characters, False)


def unicode_decode_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                                replacement_char=65533, replace_control_characters=False,
                                name=None):
    """(code points, byte offset where each starts), RaggedTensors of the same rows."""
    with name_scope(name, "UnicodeDecodeWithOffsets", [input]):
        return _decode(input, input_encoding, errors, replacement_char,
                       replace_control_characters, True)


def unicode_split(input, input_encoding, errors="replace",  # noqa: A002
                  replacement_char=65533, name=None):
    """The characters of each string, each re-encoded in `input_encoding`."""
    with name_scope(name, "UnicodeSplit", [input]):
        codepoints = _decode(input, input_encoding, errors, replacement_char, False, False)
        return unicode_encode(expand_dims(codepoints, -1), output_encoding=input_encoding,
                              errors=errors, replacement_char=replacement_char)


def unicode_split_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                               replacement_char=65533, name=None):
    """(characters, byte offset where each starts)."""
    with name_scope(name, "UnicodeSplitWithOffsets", [input]):
        codepoints, offsets = _decode(input, input_encoding, errors, replacement_char, False,
                                      True)
        chars = unicode_encode(expand_dims(codepoints, -1), output_encoding=input_encoding,
                               errors=errors, replacement_char=replacement_char)
        return chars, offsets


def _decode(input, encoding, errors, replacement_char, controls, with_offsets):  # noqa: A002
    x = convert_to_tensor_or_ragged_tensor(input, name="input")
    ndims = x.shape.ndims
    if ndims is None:
        raise ValueError("Rank of `input` must be statically known.")
    if ndims > 1:
        if not is_ragged(x):
            x = RaggedTensor.from_tensor(x, ragged_rank=ndims - 1)
        elif x.ragged_rank < ndims - 1:
            x = x.with_flat_values(RaggedTensor.from_tensor(
                x.flat_values, ragged_rank=ndims - x.ragged_rank - 1))
    flat = reshape(x.flat_values if is_ragged(x) else x, [-1])
    check_attr("UnicodeDecode", "errors", errors, _ERRORS)
    kernel = _unicode_decode_offsets if with_offsets else _unicode_decode
    out = kernel(flat, input_encoding=encoding, errors=errors,
                 replacement_char=replacement_char,
                 replace_control_characters=controls,
                 name="UnicodeDecodeWithOffsets" if with_offsets else "UnicodeDecode")
    splits, chars = out[0], out[1]
    if ndims == 0:
        return (chars, out[2]) if with_offsets else chars
    codepoints = RaggedTensor.from_row_splits(chars, splits, validate=False)
    if ndims > 1:
        codepoints = x.with_flat_values(codepoints)
    if not with_offsets:
        return codepoints
    offsets = RaggedTensor.from_row_splits(out[2], splits, validate=False)
    if ndims > 1:
        offsets = x.with_flat_values(offsets)
    return codepoints, offsets


def expand_dims(input, axis, name=None):  # noqa: A002
    """`tf.expand_dims` of a RaggedTensor (TF's ragged dispatch)."""
    with name_scope(name, "RaggedExpandDims", [input]):
        x = convert_to_tensor_or_ragged_tensor(input, name="input")
        if not is_ragged(x):
            return _expand_dims(x, axis)
        ndims = None if x.shape.ndims is None else x.shape.ndims + 1
        axis = get_positive_axis(axis, ndims, ndims_name="rank(input)")
        if axis == 0:
            return RaggedTensor.from_uniform_row_length(x, uniform_row_length=x.nrows(), nrows=1,
                                                        validate=False)
        if axis == 1:
            return RaggedTensor.from_uniform_row_length(x, uniform_row_length=1,
                                                        nrows=x.nrows(), validate=False)
        if is_ragged(x.values):
            return x.with_values(expand_dims(x.values, axis - 1))
        return x.with_values(_expand_dims(x.values, axis - 1))
