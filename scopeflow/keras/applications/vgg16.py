"""`tf.keras.applications.vgg16`: VGG16 with its preprocessing (see vgg.py)."""
# ruff: noqa: F401 - re-exports
from scopeflow.keras.applications.vgg import VGG16, decode_predictions, preprocess_input
