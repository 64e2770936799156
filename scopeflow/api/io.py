"""`tf.io`: TFRecord files (as `tf.python_io`), `tf.io.gfile`, Example parsing and decoding."""

from scopeflow.api import io_gfile as gfile  # noqa: F401
from scopeflow.api._parsing import (  # noqa: F401
    FixedLenFeature, FixedLenSequenceFeature, SparseFeature, VarLenFeature, decode_csv,
    decode_raw, parse_example, parse_single_example, parse_single_sequence_example,
    parse_tensor, serialize_tensor,
)
from scopeflow.api.image import (  # noqa: F401
    decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png,
    is_jpeg,
)
from scopeflow.api.python_io import *  # noqa: F401,F403
from scopeflow.io.file_ops import matching_files, read_file, write_file  # noqa: F401
from scopeflow.ops.strings_text import decode_base64, encode_base64  # noqa: F401
from scopeflow.api.python_io import __all__ as _records

__all__ = list(_records) + [
    "FixedLenFeature", "FixedLenSequenceFeature", "SparseFeature", "VarLenFeature",
    "decode_base64", "decode_bmp", "decode_csv", "decode_gif", "decode_image", "decode_jpeg",
    "decode_png", "decode_raw",
    "encode_base64", "encode_jpeg",
    "encode_png", "is_jpeg",
    "gfile", "matching_files", "read_file", "write_file", "parse_example",
    "parse_single_example", "parse_single_sequence_example",
    "parse_tensor", "serialize_tensor", "write_graph", "match_filenames_once"]

from scopeflow.checkpoint.meta_graph import write_graph  # noqa: E402,F401
from scopeflow.train.input import match_filenames_once  # noqa: E402,F401

# ---- TF1's tf.io queue aliases ---------------------------------------------------------------
from scopeflow.ops.queues import PaddingFIFOQueue, PriorityQueue, QueueBase, RandomShuffleQueue  # noqa: E402,F401,I001
