"""`tf.feature_column`: TF1's feature columns and the layers that apply them."""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.feature_column import (bucketized_column, categorical_column_with_hash_bucket,
                                      categorical_column_with_identity,
                                      categorical_column_with_vocabulary_file,
                                      categorical_column_with_vocabulary_list, crossed_column,
                                      embedding_column, indicator_column, input_layer,
                                      linear_model, make_parse_example_spec, numeric_column,
                                      shared_embedding_columns, weighted_categorical_column)
