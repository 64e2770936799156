"""TF's `tensorflow.core.example` proto modules (example_pb2, feature_pb2) for `scopeflow run`."""
