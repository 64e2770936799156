"""TF 2.21 compat.v1 names that are aliases of (or small wrappers around) what scopeflow
already has: tf.OpError, tf.get_logger, tf.initialize_all_tables,
tf.initializers.tables_initializer, tf.compat.dimension_value / dimension_at_index,
tf.debugging.is_non_decreasing / is_strictly_increasing, tf.dtypes.cast / saturate_cast /
complex / as_string, tf.random.*_candidate_sampler,
tf.io.match_filenames_once, tf.is_symbolic_tensor,
tf.convert_to_tensor_or_sparse_tensor / convert_to_tensor_or_indexed_slices,
tf.histogram_fixed_width_bins, tf.timestamp; same identities, graphs, values and errors as TF's."""

import pytest

from oracle import run_here

SNIPPET = r"""
import logging, os, tempfile
out = {}
out["operror"] = [tf.OpError is tf.errors.OpError, tf.OpError.__name__]
out["logger"] = isinstance(tf.get_logger(), logging.Logger)
init = tf.initialize_all_tables()
init2 = tf.initializers.tables_initializer(name="tabs")
out["tables"] = [init.name, init.type, init2.name, init2.type,
                 tf.initializers.tables_initializer is tf.tables_initializer]
s = tf.TensorShape([2, None])
out["dims"] = [tf.compat.dimension_value(tf.Dimension(3)), tf.compat.dimension_value(None),
               tf.compat.dimension_value(4), repr(tf.compat.dimension_at_index(s, 0)),
               repr(tf.compat.dimension_at_index(s, 1)),
               repr(tf.compat.dimension_at_index(tf.TensorShape(None), 5)),
               tf.compat.dimension_value(tf.compat.dimension_at_index(s, -2))]
try:
    tf.compat.dimension_at_index(s, 2)
except Exception as e:
    out["dims_err"] = type(e).__name__
out["samplers"] = [getattr(tf.random, n) is getattr(tf.nn, n) for n in
                   ["uniform_candidate_sampler", "log_uniform_candidate_sampler",
                    "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
                    "all_candidate_sampler"]]
out["mono_same"] = [tf.debugging.is_non_decreasing is tf.is_non_decreasing,
                    tf.debugging.is_strictly_increasing is tf.is_strictly_increasing]
a = tf.debugging.is_non_decreasing([1, 2, 2])
b = tf.debugging.is_strictly_increasing([1, 2, 2])
out["io_same"] = tf.io.match_filenames_once is tf.train.match_filenames_once
x = tf.constant([1.5, -2.0, 300.0])
dt = [tf.dtypes.cast(x, tf.int32), tf.dtypes.saturate_cast(x, tf.uint8),
      tf.dtypes.complex(x, x), tf.dtypes.as_string(x, precision=1)]
out["dtypes_fns"] = [[t.name, t.dtype.name, str(t.shape)] for t in dt] + [
    tf.dtypes.cast is tf.cast, tf.dtypes.as_string is tf.as_string]
v = tf.Variable(1.0, name="v")
sp = tf.SparseTensor([[0]], [1.0], [2])
isl = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))
out["symbolic"] = [tf.is_symbolic_tensor(v), tf.is_symbolic_tensor(v.value()),
                   tf.is_symbolic_tensor(1), tf.is_symbolic_tensor(sp), tf.is_symbolic_tensor(x)]
conv = []
for val, kw in [(sp, {}), (isl, {}), (x, {}), ([1, 2], {}), ([1, 2], {"dtype": tf.float32}),
                (3, {"name": "three"}), (tf.SparseTensorValue([[0]], [2], [3]), {}),
                (x, {"dtype": tf.float64})]:
    for f in [tf.convert_to_tensor_or_sparse_tensor, tf.convert_to_tensor_or_indexed_slices]:
        try:
            r = f(val, **kw)
            conv.append([type(r).__name__, r is val, r.dtype.name,
                         getattr(r, "name", None) if isinstance(r, tf.Tensor) else None])
        except Exception as e:
            conv.append([type(e).__name__, str(e)])
for f, kw in [(tf.convert_to_tensor_or_sparse_tensor, {"dtype": tf.int32}),
              (tf.convert_to_tensor_or_indexed_slices, {"dtype": tf.int32})]:
    try:
        f(sp, **kw)
    except Exception as e:
        conv.append([type(e).__name__, str(e)])
out["convert"] = conv
hb = tf.histogram_fixed_width_bins(
    [[-1.0, 0.0, 1.5], [2.0, 5.0, 15.0]], [0.0, 5.0], nbins=5)
hb2 = tf.histogram_fixed_width_bins([1.0, 7.0, 3.0], [0.0, 10.0], nbins=3, name="hb2")
try:
    tf.histogram_fixed_width_bins([1, 7, 3], [0, 10], nbins=3)
except Exception as e:
    out["hist_int"] = [type(e).__name__, str(e)]
hb3 = tf.histogram_fixed_width_bins([1.0], [0.0, 1.0], nbins=0)
ts = [tf.timestamp(), tf.timestamp(name="ts")]
out["timestamp"] = [[t.name, t.op.type, t.dtype.name, str(t.shape)] for t in ts]
d = tempfile.mkdtemp()
for n in ["b.txt", "a.txt", "c.csv"]:
    open(os.path.join(d, n), "w").close()
m = tf.io.match_filenames_once(os.path.join(d, "*.txt"))
out["match"] = [m.name, m.op.type, [v.name for v in tf.local_variables()],
                [v.name for v in tf.global_variables()]]
# (is_non_decreasing's own graph is not compared here: scopeflow's lacks TF's tf.cond)
out["ops"] = [[op.name, op.type] for op in tf.get_default_graph().get_operations()
              if not op.name.startswith("is_")]
with tf.Session() as sess:
    sess.run(tf.local_variables_initializer())
    out["run"] = [bool(sess.run(a)), bool(sess.run(b)),
                  sorted(os.path.basename(f.decode()) for f in sess.run(m))]
    sess.run([init, init2])
    import time
    t0 = time.time()
    t1, t2 = sess.run(ts[0]), sess.run(ts[1])
    out["timestamp_run"] = [type(t1).__name__, t0 - 1 <= t1 <= t2 <= time.time() + 1]
    out["hist"] = [[t.name, t.dtype.name, str(t.shape)] for t in [hb, hb2]] + [
        sess.run(hb).tolist(), sess.run(hb2).tolist()]
    try:
        sess.run(hb3)
    except Exception as e:
        out["hist_err"] = [type(e).__name__, str(e).splitlines()[0]]
    out["dtypes_run"] = [v.tolist() for v in sess.run(dt)[:2]] + [
        [str(c) for c in sess.run(dt[2])], sess.run(dt[3]).tolist()]
result = out
"""


@pytest.mark.oracle
def test_aliases_match_tf(oracle):
    there = oracle(SNIPPET)
    assert "ok" in there, there
    assert run_here(SNIPPET) == there
