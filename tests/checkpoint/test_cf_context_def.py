"""scopeflow's meta graphs carry TF's `while_context` / `cond_context` collections, so TF's
import_meta_graph rebuilds the control-flow contexts and takes gradients through the loop."""

import numpy as np
import pytest

# a while loop holding a nested loop and a tf.cond, a top-level cond holding a cond, and a
# loop with maximum_iterations
# (a %-format template: `%%` is `%`)
_PROGRAM = """
x = tf.placeholder(tf.float32, [3], name="x")
w = tf.get_variable("w", [3], initializer=tf.constant_initializer([0.5, -1.0, 2.0]))
def body(i, a):
    j, b = tf.while_loop(lambda j, b: j < i, lambda j, b: (j + 1, b * 0.5 + x), [0, a])
    return i + 1, tf.cond(tf.equal(i %% 2, 0), lambda: b * w, lambda: b + x)
r = tf.while_loop(lambda i, a: i < 4, body, [0, x])
c = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0,
            lambda: tf.cond(x[0] > 0, lambda: x, lambda: x * w))
r2 = tf.while_loop(lambda k, a: k < 10, lambda k, a: (k + 1, a * 0.5 + x), (0, x),
                   maximum_iterations=3)
loss = tf.identity(tf.reduce_sum(r[1] * r[1]) + tf.reduce_sum(c) + tf.reduce_sum(r2[1]),
                   name="loss")
"""

_EXPORT = _PROGRAM + """
saver = tf.train.Saver()
tf.train.export_meta_graph(%(meta)r)
"""

# under TF: its own export, both files' context protos as text, and TF's gradients through
# its own graph and through scopeflow's
_TF = _EXPORT + """
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    own = s.run([loss] + tf.gradients(loss, [x, w]), {x: [1.0, 2.0, -3.0]})
from tensorflow.core.protobuf import control_flow_pb2, meta_graph_pb2
def contexts(path):
    m = meta_graph_pb2.MetaGraphDef()
    m.ParseFromString(open(path, "rb").read())
    out = []
    for key, cls in (("while_context", control_flow_pb2.WhileContextDef),
                     ("cond_context", control_flow_pb2.CondContextDef)):
        for b in m.collection_def[key].bytes_list.value:
            d = cls()
            d.ParseFromString(b)
            out.append(key + ": " + str(d))
    return out
tf.reset_default_graph()
with tf.Session() as s:
    tf.train.import_meta_graph(%(sf_meta)r).restore(s, %(ckpt)r)
    g = tf.get_default_graph()
    grads = tf.gradients(g.get_tensor_by_name("loss:0"),
                         [g.get_tensor_by_name("x:0"), g.get_tensor_by_name("w:0")])
    values = s.run([g.get_tensor_by_name("loss:0")] + grads, {"x:0": [1.0, 2.0, -3.0]})
result = [contexts(%(meta)r), contexts(%(sf_meta)r), [v.tolist() for v in own],
          [v.tolist() for v in values]]
"""


@pytest.mark.oracle
def test_contexts_are_tfs_and_tf_differentiates_the_loop(oracle, tf, tmp_path):
    d = str(tmp_path)
    sf_meta, ckpt = d + "/sf.meta", d + "/sf/model"
    env = {"tf": tf}
    exec(_EXPORT % {"meta": sf_meta}, env)  # noqa: S102 - the program TF runs too
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        env["saver"].save(s, ckpt)
    there = oracle(_TF % {"meta": d + "/tf.meta", "sf_meta": sf_meta, "ckpt": ckpt})
    assert "ok" in there, there
    tf_contexts, sf_contexts, want, values = there["ok"]
    assert sf_contexts == tf_contexts
    for got, exp in zip(values, want):
        np.testing.assert_allclose(got, exp, rtol=1e-5)


def test_unfinished_and_imported_contexts(tf, tmp_path):
    """A context whose construct failed is left out; collections read back from a meta graph
    (serialized protos) are written again as they were."""
    from scopeflow.checkpoint.cf_context_def import context_def
    i = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
    with pytest.raises(ValueError):
        tf.while_loop(lambda i: i < 3, lambda i: (i, i), [0])
    ctxs = tf.get_collection("while_context")
    assert context_def(ctxs[0]).loop_exit_names == [i.name]
    assert context_def(ctxs[-1]) is None
    path = str(tmp_path / "m.meta")
    meta = tf.train.export_meta_graph(path)
    assert len(meta.collection_def["while_context"].bytes_list.value) == 1
    with tf.Graph().as_default():
        tf.train.import_meta_graph(path)
        again = tf.train.export_meta_graph()
    assert again.collection_def["while_context"] == meta.collection_def["while_context"]
