"""State ops: Assign / AssignAdd / Scatter* / CountUpTo / NoOp, group and tuple."""

import numpy as np
import pytest
from scope_programs import check_tf

PROGRAMS = [
    """v = tf.Variable([[1.0, 2.0]], name="v")
ts = [tf.scatter_update(v, [0], [[3., 4.]]), tf.scatter_add(v, [0], [[3., 4.]]),
      tf.scatter_sub(v, 0, [3., 4.]), tf.scatter_mul(v, [0], [[1., 1.]]),
      tf.scatter_div(v, [0], [[1., 1.]]), tf.scatter_max(v, [0], [[1., 1.]]),
      tf.scatter_min(v, [0], [[1., 1.]])]
result = [[t.name, t.dtype.name, t.op.get_attr("use_locking"), t.op.get_attr("_class")]
          for t in ts]""",
    """v = tf.Variable([[1.0, 2.0]], name="v")
tf.scatter_update(v, [0], [[3., 4., 5.]])""",
    """v = tf.Variable([[1.0, 2.0]], name="v")
tf.scatter_update(v, [0], [3., 4.])""",
    "v = tf.Variable([1.0, 2.0], name='v')\ntf.assign(v, [[1., 2.]])",
    "v = tf.Variable([1.0, 2.0], name='v')\ntf.assign(v, [1., 2., 3.])",
    "v = tf.Variable([1.0, 2.0], name='v')\ntf.assign_add(v, [1., 2., 3.])",
    "# class only\ntf.assign(tf.constant(1.0), 2.0)",
    "# class only\nv = tf.Variable([1, 2], name='v')\ntf.assign(v, [1.5, 2.])",
    "v = tf.Variable([1.0, 2.0], name='v')\ntf.assign(v, tf.constant([1, 2]))",
    """v = tf.Variable([1.0, 2.0], name="v")
a = tf.assign(v, [1., 2., 3.], validate_shape=False)
b = v.assign([3., 4.], name="b")
c = tf.assign(v, v + 1.0)
result = [a.shape, b.name, c.name, [o.name for o in tf.get_default_graph().get_operations()]]""",
    """v = tf.Variable(1.0, name="v")
w = tf.get_variable("w", [2])
ops = [tf.group(v.initializer, w.initializer), tf.group(), tf.no_op(), tf.group(name="g"),
       tf.no_op(name="g"), tf.group([v.initializer, [w.initializer]]), tf.group(v, w)]
result = [[o.name, o.type, [c.name for c in o.control_inputs]] for o in ops]""",
    """v = tf.Variable(1.0, name="v")
t = tf.tuple([v.value(), tf.constant(2.0), None])
t2 = tf.tuple([tf.constant(1.0)], control_inputs=[tf.no_op()])
t3 = tf.tuple([tf.no_op(name="x")], name="tp")
result = [[None if x is None else x.name for x in t], [x.name for x in t2], [x.name for x in t3],
          [[o.name, [c.name for c in o.control_inputs]]
           for o in tf.get_default_graph().get_operations()]]""",
    "tf.group(1)",
    "tf.group(tf.constant(1.0), foo=3)",
    "tf.tuple([])",
    "tf.tuple([tf.constant(1.0)], control_inputs=[1])",
    """with tf.device("/cpu:0"):
    a = tf.constant(1.0)
with tf.device("/gpu:0"):
    b = tf.constant(1.0)
g = tf.group(a, b)
result = [g.name, [o.name for o in g.control_inputs],
          [(o.name, o.device) for o in tf.get_default_graph().get_operations()]]""",
    """v = tf.Variable(0, name="c")
c = tf.count_up_to(v, 3)
result = [c.name, c.dtype.name, c.op.get_attr("limit"), c.op.get_attr("_class")]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_assign_shape_error_is_tfs(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError) as e:
        tf.assign(v, [1.0, 2.0, 3.0])
    assert str(e.value) == (
        "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and [3]. for "
        "'{{node Assign}} = Assign[T=DT_FLOAT, use_locking=true, validate_shape=true](v, "
        "Assign/value)' with input shapes: [2], [3].")


def test_ref_ops_are_colocated_with_the_variable(tf):
    with tf.device("/cpu:0"):
        v = tf.Variable([1.0], name="v")
    with tf.device("/gpu:0"):
        a = tf.assign_add(v, [1.0])
    assert a.op.get_attr("_class") == [b"loc:@v"] and a.op.device == v.op.device
    assert a.dtype.name == "float32_ref" and a.op.inputs[0] is v._ref()


def test_group_and_no_op(tf):
    a, b = tf.no_op(name="a"), tf.no_op(name="b")
    g = tf.group(a, [b])
    assert (g.name, g.type, g.control_inputs) == ("group_deps", "NoOp", [a, b])
    assert tf.group(name="x").name == "x"
    with pytest.raises(ValueError, match="Unknown keyword arguments: foo"):
        tf.group(a, foo=1)


def test_update_values(tf):
    pytest.importorskip("scopeflow.session")
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    c = tf.Variable(0, name="c")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(tf.scatter_add(v, [1, 1], [[1., 1.], [1., 1.]])),
                                   [[1, 2], [5, 6]])
        np.testing.assert_allclose(sess.run(tf.scatter_update(v, [0], [[9., 9.]])),
                                   [[9, 9], [5, 6]])
        np.testing.assert_allclose(sess.run(tf.scatter_sub(v, 0, [1., 2.])), [[8, 7], [5, 6]])
        np.testing.assert_allclose(sess.run(tf.assign_sub(v, tf.ones([2, 2]))), [[7, 6], [4, 5]])
        step = tf.count_up_to(c, 2)
        assert [sess.run(step), sess.run(step)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(step)


# TF's TupleTest.testIndexedSlices / testWithIndexedSlicesDependencies: tf.tuple and
# with_dependencies take an IndexedSlices (its values go behind the control edges; it raised
# "Tensor conversion requested for IndexedSlices without dense_shape")
INDEXED_SLICES_GATED = """
control_flow_ops = __import__(%r, fromlist=["with_dependencies"])
v = tf.Variable(np.array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]], np.float32))
d = control_flow_ops.with_dependencies([v.initializer], tf.IndexedSlices(v, tf.constant([1])))
w = tf.Variable(np.ones([3, 2], np.float32))
t1, t2 = tf.tuple([tf.IndexedSlices(w, tf.constant([1])),
                   tf.IndexedSlices(tf.identity(w), tf.constant([2]), tf.constant([3, 2]))])
