"""tf.metrics against TensorFlow: names, variables, collections and values over updates."""

import pytest
from approx import agree, explain
from oracle import run_here

STREAM = '''
def stream(make, feeds, out_dtype=np.float32):
    """Builds the metric over placeholders; runs its update once per batch."""
    ph = {k: tf.placeholder(tf.as_dtype(np.asarray(v).dtype), [None] + list(np.shape(v)[1:]),
                            name=k) for k, v in feeds[0].items()}
    # identity: a control dependency on a fed Placeholder is the slice's open issue (see below)
    value, update = make({k: tf.identity(v) for k, v in ph.items()})
    out = {"names": [value.name, update.name],
           "local": [v.name for v in tf.local_variables()],
           "metric": [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)],
           "global": [v.name for v in tf.global_variables()],
           "dtypes": [value.dtype.name, update.dtype.name]}
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        out["before"] = s.run(value)
        out["updates"] = [s.run(update, {ph[k]: v for k, v in fd.items()}) for fd in feeds]
        out["after"] = s.run(value)
    return out
'''

F = "np.float32"
BIN = ("[{'l': np.array([1, 0, 1, 1, 0, 1]), 'p': np.array([0.9, 0.2, 0.4, 0.7, 0.6, 0.1], %s),"
       " 'w': np.array([1.0, 2.0, 0.5, 1.0, 1.0, 0.0], %s)},"
       " {'l': np.array([0, 0, 1, 1]), 'p': np.array([0.3, 0.8, 0.55, 0.95], %s),"
       " 'w': np.array([1.0, 1.0, 1.0, 3.0], %s)}]" % (F, F, F, F))
REG = ("[{'l': np.array([1.0, 2.0, 3.0], %s), 'p': np.array([1.5, 2.0, 2.0], %s),"
       " 'w': np.array([1.0, 0.0, 2.0], %s)},"
       " {'l': np.array([0.0, -1.0, 4.0], %s), 'p': np.array([1.0, 1.0, 1.0], %s),"
       " 'w': np.array([1.0, 1.0, 1.0], %s)}]" % (F, F, F, F, F, F))
CLS = ("[{'l': np.array([0, 1, 2, 2, 1]), 'p': np.array([0, 2, 2, 1, 1]),"
       " 'w': np.array([1.0, 1.0, 2.0, 1.0, 0.5], np.float32)},"
       " {'l': np.array([2, 0, 0]), 'p': np.array([2, 0, 1]),"
       " 'w': np.array([1.0, 1.0, 1.0], np.float32)}]")
TOPK = ("[{'l': np.array([[2], [0], [1]], np.int64), 'p': np.array([[0.1, 0.3, 0.6, 0.0],"
        " [0.5, 0.4, 0.1, 0.2], [0.2, 0.1, 0.3, 0.4]], np.float32)},"
        " {'l': np.array([[3], [1], [5]], np.int64), 'p': np.array([[0.1, 0.2, 0.3, 0.4],"
        " [0.4, 0.3, 0.2, 0.1], [0.9, 0.05, 0.03, 0.02]], np.float32)}]")
MULTI = ("[{'l': np.array([[2, 0], [0, -1], [1, 3]], np.int64), 'p': np.array([[0.1, 0.3, 0.6,"
         " 0.0], [0.5, 0.4, 0.1, 0.2], [0.2, 0.1, 0.3, 0.4]], np.float32)}]")

