"""tf.linspace / tf.lin_space build TF 2's own graph (linspace_nd, ~70 ops) with its bits; the
single `LinSpace` op (tf_slim's, and in imported GraphDefs) runs with TF's kernel values."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here

_BITS = ("bits = lambda x: np.asarray(x).view(np.uint32 if x.dtype == np.float32 else "
         "np.uint64).ravel().tolist()\n")

# op for op: names, types, inputs, attrs, static shapes; values bit for bit; errors
_GRAPH = ORACLE_HELPERS + _BITS + r"""
p = tf.placeholder(tf.int32, name="p")
ys = [tf.linspace(0.0, 1.0, 5), tf.lin_space(-3.7, 11.2, 7, name="named"),
      tf.linspace(1e-3, 7.0, 1), tf.linspace(0.1, 0.3, 13), tf.linspace(2.0, -5.0, 1000),
      tf.linspace(tf.constant(0.3, tf.float64), 9.1, tf.constant(11, tf.int64)),
      tf.linspace(1, 2, 3), tf.linspace([0., 5.], [10., 40.], 5, axis=-1)]
fed = tf.linspace(0.25, 3.5, p)
b = tf.placeholder(tf.float32, [None, 3], name="b")
fed_nd = [tf.linspace(b, 5.0, p, axis=1), tf.linspace(b, b * 3, 6, axis=-1),
          tf.broadcast_to(b, tf.shape(tf.placeholder(tf.float32, [2, None])))]
ops = [[o.name, o.type, [i.name for i in o.inputs], sorted(o.node_def.attr),
        [[t.dtype.name, str(t.shape)] for t in o.outputs]]
       for o in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    values = [bits(v) for v in s.run(ys)]
    values += [bits(s.run(fed, {p: n})) for n in (1, 2, 3, 9, 0)]
    values.append(err(lambda: s.run(fed, {p: -1}))[0])
    values += [bits(v) for v in s.run(fed_nd[:2], {b: [[0.1, 0.2, 0.3], [1., 2., 3.]], p: 5})]
errors = [err(lambda: tf.linspace(0.0, 1.0, 2.5)),
          err(lambda: tf.linspace(0.0, 1.0, -2))[0]]
result = [ops, values, errors]
"""


@pytest.mark.oracle
def test_linspace_is_tfs_graph_and_bits(oracle):
    here, there = run_here(_GRAPH), oracle(_GRAPH)
    assert "ok" in there, there
    assert here == there, explain(_GRAPH, here, there)


# a GraphDef that TF made with raw LinSpace ops, imported and run here
_MAKE = _BITS + r"""
import base64
g = tf.Graph()
with g.as_default():
    p = tf.placeholder(tf.int32, name="p")
    q = tf.placeholder(tf.int64, name="q")
    a, b = tf.constant(-3.7), tf.constant(11.2)
    for n in (1, 2, 7, 13, 1000):
        tf.raw_ops.LinSpace(start=a, stop=b, num=tf.constant(n), name="c%d" % n)
    tf.raw_ops.LinSpace(start=tf.constant(0.3, tf.float64), stop=tf.constant(9.1, tf.float64),
                        num=tf.constant(11, tf.int64), name="d")
    tf.raw_ops.LinSpace(start=a, stop=b, num=p, name="fed")
    tf.raw_ops.LinSpace(start=tf.constant(1e-3, tf.float64), stop=tf.constant(-2.5, tf.float64),
                        num=q, name="fed64")
result = base64.b64encode(g.as_graph_def().SerializeToString()).decode()
"""
_RUN = ORACLE_HELPERS + _BITS + r"""
gd = tf.GraphDef()
gd.ParseFromString(base64.b64decode(GRAPH))
tf.import_graph_def(gd, name="")
g = tf.get_default_graph()
shapes = [[o.name, str(o.outputs[0].shape)] for o in g.get_operations() if o.type == "LinSpace"]
with tf.Session() as s:
    values = [bits(s.run(n + ":0")) for n in ("c1", "c2", "c7", "c13", "c1000", "d")]
    for n in (1, 2, 5, 3000):
        values += [bits(s.run("fed:0", {"p:0": n})), bits(s.run("fed64:0", {"q:0": n}))]
    errors = [err(lambda: s.run("fed:0", {"p:0": n})) for n in (0, -2)]
    errors += [err(lambda: s.run("fed64:0", {"q:0": 0}))]
result = [shapes, values, errors]
"""


@pytest.mark.oracle
def test_imported_linspace_ops_run_with_tfs_values(oracle):
    made = oracle(_MAKE)
    assert "ok" in made, made
    code = "import base64\nGRAPH = %r\n" % made["ok"] + _RUN
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)


def test_raw_op_shape_rules():
    import scopeflow.compat.v1 as tf
    from scopeflow.ops.shape_ops import gen_lin_space
    x = gen_lin_space(-1.0, 1.0, 3)
    assert (x.name, x.op.type, x.shape.as_list()) == ("LinSpace:0", "LinSpace", [3])
    assert [i.name for i in x.op.inputs] == ["LinSpace/start:0", "LinSpace/stop:0",
                                             "LinSpace/num:0"]
    assert gen_lin_space(0.0, 1.0, tf.placeholder(tf.int64)).shape.as_list() == [None]
    with pytest.raises(ValueError, match=r"Requires num > 0: 0"):
        gen_lin_space(0.0, 1.0, 0)
    with pytest.raises(ValueError, match=r"Shape must be rank 0 but is rank 1\n\t for 'start'"):
        gen_lin_space([0.0], 1.0, 3)
    with pytest.raises(ValueError, match=r"rank 0 but is rank 1\n\t for 'num'"):
        gen_lin_space(0.0, 1.0, [3])
    with tf.Session() as s:
        assert s.run(x).tolist() == [-1.0, 0.0, 1.0]
