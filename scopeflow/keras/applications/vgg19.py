"""`tf.keras.applications.vgg19`: VGG19 with its preprocessing (see vgg.py)."""
# ruff: noqa: F401 - re-exports
from scopeflow.keras.applications.vgg import VGG19, decode_predictions, preprocess_input
