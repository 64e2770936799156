"""`tf.keras.applications.resnet50`: ResNet50 with its preprocessing (see resnet.py)."""
# ruff: noqa: F401 - re-exports
from scopeflow.keras.applications.resnet import ResNet50, decode_predictions, preprocess_input
