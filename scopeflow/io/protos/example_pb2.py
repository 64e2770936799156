"""`tensorflow.core.example.example_pb2`: Example, SequenceExample."""

from scopeflow.io.example_protos import Example, SequenceExample  # noqa: F401
from scopeflow.io.example_protos import _POOL

DESCRIPTOR = _POOL.FindFileByName("tensorflow/core/example/example.proto")
