"""`tensorflow.core.example.feature_pb2`: Feature, Features, the value lists, FeatureList(s)."""

from scopeflow.io.example_protos import (  # noqa: F401
    BytesList, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List,
)
from scopeflow.io.example_protos import _POOL

DESCRIPTOR = _POOL.FindFileByName("tensorflow/core/example/feature.proto")
