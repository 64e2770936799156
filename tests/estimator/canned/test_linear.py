"""tf.compat.v1.estimator.LinearClassifier / LinearRegressor against TF's
(tensorflow_estimator): FTRL training, checkpoints, summaries, evaluate() / predict(), and
export_saved_model through the parsing and raw serving receivers (signatures and served
values); canned_oracle.py runs both."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canned_oracle import check, check_errors, run_both  # noqa: E402

pytestmark = pytest.mark.xdist_group("canned_linear")

PROGRAM = r'''
rng = np.random.RandomState(5)
ROOMS = rng.uniform(3, 9, size=20).astype(np.float32)
AGE = rng.uniform(0, 100, size=20).astype(np.float32)
TAX = rng.uniform(100, 700, size=20).astype(np.float32)
PRICE = (ROOMS * 5 - AGE * 0.1 - TAX * 0.01 + rng.randn(20)).astype(np.float32)
JOB = rng.choice(["tech", "sales", "farm", "none"], size=(20, 1))
CITY = rng.choice(["a", "b", "c", "d", "e"], size=(20, 1))
HOURS = rng.uniform(10, 60, size=(20, 1)).astype(np.float32)
KIND = np.array(["low", "mid", "high"])[(HOURS[:, 0] > 30).astype(int) + (JOB[:, 0] == "tech")]


def boston(tf, E, d):
    """The boston tutorial: numeric columns, default FTRL, a weight column."""
    cols = [tf.feature_column.numeric_column(k) for k in ("rooms", "age", "tax")]
    est = E.LinearRegressor(cols, weight_column="w", model_dir=d,
                            config=E.RunConfig(tf_random_seed=1, save_summary_steps=1))
    x = {"rooms": ROOMS, "age": AGE, "tax": TAX, "w": np.linspace(1, 2, 20)}
    return train_eval_predict(est, d, *numpy_fns(x, PRICE, 10), steps=2)


def _census_columns(tf):
    job = tf.feature_column.categorical_column_with_vocabulary_list(
        "job", ["tech", "sales", "farm"])
    city = tf.feature_column.categorical_column_with_hash_bucket("city", 7)
    hours = tf.feature_column.numeric_column("hours")
    return [job, city, tf.feature_column.bucketized_column(hours, [20., 40.]),
            tf.feature_column.crossed_column([job, "city"], 11), hours]


def census(tf, E, d):
    """Three string classes, vocabulary / hashed / bucketized / crossed columns, 'mean'
    combiner, SGD by name."""
    est = E.LinearClassifier(_census_columns(tf), n_classes=3,
                             label_vocabulary=["low", "mid", "high"], optimizer="SGD",
                             sparse_combiner="mean", model_dir=d,
                             config=E.RunConfig(tf_random_seed=2, save_summary_steps=1))
    x = {"job": JOB, "city": CITY, "hours": HOURS}
    return train_eval_predict(est, d, *numpy_fns(x, KIND, 10), steps=2)


def export(tf, E, d):
    """A binary classifier exported through both receivers, then served from disk."""
    cols = _census_columns(tf)
    est = E.LinearClassifier(cols, model_dir=d + "/m",
                             config=E.RunConfig(tf_random_seed=3))
    x = {"job": JOB, "city": CITY, "hours": HOURS}
    est.train(numpy_fns(x, (HOURS[:, 0] > 30).astype(np.int64), 10)[0], steps=1)
    spec = tf.feature_column.make_parse_example_spec(cols)
    parsed = est.export_saved_model(d + "/parsing",
                                    E.export.build_parsing_serving_input_receiver_fn(spec))
    raw = est.export_saved_model(d + "/raw", E.export.build_raw_serving_input_receiver_fn({
        "job": tf.placeholder(tf.string, [None, 1]),
        "city": tf.placeholder(tf.string, [None, 1]),
        "hours": tf.placeholder(tf.float32, [None, 1])}))
    out = {}
    for kind, path in (("parsing", parsed), ("raw", raw)):
        with tf.Graph().as_default(), tf.Session() as s:
            meta = tf.saved_model.loader.load(s, ["serve"], path)
            sigs = {}
            for key, sig in sorted(meta.signature_def.items()):
                sigs[key] = [sig.method_name,
                             sorted([k, v.name, v.dtype] for k, v in sig.inputs.items()),
                             sorted([k, v.name, v.dtype] for k, v in sig.outputs.items())]
            out[kind + "_signatures"] = sigs
            sig = meta.signature_def["predict"]
            if kind == "parsing":
                examples = []
                for i in range(3):
                    ex = tf.train.Example()
                    ex.features.feature["job"].bytes_list.value.append(JOB[i, 0].encode())
                    ex.features.feature["city"].bytes_list.value.append(CITY[i, 0].encode())
                    ex.features.feature["hours"].float_list.value.append(float(HOURS[i, 0]))
                    examples.append(ex.SerializeToString())
                feed = {sig.inputs["examples"].name: examples}
            else:
                feed = {sig.inputs[k].name: x[k][:3] for k in ("job", "city", "hours")}
            fetch = {k: v.name for k, v in sig.outputs.items()}
            out[kind + "_served"] = s.run(fetch, feed)
    return out


def errors(tf, E, d):
    cols = [tf.feature_column.numeric_column("rooms")]
    fn = E.inputs.numpy_input_fn
    return {
        "vocab_type": err(lambda: E.LinearClassifier(cols, n_classes=3,
                                                     label_vocabulary={"a": 1})),
        "string_labels": err(lambda: E.LinearClassifier(cols, n_classes=3, model_dir=d).train(
            fn({"rooms": ROOMS}, np.array(["x"] * 20), batch_size=5, shuffle=False),
            steps=1)),
        "no_labels": err(lambda: E.LinearRegressor(cols, model_dir=d + "/r").train(
            fn({"rooms": ROOMS}, batch_size=5, shuffle=False), steps=1)),
    }
'''

NAMES = ["boston", "census", "export", "errors"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_both(PROGRAM, NAMES, tmp_path_factory)


@pytest.mark.parametrize("name", ["boston", "census"])
@pytest.mark.parametrize("key", ["names", "checkpoint", "events", "eval", "eval_types",
                                 "predict", "predict_keys"])
def test_estimator(results, name, key):
    check(results, name, key)


@pytest.mark.parametrize("key", ["parsing_signatures", "parsing_served", "raw_signatures",
                                 "raw_served"])
def test_export(results, key):
    check(results, "export", key)


def test_errors(results):
    check_errors(results)
