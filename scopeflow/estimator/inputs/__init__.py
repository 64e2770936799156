"""`tf.estimator.inputs` (TF 1): numpy_input_fn, pandas_input_fn."""
