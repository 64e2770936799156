"""A census-style wide & deep model as TF 1 tutorials wrote it (2017-2019): synthetic rows,
vocabulary / hashed / bucketized / crossed columns in the wide part, embeddings and numeric
columns in the deep part, tf.estimator.DNNLinearCombinedClassifier trained from a numpy
input_fn, evaluated, asked for predictions and exported for serving.

    python -m scopeflow run examples/wide_deep.py --steps 200 --out /tmp/wd
    # under TF: TF 2.21 has no tf.estimator; tests/estimator/canned/test_wide_deep.py runs it
    # with tensorflow_estimator patched in

Prints one JSON line: evaluate()'s dict, the first predictions, the exported signatures.
"""

import argparse
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf

EDUCATION = ["Bachelors", "HS-grad", "Masters", "Doctorate", "Some-college"]
OCCUPATION = ["Tech-support", "Craft-repair", "Sales", "Exec-managerial", "Farming"]


def make_data(n, seed):
    """Census-like columns and an income label that depends on them."""
    rng = np.random.RandomState(seed)
    age = rng.randint(17, 80, size=(n, 1)).astype(np.float32)
    hours = rng.randint(10, 70, size=(n, 1)).astype(np.float32)
    education = rng.choice(EDUCATION, size=(n, 1))
    occupation = rng.choice(OCCUPATION, size=(n, 1))
    country = rng.choice(["US", "MX", "IN", "DE", "PH", "CN"], size=(n, 1))
    score = ((age[:, 0] - 40) / 10 + (hours[:, 0] - 40) / 15
             + np.isin(education[:, 0], ["Masters", "Doctorate"]) * 1.5
             + (occupation[:, 0] == "Exec-managerial") - 0.5 + rng.randn(n) * 0.5)
    label = np.where(score > 0, ">50K", "<=50K")
    return ({"age": age, "hours_per_week": hours, "education": education,
             "occupation": occupation, "native_country": country}, label)


def build_columns():
    age = tf.feature_column.numeric_column("age")
    education = tf.feature_column.categorical_column_with_vocabulary_list("education",
                                                                          EDUCATION)
    occupation = tf.feature_column.categorical_column_with_vocabulary_list("occupation",
                                                                           OCCUPATION)
    country = tf.feature_column.categorical_column_with_hash_bucket("native_country", 10)
    age_buckets = tf.feature_column.bucketized_column(age, [25, 30, 35, 40, 50, 60])
    wide = [education, occupation, country, age_buckets,
            tf.feature_column.crossed_column(["education", "occupation"], 50),
            tf.feature_column.crossed_column([age_buckets, "education"], 40)]
    deep = [tf.feature_column.numeric_column("age", normalizer_fn=lambda v: (v - 45.) / 15.),
            tf.feature_column.numeric_column("hours_per_week",
                                             normalizer_fn=lambda v: (v - 40.) / 15.),
            tf.feature_column.indicator_column(education),
            tf.feature_column.embedding_column(occupation, 4),
            tf.feature_column.embedding_column(country, 3)]
    return wide, deep


def main(steps, out, eval_rows=500):
    shutil.rmtree(out, ignore_errors=True)
    x, y = make_data(2000, 0)
    x_test, y_test = make_data(eval_rows, 1)
    wide, deep = build_columns()
    est = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=os.path.join(out, "model"), linear_feature_columns=wide,
        dnn_feature_columns=deep, dnn_hidden_units=[32, 16],
        label_vocabulary=["<=50K", ">50K"],
        config=tf.estimator.RunConfig(tf_random_seed=42, save_summary_steps=50,
                                      log_step_count_steps=1000))
    fn = tf.estimator.inputs.numpy_input_fn
    est.train(fn(x, y, batch_size=64, num_epochs=None, shuffle=False), steps=steps)
    metrics = est.evaluate(fn(x_test, y_test, batch_size=100, num_epochs=1, shuffle=False))
    head = {k: v[:5] for k, v in x_test.items()}
    preds = list(est.predict(fn(head, batch_size=5, num_epochs=1, shuffle=False)))
    spec = tf.feature_column.make_parse_example_spec(wide + deep)
    path = est.export_saved_model(os.path.join(out, "export"),
                                  tf.estimator.export.build_parsing_serving_input_receiver_fn(
                                      spec))
    with tf.Graph().as_default(), tf.Session() as s:
        meta = tf.saved_model.loader.load(s, ["serve"], path)
        signatures = sorted(meta.signature_def)
    return {"eval": {k: float(v) for k, v in metrics.items()},
            "predictions": [{k: np.asarray(v).tolist() for k, v in sorted(p.items())
                             if k in ("class_ids", "classes", "logistic")} for p in preds],
            "signatures": signatures}


def _json(x):
    if isinstance(x, bytes):
        return x.decode()
    raise TypeError(type(x))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", default="/tmp/wide_deep")
    parser.add_argument("--eval_rows", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(main(args.steps, args.out, args.eval_rows), default=_json))
