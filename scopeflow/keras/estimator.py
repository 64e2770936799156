"""`tf.keras.estimator` (tf.compat.v1): `model_to_estimator`, built in
scopeflow.estimator.keras_lib (imported when called: the estimator imports Keras)."""


def model_to_estimator(keras_model=None, keras_model_path=None, custom_objects=None,
                       model_dir=None, config=None, checkpoint_format="saver",
                       metric_names_map=None, export_outputs=None):
    """Constructs an `Estimator` instance from given keras model (a compiled Keras model, or
    the HDF5 file of one at `keras_model_path`); see scopeflow.estimator.keras_lib."""
    from scopeflow.estimator import keras_lib
    return keras_lib.model_to_estimator(
        keras_model=keras_model, keras_model_path=keras_model_path,
        custom_objects=custom_objects, model_dir=model_dir, config=config,
        checkpoint_format=checkpoint_format, metric_names_map=metric_names_map,
        export_outputs=export_outputs)

