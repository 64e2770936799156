"""The canned estimators of tf.compat.v1.estimator (v1 heads, SUM loss reduction): DNN,
Linear and DNNLinearCombined classifiers / regressors / estimators, and the parse-spec
helpers."""
