"""tf.compat.v1.estimator.DNNClassifier / DNNRegressor against TF's (tensorflow_estimator):
seeded training, checkpoint names and values, summaries, evaluate() and predict() dicts,
and TF's errors (canned_oracle.py runs both)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canned_oracle import check, check_errors, run_both  # noqa: E402

pytestmark = pytest.mark.xdist_group("canned_dnn")

PROGRAM = r'''
rng = np.random.RandomState(3)
IRIS_X = {"f%d" % i: rng.uniform(0, 5, size=20).astype(np.float32) for i in range(4)}
IRIS_Y = (IRIS_X["f0"] + IRIS_X["f2"] > 5).astype(np.int64) + (IRIS_X["f1"] > 3)
WORDS = rng.choice(["red", "green", "blue", "gray"], size=(16, 1))
NUM = rng.randn(16, 2).astype(np.float32)
ANSWER = np.where(NUM[:, 0] > 0, "yes", "no")


def iris(tf, E, d):
    """The iris tutorial: 3 classes, 4 numeric columns, Adam by name."""
    cols = [tf.feature_column.numeric_column("f%d" % i) for i in range(4)]
    est = E.DNNClassifier(hidden_units=[8, 6], feature_columns=cols, n_classes=3,
                          optimizer="Adam", model_dir=d,
                          config=E.RunConfig(tf_random_seed=7, save_summary_steps=1))
    return train_eval_predict(est, d, *numpy_fns(IRIS_X, IRIS_Y, 10), steps=2)


def vocabulary(tf, E, d):
    """String labels, example weights, an embedding, dropout, an optimizer callable."""
    color = tf.feature_column.categorical_column_with_vocabulary_list(
        "color", ["red", "green", "blue"])
    cols = [tf.feature_column.embedding_column(color, 3),
            tf.feature_column.numeric_column("num", shape=(2,))]
    est = E.DNNClassifier([5], cols, label_vocabulary=["no", "yes"], weight_column="w",
                          dropout=0.25, model_dir=d,
                          optimizer=lambda: tf.train.GradientDescentOptimizer(0.2),
                          config=E.RunConfig(tf_random_seed=11, save_summary_steps=2))
    x = {"color": WORDS, "num": NUM, "w": np.linspace(0.5, 2, 16).astype(np.float32)}
    return train_eval_predict(est, d, *numpy_fns(x, ANSWER, 8), steps=3)


def regressor(tf, E, d):
    """Two outputs, tanh, an optimizer instance, batch normalization."""
    est = E.DNNRegressor([4, 3], [tf.feature_column.numeric_column("num", shape=(2,))],
                         label_dimension=2, activation_fn=tf.nn.tanh, batch_norm=True,
                         optimizer=tf.train.AdagradOptimizer(0.3), model_dir=d,
                         config=E.RunConfig(tf_random_seed=5, save_summary_steps=1))
    y = np.stack([NUM[:, 0] * 2 + 1, NUM[:, 1] - NUM[:, 0]], 1)
    return train_eval_predict(est, d, *numpy_fns({"num": NUM}, y, 8), steps=2)


def errors(tf, E, d):
    cols = [tf.feature_column.numeric_column("f0")]
    x = {"f0": IRIS_X["f0"]}
    fn = E.inputs.numpy_input_fn

    def train(est, y):
        est.train(fn(x, y, batch_size=10, shuffle=False), steps=1)

    return {
        "n_classes": err(lambda: E.DNNClassifier([2], cols, n_classes=1)),
        "vocab_type": err(lambda: E.DNNClassifier([2], cols, label_vocabulary="ab")),
        "reduction": err(lambda: E.DNNClassifier([2], cols, loss_reduction="bad")),
        "optimizer_name": err(lambda: train(
            E.DNNClassifier([2], cols, optimizer="Nadam", model_dir=d + "/o"), IRIS_Y)),
        "optimizer_object": err(lambda: train(
            E.DNNClassifier([2], cols, optimizer=3, model_dir=d + "/p"), IRIS_Y)),
        "label_range": err(lambda: train(
            E.DNNClassifier([2], cols, n_classes=3, model_dir=d + "/a"), IRIS_Y + 1)),
        "binary_range": err(lambda: train(
            E.DNNClassifier([2], cols, model_dir=d + "/b"), IRIS_Y)),
        "float_labels": err(lambda: train(
            E.DNNClassifier([2], cols, n_classes=3, model_dir=d + "/c"),
            IRIS_Y.astype(np.float32))),
        "label_dim": err(lambda: train(
            E.DNNRegressor([2], cols, model_dir=d + "/e"), np.ones((20, 2), np.float32))),
    }
'''

NAMES = ["iris", "vocabulary", "regressor", "errors"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_both(PROGRAM, NAMES, tmp_path_factory)


@pytest.mark.parametrize("name", ["iris", "vocabulary", "regressor"])
@pytest.mark.parametrize("key", ["names", "checkpoint", "events", "eval", "eval_types",
                                 "predict", "predict_keys"])
def test_estimator(results, name, key):
    check(results, name, key)


def test_errors(results):
    check_errors(results)
