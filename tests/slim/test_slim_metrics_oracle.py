"""slim.metrics and slim.data against real tf_slim: names, local variables, collections,
values and errors of the metrics tf_slim's own test files leave unchecked here (several of its
tests cannot run on TF 2.21, whose internal modules lost `stack`, `cond`, `case`, `Assert`;
the prelude puts those back on the TF side only)."""

import pytest
from oracle import explain, run_here, same

PRELUDE = """
import numpy as np
try:
    import tf_slim as slim
    from tensorflow.python.ops import array_ops, control_flow_ops
    for _m, _names in ((array_ops, ("stack",)), (control_flow_ops, ("cond", "case", "Assert"))):
        for _n in _names:
            if not hasattr(_m, _n):
                setattr(_m, _n, getattr(tf, _n))
except ImportError:
    slim = tf.contrib.slim
m = slim.metrics
def record(value, update, feeds=(), runs=2):
    names = [getattr(v, "name", None) for v in tf.nest.flatten(value)] + [update.name]
    local = [(v.name, v.shape.as_list() if v.shape.ndims is not None else None)
             for v in tf.local_variables()]
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        for f in list(feeds) or [{}] * runs:
            s.run(update, f)
        got = [np.round(np.asarray(x, np.float64), 4).tolist() for x in s.run(tf.nest.flatten(value))]
    return [names, local, got, [t.name for t in tf.get_collection("mc")],
            [t.name for t in tf.get_collection("uc")]]
"""

P = "p = tf.constant([0.1, 0.9, 0.4, 0.7, 0.3, 0.8])\n"
L = "l = tf.constant([0, 1, 1, 1, 0, 0])\n"
C = "metrics_collections=['mc'], updates_collections=['uc']"

