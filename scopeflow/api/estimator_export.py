"""`tf.estimator.export`: serving input receivers and export outputs."""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.estimator.export import (
                                        ClassificationOutput,
                                        ExportOutput,
                                        PredictOutput,
                                        RegressionOutput,
                                        ServingInputReceiver,
                                        TensorServingInputReceiver,
                                        build_parsing_serving_input_receiver_fn,
                                        build_raw_serving_input_receiver_fn,
)
