"""tf.estimator.classifier_parse_example_spec / regressor_parse_example_spec: the
parse_example spec of feature columns plus the label (and weight) features.

>>> import scopeflow.compat.v1 as tf
>>> sorted(classifier_parse_example_spec([tf.feature_column.numeric_column("x")], "y"))
['x', 'y']
"""

from scopeflow.estimator._tf import tf


def _add_label_and_weight(spec, label_key, label_spec, weight_column):
    t = tf()
    if label_key in spec:
        raise ValueError("label should not be used as feature. label_key: {}, features: {}"
                         .format(label_key, spec.keys()))
    spec[label_key] = label_spec
    if weight_column is None:
        return spec
    if isinstance(weight_column, str):
        weight_column = t.feature_column.numeric_column(weight_column)
    from scopeflow.feature_column.numeric import NumericColumn
    if not isinstance(weight_column, NumericColumn):
        raise ValueError("weight_column should be an instance of "
                         "tf.feature_column.numeric_column. Given type: {} value: {}"
                         .format(type(weight_column), weight_column))
    if weight_column.key in spec:
        raise ValueError("weight_column should not be used as feature. weight_column: {}, "
                         "features: {}".format(weight_column.key, spec.keys()))
    spec.update(weight_column._parse_example_spec)
    return spec


def classifier_parse_example_spec(feature_columns, label_key, label_dtype=None,
                                  label_default=None, weight_column=None):
    """The columns' spec plus `label_key`: FixedLenFeature((1,), label_dtype (int64))."""
    t = tf()
    spec = t.feature_column.make_parse_example_spec(feature_columns)
    label_spec = t.io.FixedLenFeature((1,), label_dtype or t.int64, label_default)
    return _add_label_and_weight(spec, label_key, label_spec, weight_column)


def regressor_parse_example_spec(feature_columns, label_key, label_dtype=None,
                                 label_default=None, label_dimension=1, weight_column=None):
    """The columns' spec plus `label_key`: FixedLenFeature((label_dimension,), float32)."""
    t = tf()
    spec = t.feature_column.make_parse_example_spec(feature_columns)
    label_spec = t.io.FixedLenFeature((label_dimension,), label_dtype or t.float32,
                                      label_default)
    return _add_label_and_weight(spec, label_key, label_spec, weight_column)
