"""tf.compat.v1.estimator.DNNLinearCombinedClassifier / Regressor (wide & deep) against TF's
(tensorflow_estimator): both parts trained by their own optimizers, one global step, the
checkpoints, summaries, evaluate() / predict() dicts and TF's errors (canned_oracle.py)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canned_oracle import check, check_errors, run_both  # noqa: E402

pytestmark = pytest.mark.xdist_group("canned_combined")

PROGRAM = r'''
rng = np.random.RandomState(9)
SHAPE = rng.choice(["circle", "square", "star"], size=(24, 1))
SIZE = rng.uniform(0, 3, size=(24, 1)).astype(np.float32)
COUNT = rng.randint(0, 5, size=(24, 1))
CLASS = ((SIZE[:, 0] > 1.5).astype(np.int64) + (SHAPE[:, 0] == "star") * 2) % 4


def _columns(tf):
    shape = tf.feature_column.categorical_column_with_vocabulary_list(
        "shape", ["circle", "square", "star"])
    count = tf.feature_column.categorical_column_with_identity("count", 5)
    size = tf.feature_column.numeric_column("size")
    wide = [shape, tf.feature_column.crossed_column([shape, count], 13),
            tf.feature_column.bucketized_column(size, [1., 2.])]
    deep = [size, tf.feature_column.embedding_column(shape, 2),
            tf.feature_column.indicator_column(count)]
    return wide, deep


def classifier(tf, E, d):
    """Four classes, Adam for the DNN part and FTRL (by name) for the linear part."""
    wide, deep = _columns(tf)
    est = E.DNNLinearCombinedClassifier(
        model_dir=d, linear_feature_columns=wide, dnn_feature_columns=deep,
        dnn_hidden_units=[6, 4], dnn_optimizer="Adam", n_classes=4,
        config=E.RunConfig(tf_random_seed=4, save_summary_steps=1))
    x = {"shape": SHAPE, "size": SIZE, "count": COUNT}
    return train_eval_predict(est, d, *numpy_fns(x, CLASS, 12), steps=2)


def regressor(tf, E, d):
    """Weighted regression, the linear part with sqrtn combiner and SGD instance."""
    wide, deep = _columns(tf)
    est = E.DNNLinearCombinedRegressor(
        model_dir=d, linear_feature_columns=wide, dnn_feature_columns=deep,
        dnn_hidden_units=[5], weight_column="w", linear_sparse_combiner="sqrtn",
        linear_optimizer=tf.train.GradientDescentOptimizer(0.05),
        config=E.RunConfig(tf_random_seed=6, save_summary_steps=1))
    x = {"shape": SHAPE, "size": SIZE, "count": COUNT, "w": np.linspace(1, 3, 24)}
    y = SIZE[:, 0] * 2 + (SHAPE[:, 0] == "star")
    return train_eval_predict(est, d, *numpy_fns(x, y, 8), steps=2)


def wide_only(tf, E, d):
    """Only linear columns: the DNN part is left out."""
    wide, _ = _columns(tf)
    est = E.DNNLinearCombinedClassifier(model_dir=d, linear_feature_columns=wide,
                                        config=E.RunConfig(tf_random_seed=8))
    x = {"shape": SHAPE, "size": SIZE, "count": COUNT}
    return train_eval_predict(est, d, *numpy_fns(x, CLASS % 2, 12), steps=2)


def errors(tf, E, d):
    wide, deep = _columns(tf)
    x = {"shape": SHAPE, "size": SIZE, "count": COUNT}
    return {
        "no_columns": err(lambda: E.DNNLinearCombinedClassifier()),
        "no_units": err(lambda: E.DNNLinearCombinedClassifier(
            model_dir=d, dnn_feature_columns=deep).train(numpy_fns(x, CLASS, 12)[0],
                                                         steps=1)),
    }
'''

NAMES = ["classifier", "regressor", "wide_only", "errors"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_both(PROGRAM, NAMES, tmp_path_factory)


@pytest.mark.parametrize("name", ["classifier", "regressor", "wide_only"])
@pytest.mark.parametrize("key", ["names", "checkpoint", "events", "eval", "eval_types",
                                 "predict", "predict_keys"])
def test_estimator(results, name, key):
    check(results, name, key)


def test_errors(results):
    check_errors(results)
