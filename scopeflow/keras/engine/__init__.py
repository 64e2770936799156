"""Keras' engine: Layer, Input/InputLayer, the functional Model and Sequential, training."""