CASES = [
    ("lambda d: tf.metrics.mean(d['p'])", REG),
    ("lambda d: tf.metrics.mean(d['p'], weights=d['w'], name='wm')", REG),
    ("lambda d: tf.metrics.mean_tensor(tf.reshape(d['p'], [3]))", REG),
    ("lambda d: tf.metrics.mean_tensor(tf.reshape(d['p'], [3]), weights=tf.reshape(d['w'], [3]))",
     REG),
    ("lambda d: tf.metrics.accuracy(d['l'], d['p'])", CLS),
    ("lambda d: tf.metrics.accuracy(d['l'], d['p'], weights=d['w'])", CLS),
    ("lambda d: tf.metrics.mean_absolute_error(d['l'], d['p'])", REG),
    ("lambda d: tf.metrics.mean_squared_error(d['l'], d['p'], weights=d['w'])", REG),
    ("lambda d: tf.metrics.root_mean_squared_error(d['l'], d['p'])", REG),
    ("lambda d: tf.metrics.mean_relative_error(d['l'], d['p'], normalizer=d['w'])", REG),
    ("lambda d: tf.metrics.percentage_below(d['p'], 1.5)", REG),
    (("lambda d: tf.metrics.mean_cosine_distance(tf.reshape(d['l'], [-1, 3]) / 5.0,"
      " tf.reshape(d['p'], [-1, 3]) / 3.0, dim=1)"), REG),
    ("lambda d: tf.metrics.mean_per_class_accuracy(d['l'], d['p'], 3)", CLS),
    ("lambda d: tf.metrics.mean_per_class_accuracy(d['l'], d['p'], 3, weights=d['w'])", CLS),
    ("lambda d: tf.metrics.mean_iou(d['l'], d['p'], 3)", CLS),
    ("lambda d: tf.metrics.mean_iou(d['l'], d['p'], 4, weights=d['w'])", CLS),
    ("lambda d: tf.metrics.true_positives(d['l'], d['p'] > 0.5)", BIN),
    ("lambda d: tf.metrics.false_positives(d['l'], d['p'] > 0.5, weights=d['w'])", BIN),
    ("lambda d: tf.metrics.true_negatives(d['l'], d['p'] > 0.5)", BIN),
    ("lambda d: tf.metrics.false_negatives(d['l'], d['p'] > 0.5, weights=d['w'])", BIN),
    ("lambda d: tf.metrics.precision(d['l'], d['p'] > 0.5)", BIN),
    ("lambda d: tf.metrics.recall(d['l'], d['p'] > 0.5, weights=d['w'])", BIN),
    ("lambda d: tf.metrics.true_positives_at_thresholds(d['l'], d['p'], [0.3, 0.5, 0.8])", BIN),
    ("lambda d: tf.metrics.false_positives_at_thresholds(d['l'], d['p'], [0.3, 0.5])", BIN),
    ("lambda d: tf.metrics.true_negatives_at_thresholds(d['l'], d['p'], [0.5], weights=d['w'])",
     BIN),
    ("lambda d: tf.metrics.false_negatives_at_thresholds(d['l'], d['p'], [0.1, 0.5])", BIN),
    ("lambda d: tf.metrics.precision_at_thresholds(d['l'], d['p'], [0.3, 0.5, 0.8])", BIN),
    ("lambda d: tf.metrics.recall_at_thresholds(d['l'], d['p'], [0.3, 0.5], weights=d['w'])",
     BIN),
    ("lambda d: tf.metrics.auc(d['l'], d['p'])", BIN),
    ("lambda d: tf.metrics.auc(d['l'], d['p'], weights=d['w'], num_thresholds=50)", BIN),
    ("lambda d: tf.metrics.auc(d['l'], d['p'], curve='PR')", BIN),
    (("lambda d: tf.metrics.auc(d['l'], d['p'], curve='PR',"
      " summation_method='careful_interpolation')"), BIN),
    ("lambda d: tf.metrics.auc(d['l'], d['p'], summation_method='minoring')", BIN),
    ("lambda d: tf.metrics.auc(d['l'], d['p'], summation_method='majoring', thresholds=[0.5, 0.2])",
     BIN),
    ("lambda d: tf.metrics.sensitivity_at_specificity(d['l'], d['p'], 0.5)", BIN),
    ("lambda d: tf.metrics.specificity_at_sensitivity(d['l'], d['p'], 0.7, num_thresholds=20)",
     BIN),
    ("lambda d: tf.metrics.precision_at_k(d['l'], d['p'], 2)", TOPK),
    ("lambda d: tf.metrics.recall_at_k(d['l'], d['p'], 1)", TOPK),
    ("lambda d: tf.metrics.precision_at_k(d['l'], d['p'], 2, class_id=1)", TOPK),
    ("lambda d: tf.metrics.recall_at_k(d['l'], d['p'], 3, class_id=0)", TOPK),
    ("lambda d: tf.metrics.average_precision_at_k(d['l'], d['p'], 2)", TOPK),
    ("lambda d: tf.metrics.average_precision_at_k(d['l'], d['p'], 3)", MULTI),
    ("lambda d: tf.metrics.precision_at_k(d['l'], d['p'], 3)", MULTI),
    ("lambda d: tf.metrics.recall_at_k(d['l'], d['p'], 2)", MULTI),
    ("lambda d: tf.metrics.recall_at_top_k(d['l'], tf.nn.top_k(d['p'], 2)[1], k=2)", MULTI),
]


