"""tf.Variable (RefVariable): ops, names, conversion, operators, updates; checked against TF."""

import numpy as np
import pytest
from scope_programs import check_tf

PROGRAMS = [
    """v = tf.Variable([1.0, 2.0], name="v")
result = [repr(v), v.dtype.name, v.shape, v.op.name, v.initializer.name, v.value().name,
          v._ref().name, v.initial_value.name, v.read_value().name, v.device,
          [(o.name, o.type) for o in tf.get_default_graph().get_operations()]]""",
    """result = [tf.Variable(1.0).name, tf.Variable(2.0).name, tf.Variable(3.0, name="w").name,
          tf.Variable(4.0, name="w").name, tf.Variable(5.0, name="").name]""",
    "tf.Variable(1.0, constraint=3)",
    "tf.Variable(None)",
    "tf.Variable(1.0, collections='x')",
    """v = tf.Variable(1.0, collections=["a", "b"], trainable=False)
result = [tf.get_collection("a"), tf.get_collection("b"), tf.global_variables(),
          tf.trainable_variables()]""",
    """v = tf.Variable(1, name="v", dtype=tf.float32)
w = tf.Variable(lambda: tf.zeros([2]), name="w")
u = tf.Variable(tf.zeros([2]), name="u", trainable=False)
result = [v.dtype.name, w.initial_value.name, u.initial_value.name,
          [o.name for o in tf.get_default_graph().get_operations()],
          [x.name for x in tf.trainable_variables()]]""",
    "tf.Variable(tf.placeholder(tf.float32, [None]))",
    """v = tf.Variable(tf.placeholder(tf.float32, [None]), validate_shape=False)
result = [v.shape, v.value().shape]""",
    """v = tf.Variable([1.0, 2.0], shape=[None], name="v")
result = [v.shape, v.value().shape]""",
    # reads of other variables in an initial value are guarded (If: an op only scopeflow adds)
    """v = tf.Variable([1.0, 2.0], name="v")
w = tf.Variable(v * 2.0, name="w")
x = tf.get_variable("x", initializer=tf.add_n([v, v.read_value(), tf.identity(w)]))
result = [o.name for o in tf.get_default_graph().get_operations() if o.type != "If"]""",
    """with tf.control_dependencies([tf.no_op()]):
    v = tf.Variable(1.0, name="v")
    w = tf.get_variable("w", [1])
    c = tf.constant(1.0)
result = [[o.name for o in op.control_inputs] for op in tf.get_default_graph().get_operations()]""",
    """with tf.device("/cpu:0"):
    v = tf.Variable(1.0, name="v")
    w = tf.get_variable("w", [1])
result = [[o.name, o.device] for o in tf.get_default_graph().get_operations()]""",
    """v = tf.Variable([[1.0, 2.0]], name="v")
result = [v[0].name, (v @ tf.ones([2, 1])).name, (1.0 - v).name, (v > 0).name, (v ** 2).name,
          (2 ** v).name, (v / 2).name, (v // 2).name, (v % 2).name, (-v).name, abs(v).name]""",
    """v = tf.Variable(True, name="v")
result = [(v & True).name, (v | False).name, (~v).name, (v ^ True).name]""",
    """v = tf.Variable(1.0)
w = tf.Variable(2.0)
result = [v == w, v != w, v == v, len({v: 1, w: 2})]""",
    "# class only\nv = tf.Variable(1.0)\nfor x in v: pass",
    """v = tf.Variable([1.0, 2.0], name="v")
result = [tf.identity(v).name, tf.convert_to_tensor(v, dtype=tf.float32).name]""",
    "tf.convert_to_tensor(tf.Variable([1.0, 2.0], name='v'), dtype=tf.int32)",
    """v = tf.Variable([1.0, 2.0], name="v")
w = tf.get_variable("w", [1])
result = [tf.is_tensor(v), isinstance(v, tf.Variable), isinstance(v, tf.Tensor),
          type(v).__name__, type(w).__name__, tf.Variable.__name__,
          tf.Variable.SaveSliceInfo("v", [2], [0], [2]).spec]""",
    """v = tf.Variable([1.0, 2.0], name="v")
v2 = v
v += 1.0
result = [v.name, v2.name]""",
    """v = tf.Variable([1.0, 2.0], name="v")
a = v.assign([1., 2.], read_value=False)
b = v.assign_add([1., 2.], name="b")
c = v.assign_sub([1., 2.])
result = [a.name, b.name, c.name, a.get_attr("use_locking"), c.dtype.name, str(c.shape)]""",
    """v = tf.Variable([[1.0, 2.0]], name="v")
v.scatter_update([1, 2])""",
    """v = tf.Variable(0, name="c")
result = [v.count_up_to(3).name, v.count_up_to(3).dtype.name]""",
    """v = tf.Variable([1.0], name="v")
result = [tf.get_default_graph().get_operation_by_name("v/Assign").get_attr("_class"),
          tf.get_default_graph().get_operation_by_name("v/read").get_attr("_class")]""",
    """a = tf.Variable(1.0, name="a/b")
b = tf.Variable(1.0, name="c/")
with tf.name_scope("x"):
    c = tf.Variable(1.0, name="y/")
result = [a.name, b.name, c.name, [o.name for o in tf.get_default_graph().get_operations()]]""",
    """with tf.variable_scope("a"):
    with tf.Graph().as_default() as g:
        v = tf.get_variable("v", [1])
        s = tf.get_variable_scope().name
result = [v.name, s]""",
    """tf.get_variable_scope().reuse_variables()
with tf.variable_scope("a") as s:
    r = s.reuse
result = r""",
    """with tf.variable_scope("a") as s:
    v = tf.get_variable("v", [1])
with tf.variable_scope(s, reuse=tf.AUTO_REUSE):
    w = tf.get_variable("v", [1])
    x = tf.get_variable("x", [1])
result = [v is w, x.name]""",
    """with tf.variable_scope("a", dtype=tf.float16):
    v = tf.get_variable("v", [2])
result = [v.dtype.name, [(o.name, o.type) for o in tf.get_default_graph().get_operations()]]""",
    """with tf.variable_scope("outer"):
    t = tf.make_template("t", lambda: tf.get_variable("w", [1]), create_scope_now_=True)
    a = t()
b = t()
with tf.variable_scope("other"):
    c = t()
result = [a.name, b is a, c is a, t.variable_scope.name, t.variable_scope.original_name_scope]""",
    """with tf.variable_scope("a", reuse=tf.AUTO_REUSE):
    tf.get_variable("v", [1])
    tf.get_variable("v", [1], dtype=tf.int32)""",
    """v = tf.Variable([1.0, 2.0], name="v")
with tf.name_scope("ns"):
    a = tf.assign(v, [1., 2.])
    b = v.assign_add([1., 1.])
    r = v.read_value()
    i = v.initialized_value()
result = [a.name, b.name, r.name, i.name]""",
    """v = tf.Variable([1.0, 2.0], name="v")
d = v.to_proto()
result = [d.variable_name, d.initializer_name, d.snapshot_name, d.initial_value_name,
          d.trainable]""",
    """v = tf.Variable([1.0, 2.0], name="v")
w = tf.Variable.from_proto(v.to_proto())
result = [w.name, w.initializer.name, w.value().name, w.trainable, w is v,
          len(tf.global_variables())]""",
    """v = tf.Variable(lambda: [1, 2], dtype=tf.float32, name="v")
result = [v.dtype.name, v.initial_value.name,
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """v = tf.Variable(tf.placeholder(tf.float32, [None, 2]), validate_shape=False, name="v")
v.set_shape([3, 2])
result = [v.shape, v.value().shape, v._ref().shape]""",
    """with tf.device("/cpu:0"):
    v = tf.Variable(tf.constant([1.0]), name="v")
result = [[o.name, o.device] for o in tf.get_default_graph().get_operations()]""",
    """v = tf.Variable([1.0, 2.0], name="v", expected_shape=[2],
          synchronization=tf.VariableSynchronization.ON_READ)
result = [v.trainable, str(v.synchronization), str(v.aggregation)]""",
    """tf.Variable(1.0, aggregation="x")""",
    """tf.Variable(1.0, synchronization=9)""",
    """v = tf.get_variable("v", [2], synchronization=tf.VariableSynchronization.ON_READ,
          aggregation=tf.VariableAggregation.SUM)
result = [v.trainable, [x.name for x in tf.trainable_variables()]]""",
    """v = tf.get_variable("v", [2], initializer=tf.zeros_initializer(dtype=tf.int32))
result = [v.dtype.name]""",
    """v = tf.get_variable("v", [2], dtype=tf.int32,
          initializer=tf.random_uniform_initializer(0, 10))
result = [v.dtype.name, [(o.name, o.type) for o in tf.get_default_graph().get_operations()]]""",
    """with tf.variable_scope("a"):
    with tf.variable_scope("b", reuse=True):
        with tf.variable_scope(tf.get_variable_scope(), reuse=False) as s:
            r = s.reuse
result = r""",
    """with tf.variable_scope("a"):
    with tf.name_scope(None):
        v = tf.get_variable("v", [1])
        c = tf.constant(1)
result = [v.name, c.name]""",
    """s = tf.VariableScope(False, name="zz", name_scope="qq/")
with tf.variable_scope(s):
    v = tf.get_variable("v", [1]); c = tf.constant(1)
result = [v.name, c.name]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_ops_and_names(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    assert [(o.name, o.type) for o in tf.get_default_graph().get_operations()] == [
        ("v/initial_value", "Const"), ("v", "VariableV2"), ("v/Assign", "Assign"),
        ("v/read", "Identity")]
    assert (v.name, v.dtype.name, v.value().name, v.initializer.name) == (
        "v:0", "float32_ref", "v/read:0", "v/Assign")
    assert repr(v) == "<tf.Variable 'v:0' shape=(2,) dtype=float32_ref>"
    assert tf.convert_to_tensor(v) is v.value()
    assert v.initializer.get_attr("_class") == [b"loc:@v"]


def test_callable_initial_value_is_built_under_initializer(tf):
    with tf.device("/cpu:0"):
        v = tf.Variable(lambda: tf.zeros([2]), name="w")
    g = tf.get_default_graph()
    init = g.get_operation_by_name("w/Initializer/zeros")
    assert init.device == "" and init.get_attr("_class") == [b"loc:@w"]
    assert v.op.get_attr("_class") == [b"loc:@w"] and v.device != ""


def test_operators_forward_to_the_snapshot(tf):
    v = tf.Variable([[1.0, 2.0]], name="v")
    for t in (v + 1.0, 2.0 * v, v - v, v @ tf.ones([2, 1]), -v):
        assert v.value() in t.op.inputs
    assert v == v and v != tf.Variable(1.0) and hash(v) == id(v)


def test_variables_are_not_created_under_control_dependencies(tf):
    with tf.control_dependencies([tf.no_op(name="gate")]):
        v = tf.Variable(1.0, name="v")
        c = tf.constant(1.0)
    assert all(not o.control_inputs for o in tf.get_default_graph().get_operations()
               if o.name.startswith("v"))
    assert [o.name for o in c.op.control_inputs] == ["gate"]
    assert v.name == "v:0"


def test_values(tf):
    pytest.importorskip("scopeflow.session")
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_allclose(sess.run(v.assign_add([1.0, 1.0])), [2.0, 3.0])
        np.testing.assert_allclose(sess.run(v + 1.0), [3.0, 4.0])
        v.load([5.0, 6.0], sess)
        np.testing.assert_allclose(v.eval(sess), [5.0, 6.0])


def test_initial_value_reading_another_variable_is_guarded(tf):
    pytest.importorskip("scopeflow.session")
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(v * 2.0, name="w")
    names = [o.name for o in tf.get_default_graph().get_operations()]
    assert {"w/IsVariableInitialized", "v/read_w", "mul_w"} <= set(names)
    with tf.Session() as sess:
        sess.run(w.initializer)  # v itself is not initialized: its initial value is used
        np.testing.assert_allclose(sess.run(w), [2.0, 4.0])


def test_uninitialized_read_fails(tf):
    pytest.importorskip("scopeflow.session")
    v = tf.Variable(1.0, name="v")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(v)


CREATOR_PROGRAMS = [
    # what a creator is given, the order of nested creators, renaming, reuse (no creation)
    """seen = []
def describe(kw):
    return {k: (type(v).__name__ if callable(v) or k == "initial_value" else str(v))
            for k, v in sorted(kw.items())}
def creator(next_creator, **kw):
    seen.append(describe(kw))
    kw["name"] = "renamed_" + (kw["name"] or "x")
    return next_creator(**kw)
def outer(next_creator, **kw):
    seen.append("outer")
    return next_creator(**kw)
with tf.variable_creator_scope(outer):
    with tf.variable_creator_scope(creator):
        with tf.variable_scope("s"):
            v = tf.Variable(1.0, name="v")
            w = tf.get_variable("w", [2], trainable=False)
            u = tf.Variable(2.0, False, collections=["c"])
        with tf.variable_scope("s", reuse=True):
            w2 = tf.get_variable("w")
v2 = tf.Variable(3.0, name="after")
result = [seen, v.name, w.name, u.name, w2 is w, v2.name, type(v).__name__,
          [x.name for x in tf.global_variables()], [x.name for x in tf.get_collection("c")],
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    # tf.Variable's positional order is TF's call order: validate_shape third, name fifth
    """v = tf.Variable(2.0, False, True, None, "nm")
result = [v.name, v.trainable, [x.name for x in tf.trainable_variables()]]""",
    "tf.Variable(2.0, False, ['c'])",
    "tf.get_variable('w', [2], validate_shape=1)",
    # a creator may return anything, or skip creating
    """class Box:
    pass
def boxed(next_creator, **kw):
    return Box()
with tf.variable_creator_scope(boxed):
    b = tf.Variable(1.0, name="v")
result = [type(b).__name__, [o.name for o in tf.get_default_graph().get_operations()]]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CREATOR_PROGRAMS)
def test_variable_creator_scope_matches_tf(oracle, code):
    check_tf(oracle, code)


def test_variable_creator_scope_is_per_thread(tf):
    """A creator entered in one thread does not see variables made in another."""
    import threading
    seen = []

    def creator(next_creator, **kw):
        seen.append(kw["name"])
        return next_creator(**kw)

    g = tf.Graph()
    with g.as_default(), tf.variable_creator_scope(creator):
        def other():
            with g.as_default():
                tf.Variable(1.0, name="other")

        t = threading.Thread(target=other)
        t.start()
        t.join()
        tf.Variable(1.0, name="mine")
    assert seen == ["mine"]
