"""`tf.estimator` (tf.compat.v1.estimator): Estimator, EstimatorSpec, ModeKeys, RunConfig,
TrainSpec / EvalSpec / train_and_evaluate, inputs.numpy_input_fn, export (the core of
tensorflow_estimator's TF 1 API; canned estimators: canned/)."""
