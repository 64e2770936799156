"""`tf.estimator.inputs` (TF 1): input_fns over in-memory data."""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.estimator.inputs.numpy_io import numpy_input_fn
from scopeflow.estimator.inputs.pandas_io import pandas_input_fn
