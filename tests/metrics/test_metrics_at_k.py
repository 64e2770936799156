"""tf.metrics' top-k metrics against TensorFlow: SparseTensor labels (ragged rows, -1 and
repeated ids), dense labels of any rank, class_id, weights and their errors; variable and op
names, values over several updates."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

# one program per metric call: the labels as a fed sparse_placeholder (ragged, nnz varies per
# step), predictions fed; records names, the update's value per step and the value after
SPARSE_STEPS = '''
steps = [
    (tf.SparseTensorValue([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]],
                          np.array([2, 0, 1, 3, 3, -1], np.int64), [3, 3]),
     np.array([[0.1, 0.3, 0.6, 0.0], [0.5, 0.4, 0.1, 0.2], [0.2, 0.1, 0.3, 0.4]], np.float32)),
    (tf.SparseTensorValue([[0, 0], [2, 0], [2, 1]], np.array([3, 0, 7], np.int64), [3, 2]),
     np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], [0.9, 0.05, 0.03, 0.02]],
              np.float32)),
    (tf.SparseTensorValue([[1, 0], [1, 1], [1, 2], [1, 3]], np.array([1, 1, 2, 0], np.int64),
                          [3, 4]),
     np.array([[0.3, 0.3, 0.2, 0.2], [0.1, 0.5, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]],
              np.float32)),
]
labels = tf.sparse_placeholder(tf.int64, name="labels")
p = tf.placeholder(tf.float32, [None, 4], name="p")
w = tf.placeholder(tf.float32, [None], name="w")
value, update = make(labels, p, w)
result = {"names": [value.name, update.name, value.dtype.name],
          "local": [v.name for v in tf.local_variables()],
          "metric": [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)]}
with tf.Session() as s:
    s.run(tf.local_variables_initializer())
    result["updates"] = [s.run(update, {labels: l, p: x, w: [1.0, 0.5, 2.0]})
                         for l, x in steps]
    result["after"] = s.run(value)
'''

SPARSE_METRICS = [
    "lambda l, p, w: tf.metrics.precision_at_k(l, p, 2)",
    "lambda l, p, w: tf.metrics.recall_at_k(l, p, 2)",
    "lambda l, p, w: tf.metrics.recall_at_k(l, p, 1, weights=w)",
    "lambda l, p, w: tf.metrics.precision_at_k(l, p, 3, class_id=0, weights=w)",
    "lambda l, p, w: tf.metrics.recall_at_k(l, p, 3, class_id=3, name='r3')",
    "lambda l, p, w: tf.metrics.sparse_precision_at_k(l, p, 1)",
    "lambda l, p, w: tf.metrics.average_precision_at_k(l, p, 3)",
    "lambda l, p, w: tf.metrics.sparse_average_precision_at_k(l, p, 2, weights=w)",
    "lambda l, p, w: tf.metrics.precision_at_top_k(l, tf.nn.top_k(p, 2)[1], k=2)",
    "lambda l, p, w: tf.metrics.recall_at_top_k(l, tf.nn.top_k(p, 3)[1], class_id=1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("make", SPARSE_METRICS)
def test_sparse_labels_match_tf(oracle, make):
    code = "make = %s\n%s" % (make, SPARSE_STEPS)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    # constant SparseTensor labels of rank one less than predictions (a trailing 1 added),
    # 3-D predictions with 3-D sparse labels and per-row weights
    """p = tf.constant([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]])
l1 = tf.SparseTensorValue([[0], [1], [2]], np.array([1, 2, 7], np.int64), [3])
p3 = tf.constant([[[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]], [[0.2, 0.3, 0.5], [0.4, 0.4, 0.2]]])
l3 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]],
                     tf.constant([1, 2, 2, 0, 1, 0], tf.int64), [2, 2, 2])