@pytest.mark.oracle
@pytest.mark.parametrize("make,feeds", CASES)
def test_metric_matches_tf(oracle, make, feeds):
    code = STREAM + "result = stream(%s, %s)" % (make, feeds)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    # collections, name= and the uniquified default scopes
    """x = tf.constant([1.0, 3.0])
m1 = tf.metrics.mean(x, metrics_collections=["mc"], updates_collections=["uc"])
m2 = tf.metrics.accuracy([1, 2], [1, 3], metrics_collections=["mc"], updates_collections=["uc"])
m3 = tf.metrics.auc([0, 1], [0.3, 0.8], metrics_collections=("mc",), name="my_auc")
with tf.variable_scope("eval"):
    m4 = tf.metrics.precision([1, 0], [1, 1], updates_collections=["uc"])
    m5 = tf.metrics.precision_at_k(tf.constant([[1]], tf.int64), [[0.2, 0.8]], 1,
                                   metrics_collections=["mc"], updates_collections=["uc"])
result = [[t.name for t in tf.get_collection("mc")], [t.name for t in tf.get_collection("uc")],
          [v.name for v in tf.local_variables()], [v.name for v in tf.trainable_variables()],
          [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)]]""",
    # run value and update together, reset by re-initializing the local variables
    """x = tf.placeholder(tf.float32, [None])
m, up = tf.metrics.mean(x * 2.0)
with tf.Session() as s:
    s.run(tf.local_variables_initializer())
    # TF leaves the read of m beside the update unordered: its first session reads 0, later
    # ones 3; only the update's value is compared
    a = s.run([m, up], {x: [1.0, 2.0]})[1]
    b = s.run(up, {x: [4.0]})
    s.run(tf.local_variables_initializer())
    c = [s.run(up, {x: [10.0]}), s.run(m)]  # (TF leaves a read beside the update unordered)
result = [a, b, c]""",
    # errors TF raises while building
    """result = []
for f in [lambda: tf.metrics.auc([0, 1], [0.2, 0.3], curve="XY"),
          lambda: tf.metrics.auc([0, 1], [0.2, 0.3], summation_method="bad"),
          lambda: tf.metrics.sensitivity_at_specificity([0, 1], [0.2, 0.3], 1.5),
          lambda: tf.metrics.specificity_at_sensitivity([0, 1], [0.2, 0.3], -0.5),
          lambda: tf.metrics.average_precision_at_k(tf.constant([[1]], tf.int64), [[0.2, 0.8]], 0),
          lambda: tf.metrics.accuracy([1, 2, 3], [1, 2]),
          lambda: tf.metrics.mean([1.0, 2.0], weights=[1.0, 2.0, 3.0])]:
    try:
        f()
        result.append("ok")
    except Exception as e:
        result.append([type(e).__name__, str(e)[:60]])""",
    # predictions outside [0, 1]: the threshold metrics' assertion fails at run time
    """p = tf.placeholder(tf.float32, [None])
a, up = tf.metrics.auc([0, 1], p)
with tf.Session() as s:
    s.run(tf.local_variables_initializer())
    try:
        s.run(up, {p: [0.5, 1.5]})
        result = "ok"
    except tf.errors.InvalidArgumentError as e:
        result = ["InvalidArgumentError", "predictions must be in [0, 1]" in str(e)]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_mean_of_a_fed_placeholder(tf):
    x = tf.placeholder(tf.float32, [None])
    _, up = tf.metrics.mean(x)  # update_count has a control dependency on x's op
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        assert s.run(up, {x: [1.0, 2.0]}) == 1.5
