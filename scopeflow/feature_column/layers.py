"""input_layer, linear_model and make_parse_example_spec: feature columns applied to features.

    >>> import scopeflow as tf
    >>> x = tf.feature_column.numeric_column("x", shape=(2,))
    >>> tf.feature_column.input_layer({"x": tf.ones([3, 2])}, [x]).shape.as_list()
    [3, 2]

Both entry points visit the columns sorted by name, each in a variable scope named for it:
`input_layer/<col>/...` (embedding tables) and `linear_model/<col>/weights` plus
`linear_model/bias_weights`, with TF's op name scopes (`linear_model_1/linear_model/<col>/`).
"""

from scopeflow.core.getters import get_variable
from scopeflow.core.graph import GraphKeys
from scopeflow.core.scopes import get_variable_scope, variable_scope
from scopeflow.feature_column.base import (Builder, CategoricalColumn, DenseColumn,
                                           FeatureColumn, normalize_columns, sparse_shape,
                                           verify_batch_sizes)
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope

__all__ = ["input_layer", "linear_model", "make_parse_example_spec"]


def _collections(weight_collections):
    out = list(weight_collections or [])
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
        if key not in out:
            out.append(key)
    return out


def _graph():
    from scopeflow.core.frame import default_graph
    return default_graph()


def _flat(column, tensor):
    """(batch, elements): the column's output reshaped to one row per example."""
    batch = array.shape(tensor)[0]
    return array.reshape(tensor, (batch, column._variable_shape.num_elements()))


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """`tf.feature_column.input_layer`: the dense columns' outputs, concatenated by name.

    >>> import scopeflow as tf
    >>> ids = tf.feature_column.categorical_column_with_identity("k", 4)
    >>> out = tf.feature_column.input_layer({"k": tf.constant([[1], [3]])},
    ...                                     [tf.feature_column.indicator_column(ids)])
    >>> out.shape.as_list()
    [2, 4]
    """
    columns = normalize_columns(feature_columns)
    for column in columns:
        if not isinstance(column, DenseColumn):
            raise ValueError("Items of feature_columns must be a _DenseColumn. You can wrap a "
                             "categorical column with an embedding_column or indicator_column. "
                             "Given: {}".format(column))
    collections = _collections(weight_collections)
    with variable_scope(None, default_name="input_layer", values=list(features.values())):
        builder = Builder(features)
        outputs, ordered = [], []
        for column in sorted(columns, key=lambda c: c.name):
            ordered.append(column)
            with variable_scope(None, default_name=column._var_scope_name):
                tensor = column._get_dense_tensor(builder, weight_collections=collections,
                                                  trainable=trainable)
                out = _flat(column, tensor)
                outputs.append(out)
                if cols_to_vars is not None:
                    cols_to_vars[column] = _graph().get_collection(
                        GraphKeys.GLOBAL_VARIABLES, scope=get_variable_scope().name)
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = out
        verify_batch_sizes(outputs, ordered)
        return array.concat(outputs, 1)


def _add_to_collections(var, collections):
    for key in collections:
        if key != GraphKeys.GLOBAL_VARIABLES:
            _graph().add_to_collection(key, var)


def _weights(column, units, trainable, collections):
    from scopeflow.ops.init_ops import zeros_initializer
    if isinstance(column, CategoricalColumn):
        shape = (column._num_buckets, units)
    else:
        shape = [column._variable_shape.num_elements(), units]
    var = get_variable("weights", shape=shape, initializer=zeros_initializer(),
                       trainable=trainable)
    _add_to_collections(var, collections)
    return var


def _weighted_sum(column, builder, weight, sparse_combiner):
    """One column's contribution: ids through the weights (safe lookup), or a matmul."""
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.nn_embedding_safe import safe_embedding_lookup_sparse
    from scopeflow.ops.nn_embedding_sparse import padded_ids
    from scopeflow.ops.sparse_reshape import sparse_reshape
    if not isinstance(column, CategoricalColumn):
        return matmul(_flat(column, column._get_dense_tensor(builder)), weight,
                      name="weighted_sum")
    pair = column._get_sparse_tensors(builder)
    ids = sparse_reshape(pair.id_tensor, [sparse_shape(pair.id_tensor)[0], -1])
    weights = pair.weight_tensor
    if weights is not None:
        weights = sparse_reshape(weights, [sparse_shape(weights)[0], -1])
    with padded_ids():
        return safe_embedding_lookup_sparse(weight, ids, sparse_weights=weights,
                                            combiner=sparse_combiner, name="weighted_sum")


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """`tf.feature_column.linear_model`: sum over columns of inputs times weights, plus bias.

    >>> import scopeflow as tf
    >>> x = tf.feature_column.numeric_column("x")
    >>> tf.feature_column.linear_model({"x": tf.ones([4, 1])}, [x]).shape.as_list()
    [4, 1]
    """
    from scopeflow.ops.init_ops import zeros_initializer
    from scopeflow.ops.math_extra import add_n
    from scopeflow.ops.nn import bias_add
    with variable_scope(None, "linear_model") as vs:
        model_name = vs.name.rsplit("/", 1)[-1]
    columns = sorted(normalize_columns(feature_columns), key=lambda c: c.name)
    collections = _collections(weight_collections)
    scope_names = []
    for column in columns:  # TF names its per-column layers here, in the caller's scope
        with variable_scope(None, default_name=column._var_scope_name) as cvs:
            scope_names.append(cvs.name.rsplit("/", 1)[-1])
    mapping = {} if cols_to_vars is None else cols_to_vars
    with name_scope(model_name), variable_scope(model_name):
        for column in columns:
            if not isinstance(column, (DenseColumn, CategoricalColumn)):
                raise ValueError("Items of feature_columns must be either a _DenseColumn or "
                                 "_CategoricalColumn. Given: {}".format(column))
        builder = Builder(features)
        sums = []
        for column, scope_name in zip(columns, scope_names):
            with variable_scope(None, default_name=scope_name) as cvs:
                weight = _weights(column, units, trainable, collections)
                sums.append(_weighted_sum(column, builder, weight, sparse_combiner))
                mapping[column] = _graph().get_collection(GraphKeys.GLOBAL_VARIABLES,
                                                          scope=cvs.name)
        verify_batch_sizes(sums, columns)
        no_bias = add_n(sums, name="weighted_sum_no_bias")
        bias = get_variable("bias_weights", shape=[units], initializer=zeros_initializer(),
                            trainable=trainable)
        _add_to_collections(bias, collections)
        mapping["bias"] = [bias]
        return bias_add(no_bias, bias, name="weighted_sum")


def make_parse_example_spec(feature_columns):
    """`tf.feature_column.make_parse_example_spec`: the tf.io.parse_example features dict.

    >>> import scopeflow as tf
    >>> spec = tf.feature_column.make_parse_example_spec(
    ...     [tf.feature_column.numeric_column("x")])
    >>> spec["x"].shape
    (1,)
    """
    result = {}
    for column in feature_columns:
        if not isinstance(column, FeatureColumn):
            raise ValueError("All feature_columns must be _FeatureColumn instances. Given: {}"
                             .format(column))
        for key, value in column._parse_example_spec.items():
            if key in result and value != result[key]:
                raise ValueError("feature_columns contain different parse_spec for key {}. "
                                 "Given {} and {}".format(key, value, result[key]))
            result[key] = value
    return result