ms = [tf.metrics.precision_at_k(l1, p, 1), tf.metrics.recall_at_k(l1, p, 2),
      tf.metrics.average_precision_at_k(l1, p, 2),
      tf.metrics.precision_at_k(l3, p3, 2, weights=[[1.0], [0.0]]),
      tf.metrics.recall_at_k(l3, p3, 1, weights=[[1.0, 2.0], [3.0, 0.5]]),
      tf.metrics.recall_at_k(l3, p3, 2, class_id=2, weights=2.0),
      tf.metrics.average_precision_at_k(l3, p3, 3, weights=[[0.5, 1.0], [1.0, 1.0]]),
      tf.metrics.precision_at_top_k(l3, tf.constant([[[1, 2], [0, 1]], [[2, 1], [0, 1]]]))]
with tf.Session() as s:
    s.run(tf.local_variables_initializer())
    ups = [s.run([u for _, u in ms]) for _ in range(2)]
    result = [[[m.name, u.name] for m, u in ms], ups, s.run([m for m, _ in ms]),
              sorted(v.name for v in tf.local_variables())]""",
    # dense labels of rank 3 (and rank 2 under 3-D predictions), -1 and repeated ids
    """p3 = tf.constant([[[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]], [[0.2, 0.3, 0.5], [0.4, 0.4, 0.2]]])
l3 = tf.constant([[[1, 1], [2, -1]], [[0, 2], [1, 0]]], tf.int64)
l2 = tf.constant([[1, 2], [0, 0]], tf.int64)
ms = [tf.metrics.precision_at_k(l3, p3, 2), tf.metrics.recall_at_k(l3, p3, 1),
      tf.metrics.average_precision_at_k(l3, p3, 2), tf.metrics.recall_at_k(l2, p3, 2),
      tf.metrics.precision_at_k(l2, p3, 1, class_id=0, weights=[[2.0, 1.0], [1.0, 0.0]])]
with tf.Session() as s:
    s.run(tf.local_variables_initializer())
    result = [[s.run([u for _, u in ms]) for _ in range(2)],
              sorted(v.name for v in tf.local_variables())]""",
    # weights that do not broadcast: TF builds and fails the run (its set sizes have no static
    # shape); the variables stay unchanged
    """p = tf.constant([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
dense = tf.constant([[1], [2]], tf.int64)
sparse = tf.SparseTensorValue([[0, 0], [1, 0]], np.array([1, 2], np.int64), [2, 1])
result = []
for labels in (dense, sparse):
    for w in ([1.0, 2.0, 3.0], [[1.0], [2.0]], [[1.0, 2.0]]):
        for f in (tf.metrics.recall_at_k, tf.metrics.average_precision_at_k):
            m, up = f(labels, p, 2, weights=w)
            with tf.Session() as s:
                s.run(tf.local_variables_initializer())
                e = err(lambda: s.run(up))
                # the message less the tensors' names (which of TF's two checks fails first
                # varies from run to run)
                fields = e[1].split("] [")
                result.append([e[0], [fields[i] for i in (0, 1, 3, 4, 6)], s.run(m)])""",
    # errors TF raises while building
    """p = tf.constant([[0.1, 0.6, 0.3]])
sp = tf.SparseTensorValue([[0], [1]], np.array([2, 7], np.int64), [10])
result = [err(lambda: tf.metrics.precision_at_k(tf.constant([[1]]), p, 1)),
          err(lambda: tf.metrics.recall_at_k(tf.constant([[1.0]]), p, 1, class_id=1)),
          err(lambda: tf.metrics.precision_at_top_k(tf.constant([[1]]), tf.constant([[1]]))),
          err(lambda: tf.metrics.recall_at_k(
              tf.SparseTensor([[0, 0]], tf.constant([1]), [1, 1]), p, 1)),
          err(lambda: tf.metrics.precision_at_top_k(
              tf.constant([[[1]]], tf.int64), tf.constant([9, 4], tf.int64))),
          err(lambda: tf.metrics.average_precision_at_k(tf.constant([[1]], tf.int64), p, 0))]
result.append(err(lambda: tf.metrics.precision_at_top_k(sp, tf.constant([9, 4], tf.int64)))[0])
result.append(err(lambda: tf.metrics.precision_at_top_k(
    tf.constant([1, 2], tf.int64), tf.constant([9, 4], tf.int64)))[0])""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    code = ORACLE_HELPERS + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
