"""`tf.feature_column`: TF1's feature columns (input_layer, linear_model and the columns).

    >>> import scopeflow as tf
    >>> fc = tf.feature_column
    >>> fc.embedding_column(fc.categorical_column_with_identity("k", 5), 2).name
    'k_embedding'
"""

from scopeflow.feature_column.categorical import (categorical_column_with_hash_bucket,
                                                  categorical_column_with_identity,
                                                  categorical_column_with_vocabulary_file,
                                                  categorical_column_with_vocabulary_list,
                                                  weighted_categorical_column)
from scopeflow.feature_column.crossed import crossed_column
from scopeflow.feature_column.dense import embedding_column, indicator_column
from scopeflow.feature_column.layers import input_layer, linear_model, make_parse_example_spec
from scopeflow.feature_column.numeric import bucketized_column, numeric_column
from scopeflow.feature_column.shared import shared_embedding_columns

__all__ = ["bucketized_column", "categorical_column_with_hash_bucket",
           "categorical_column_with_identity", "categorical_column_with_vocabulary_file",
           "categorical_column_with_vocabulary_list", "crossed_column", "embedding_column",
           "indicator_column", "input_layer", "linear_model", "make_parse_example_spec",
           "numeric_column", "shared_embedding_columns", "weighted_categorical_column"]
