"""tf.keras.layers.DenseFeatures (TF1 graph mode): input_layer as a Keras layer.

    >>> import scopeflow as tf
    >>> x = tf.feature_column.numeric_column("x", shape=(2,))
    >>> tf.keras.layers.DenseFeatures([x])({"x": tf.ones([3, 2])}).shape.as_list()
    [3, 2]

The layer owns its embedding tables as resource variables made when first called
(`dense_features/<col>_embedding/embedding_weights`); each call transforms the features anew
under `dense_features[_N]/<col>/` and concatenates the columns, sorted by name.
"""

from scopeflow.core.getters import get_variable
from scopeflow.core.scopes import variable_scope
from scopeflow.core.variables import init_scope
from scopeflow.feature_column.base import (Builder, DenseColumn, normalize_columns,
                                           verify_batch_sizes)
from scopeflow.feature_column.dense import EmbeddingColumn
from scopeflow.keras.engine.base_layer import Layer
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope

__all__ = ["DenseFeatures"]

# TF's message names its own class
_TF_DENSE_COLUMN = "<class 'tensorflow.python.feature_column.feature_column_v2.DenseColumn'>"


class DenseFeatures(Layer):
    """The dense columns' outputs for a dict of features, concatenated (columns by name)."""

    def __init__(self, feature_columns, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        columns = sorted(normalize_columns(feature_columns), key=lambda c: c.name)
        for column in columns:
            if not isinstance(column, DenseColumn):
                raise ValueError("Items of feature_columns must be a {}. You can wrap a "
                                 "categorical column with an embedding_column or "
                                 "indicator_column. Given: {}".format(_TF_DENSE_COLUMN, column))
        self._feature_columns = columns
        self._tables = {}

    def build(self, _):
        from scopeflow import dtypes as _dt
        with init_scope(), variable_scope(self.name):
            for column in self._feature_columns:
                if not isinstance(column, EmbeddingColumn):
                    continue
                with variable_scope(column.name):
                    shape = (column.categorical_column._num_buckets, column.dimension)
                    table = get_variable("embedding_weights", shape=shape, dtype=_dt.float32,
                                         initializer=column.initializer,
                                         trainable=column.trainable and self.trainable,
                                         use_resource=True)
                self._tables[column] = table
                (self._trainable_weights if column.trainable else
                 self._non_trainable_weights).append(table)
        self.built = True

    def call(self, features, cols_to_output_tensors=None, training=None):
        if not isinstance(features, dict):
            raise ValueError("We expected a dictionary here. Instead we got: ", features)
        if training is None:  # tf_keras' __call__ reads the learning phase for `training`
            from scopeflow.keras import backend
            backend.learning_phase()
        builder = Builder(features)
        outputs = []
        for column in self._feature_columns:
            with name_scope(column.name):
                if column in self._tables:
                    tensor = column._dense_with_weights(builder, self._tables[column])
                else:
                    tensor = column._get_dense_tensor(builder)
                batch = array.shape(tensor)[0]
                out = array.reshape(tensor, (batch, column._variable_shape.num_elements()))
                outputs.append(out)
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = out
        verify_batch_sizes(outputs, self._feature_columns)
        return array.concat(outputs, -1)

    def compute_output_shape(self, input_shape):
        total = sum(c._variable_shape.num_elements() for c in self._feature_columns)
        batch = next(iter(input_shape.values()))[0] if input_shape else None
        return (batch, total)