names = [[type(x).__name__, x.values.name, x.indices.name,
          None if x.dense_shape is None else x.dense_shape.name] for x in (d, t1, t2)]
with tf.Session() as s:
    result = [names, s.run(tf.gather(d.values, d.indices))]
"""


@pytest.mark.oracle
def test_indexed_slices_behind_control_dependencies(oracle):
    from oracle import run_here
    there = oracle(INDEXED_SLICES_GATED % "tensorflow.python.ops.control_flow_ops")
    assert "ok" in there, there
    assert run_here(INDEXED_SLICES_GATED % "scopeflow.ops.state") == there


# with_dependencies of a Python value (TF's testCaseSideEffects returns one from each tf.case
# branch): a Const of its own to colocate with, then the value's, as TF (AttributeError before)
PYTHON_VALUE_GATED = """
cfo = __import__(%r, fromlist=["with_dependencies"])
v = [tf.Variable(-1), tf.Variable(-1), tf.Variable(-1)]
r = cfo.with_dependencies([tf.assign(v[0], 5)], 0)
branch = lambda k: lambda: cfo.with_dependencies([tf.assign(v[k], k)], k)
x, y = tf.constant(1), tf.constant(2)
picked = [tf.case(((x > y, branch(0)), (x < y, branch(1))), default=branch(2), exclusive=True),
          tf.case(((x > y, branch(0)), (x > y, branch(1))), default=branch(2), exclusive=True)]
runs = []
with tf.Session() as s:
    for p in picked:
        s.run(tf.global_variables_initializer())
        runs.append([s.run(p), s.run(v)])
ops = [[op.name, op.type, [t.name for t in op.inputs], [c.name for c in op.control_inputs],
        op.colocation_groups()] for op in r.graph.get_operations() if "control_dep" in op.name
       and "case" not in op.name]
result = [r.name, ops, runs]
"""


@pytest.mark.oracle
def test_python_value_behind_control_dependencies(oracle):
    from oracle import run_here
    there = oracle(PYTHON_VALUE_GATED % "tensorflow.python.ops.control_flow_ops")
    assert "ok" in there, there
    assert run_here(PYTHON_VALUE_GATED % "scopeflow.ops.state") == there