PROGRAMS = [
    P + L + "result = record(*m.streaming_false_positive_rate(p > 0.5, l, %s))" % C,
    P + L + "result = record(*m.streaming_false_negative_rate(p > 0.5, l, weights=[1., 2, 1, 1, 0, 1]))",
    P + L + "result = record(*m.streaming_false_positive_rate_at_thresholds(p, l, [0.2, 0.5], %s))" % C,
    P + L + "result = record(*m.streaming_false_negative_rate_at_thresholds(p, l, [0.2, 0.5]))",
    P + L + "result = record(*m.streaming_true_positives_at_thresholds(p, l, [0.2, 0.5]))",
    P + L + "result = record(*m.streaming_curve_points(l, p, num_thresholds=5, curve='PR'))",
    P + L + "result = record(*m.streaming_curve_points(l, p, num_thresholds=4, %s))" % C,
    P + L + "result = record(*m.recall_at_precision(l, p, 0.6, num_thresholds=11))",
    P + L + "result = record(*m.recall_at_precision(l, p, 0.9, strict_mode=True))",
    P + L + "result = record(*m.precision_at_recall(l, p, 0.5, %s))" % C,
    P + L + ("r, up = m.precision_recall_at_equal_thresholds(tf.cast(l, tf.bool), p, "
             "num_thresholds=5)\n"
             "result = record(r, up) + [list(r._fields), tf.Session().run(r.thresholds).tolist()]"),
    P + L + "result = record(*m.streaming_covariance(p, tf.cast(l, tf.float32), %s))" % C,
    P + L + "result = record(*m.streaming_pearson_correlation(p, tf.cast(l, tf.float32), weights=[1., 2, 1, 1, 3, 1]))",
    "a = tf.constant([[1., 0], [0, 1]]); b = tf.constant([[1., 0], [0.6, 0.8]])\n"
    "result = record(*m.streaming_mean_cosine_distance(a, b, dim=1, %s))" % C,
    P + "result = record(*m.count(p, %s))" % C,
    P + "result = record(*m.count(p, weights=[1., 2, 1, 1, 3, 1]))",
    L + ("result = record(*m.cohen_kappa(l, tf.constant([0, 1, 0, 1, 0, 1]), 2, %s))" % C),
    L + "result = record(*m.cohen_kappa(l, tf.constant([0, 1, 0, 1, 0, 1]), 2, weights=[1., 2, 1, 1, 3, 1]))",
    L + "result = m.cohen_kappa(l, l, 1)",
    "x = tf.placeholder(tf.int32, [None, 2])\nv, up = m.streaming_concat(x, %s)\n" % C
    + "result = record(v, up, [{x: [[1, 2]]}, {x: [[3, 4], [5, 6], [7, 8]]}]) + [v.shape.as_list()]",
    "x = tf.placeholder(tf.float32, [2, None])\nv, up = m.streaming_concat(x, axis=1, max_size=3)\n"
    "result = record(v, up, [{x: [[1, 2], [3, 4]]}, {x: [[5, 6], [7, 8]]}])",
    "result = m.streaming_concat(tf.placeholder(tf.float32, [None, None]))",
    "result = m.streaming_concat(tf.zeros([2]), axis=2)",
    "result = tf.Session().run([m.metric_ops._next_array_size(n) for n in (1, 2, 5, 10)])",
    P + L + "result = record(*m.streaming_dynamic_auc(l, p, %s))" % C,
    P + L + "result = record(*m.streaming_dynamic_auc(l, p, curve='PR', weights=[1., 2, 1, 1, 3, 1]))",
    P + L + "result = record(*m.auc_with_confidence_intervals(l, p))",
    P + L + "result = record(*m.auc_with_confidence_intervals(l, p, alpha=0.5, logit_transformation=False))",
    P + L + "result = m.auc_with_confidence_intervals(l, p, alpha=1.5)",
    P + L + "result = record(*m.f1_score(l, p, num_thresholds=5, %s))" % C,
    P + L + "result = record(*m.streaming_recall_at_k(tf.stack([p, 1 - p], 1), l, 1))",
    P + L + "result = record(*m.streaming_auc(p, l, num_thresholds=5, %s))" % C,
    P + L + "result = record(*m.streaming_mean(p, weights=[1., 2, 1, 1, 3, 1]))",
    ("x = tf.constant([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]]); y = tf.constant([[1], [2]], tf.int64)\n"
     "result = record(*m.streaming_sparse_precision_at_k(x, y, 2)) + "
     "record(*m.streaming_sparse_average_precision_at_top_k(tf.constant([[1, 2], [0, 1]]), y))"),
    ("i = tf.constant([[1, 2], [0, 1]], tf.int64); y = tf.constant([[1], [2]], tf.int64)\n"
     "result = record(*m.sparse_recall_at_top_k(y, i, class_id=1)) + "
     "record(*m.streaming_sparse_precision_at_top_k(i, y))"),
    "result = m.aggregate_metric_map({'a': (1, 2), 'b': (3, 4)}) and sorted(m.aggregate_metric_map({'a': (1, 2)})[0].items())",
    "result = m.aggregate_metrics()",
    ("lab = tf.constant([True, False, True, False]); s = tf.constant([0.9, 0.2, 0.6, 0.7])\n"
     "auc, up = m.auc_using_histogram(lab, s, [0.0, 1.0], nbins=4)\nresult = record(auc, up)"),
    "result = m.auc_using_histogram(tf.constant([1, 0]), tf.constant([0.1, 0.2]), [0., 1.])",
    ("a = m.accuracy(tf.constant([1, 2, 3]), tf.constant([1, 2, 4]), weights=tf.constant([1., 1, 2]))\n"
     "result = [a.name, round(float(tf.Session().run(a)), 5)]"),
    "result = m.accuracy(tf.constant([1., 2]), tf.constant([1., 2]))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_slim_metrics_like_tf_slim(oracle, code):
    code = PRELUDE + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


EXAMPLE = """
def feature(v):
    if isinstance(v, bytes):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[v]))
    if isinstance(v[0], float):
        return tf.train.Feature(float_list=tf.train.FloatList(value=v))
    return tf.train.Feature(int64_list=tf.train.Int64List(value=v))
def example(**kw):
    return tf.train.Example(features=tf.train.Features(feature={
        k.replace("__", "/"): feature(v) for k, v in kw.items()})).SerializeToString()
img = (np.arange(4 * 3 * 3) * 7 % 256).astype(np.uint8).reshape(4, 3, 3)
with tf.Session() as s:
    png = s.run(tf.image.encode_png(img))
td = slim.tfexample_decoder
S = tf.FixedLenFeature((), tf.string, default_value="")
def run(decoder, ex, items=None):
    out = decoder.decode(tf.constant(ex), items)
    with tf.Session() as s:
        got = s.run(out)
    return [[getattr(t, "name", None) for t in out],
            [np.asarray(g).tolist() if not hasattr(g, "indices") else
             [g.indices.tolist(), g.values.tolist(), g.dense_shape.tolist()] for g in got]]
"""

DATA_PROGRAMS = [
    ("keys = {'image/encoded': S, 'image/format': S}\n"
     "d = td.TFExampleDecoder(keys, {'image': td.Image(shape=(4, 3, 3))})\n"
     "result = run(d, example(image__encoded=png, image__format=b'png'))"),
    ("keys = {'image/encoded': S, 'image/format': S}\n"
     "d = td.TFExampleDecoder(keys, {'image': td.Image(channels=3)})\n"
     "result = run(d, example(image__encoded=img.tobytes(), image__format=b'raw'))"),
    ("keys = {'x': tf.VarLenFeature(tf.int64), 'shape': tf.VarLenFeature(tf.int64)}\n"
     "d = td.TFExampleDecoder(keys, {'x': td.Tensor('x', shape_keys='shape')})\n"
     "result = run(d, example(x=[1, 2, 3, 4, 5, 6], shape=[3, 2]))"),
    ("keys = {'x': tf.VarLenFeature(tf.int64)}\n"
     "d = td.TFExampleDecoder(keys, {'x': td.Tensor('x', shape=[2, 2], default_value=-1)})\n"
     "result = run(d, example(x=[1, 2, 3, 4]))"),
    ("keys = {'i': tf.VarLenFeature(tf.int64), 'v': tf.VarLenFeature(tf.float32)}\n"
     "d = td.TFExampleDecoder(keys, {'s': td.SparseTensor('i', 'v', shape=[5]), "
     "'d': td.SparseTensor('i', 'v', shape=[5], densify=True, default_value=-2.)})\n"
     "result = run(d, example(i=[1, 3], v=[0.5, 1.5]), ['s', 'd'])"),
    ("keys = {k: tf.VarLenFeature(tf.float32) for k in ['b/ymin', 'b/xmin', 'b/ymax', 'b/xmax']}\n"
     "d = td.TFExampleDecoder(keys, {'box': td.BoundingBox(prefix='b/')})\n"
     "result = run(d, example(b__ymin=[0., 1.], b__xmin=[2., 3.], b__ymax=[4., 5.], "
     "b__xmax=[6., 7.]))"),
    ("d = td.TFExampleDecoder({'x': tf.FixedLenFeature([2], tf.int64)}, "
     "{'a': td.Tensor('x'), 'b': td.BackupHandler(td.Tensor('x'), td.Tensor('x'))})\n"
     "result = run(d, example(x=[4, 5])) + [d.list_items()]"),
    "result = td.BackupHandler(td.Tensor('x'), 3)",
    "result = td.BoundingBox(keys=['a'])",
    ("result = td.TFSequenceExampleDecoder({'a': S}, {'a': tf.FixedLenSequenceFeature([], "
     "tf.int64)}, {})"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", DATA_PROGRAMS)
def test_slim_tfexample_decoder_like_tf_slim(oracle, code):
    code = PRELUDE + EXAMPLE + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
