"""`tf.keras.models`: Model, Sequential."""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.engine.functional import Model, Sequential
