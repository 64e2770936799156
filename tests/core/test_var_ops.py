"""Variable collections and initializer ops (`init`, `init_1`, report/assert initialized)."""

import contextlib

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings
from scope_programs import check_tf

PROGRAMS = [
    """v = tf.Variable(1.0, name="v")
w = tf.get_variable("w", [2])
l = tf.get_local_variable("l", [2])
ops = [tf.global_variables_initializer(), tf.local_variables_initializer(),
       tf.variables_initializer([]), tf.initialize_all_variables(),
       tf.variables_initializer([v], name="x"), tf.initializers.global_variables(),
       tf.initialize_local_variables(), tf.initialize_variables([w])]
result = [[o.name for o in ops], [[c.name for c in o.control_inputs] for o in ops]]""",
    """v = tf.Variable(0, name="c")
i = tf.is_variable_initialized(v)
r = tf.report_uninitialized_variables()
a = tf.assert_variables_initialized()
result = [i.name, i.dtype.name, r.name, r.dtype.name, a.name,
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """r = tf.report_uninitialized_variables()
a = tf.assert_variables_initialized()
result = [r.name, a, [o.name for o in tf.get_default_graph().get_operations()]]""",
    """a = tf.Variable(1.0, name="a")
with tf.variable_scope("s"):
    b = tf.get_variable("b", [1])
    c = tf.Variable(1.0, name="c", trainable=False)
    m = tf.get_variable("m", [1], collections=[tf.GraphKeys.MODEL_VARIABLES])
tf.add_to_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, a)
result = [[x.name for x in f()] for f in (tf.global_variables, tf.trainable_variables,
          tf.model_variables, tf.moving_average_variables, tf.all_variables,
          tf.local_variables)] + [[x.name for x in tf.global_variables("s")],
          [x.name for x in tf.trainable_variables(scope="s/b")]]""",
    "tf.variables_initializer([1])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_initializer_names(tf):
    v = tf.Variable(1.0, name="v")
    w = tf.get_local_variable("w", [1])
    g_init = tf.global_variables_initializer()
    l_init = tf.local_variables_initializer()
    assert (g_init.name, g_init.type, l_init.name) == ("init", "NoOp", "init_1")
    assert g_init.control_inputs == [v.initializer]
    assert l_init.control_inputs == [w.initializer]
    assert tf.variables_initializer([]).name == "init_2"


def test_collections_by_kind(tf):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b", trainable=False)
    c = tf.get_local_variable("c", [1])
    assert tf.global_variables() == [a, b] and tf.trainable_variables() == [a]
    assert tf.local_variables() == [c] and tf.all_variables() == [a, b]


def test_initialized_values(tf):
    pytest.importorskip("scopeflow.session")
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        sess.run(a.initializer)
        assert bool(sess.run(tf.is_variable_initialized(a)))
        assert not bool(sess.run(tf.is_variable_initialized(b)))
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run([a, b]), [1.0, 2.0])


def test_report_uninitialized_values(tf):
    pytest.importorskip("scopeflow.session")
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b")
    report = tf.report_uninitialized_variables()
    with tf.Session() as sess:
        assert list(sess.run(report)) == [b"a", b"b"]
        sess.run(a.initializer)
        assert list(sess.run(report)) == [b"b"]
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value b"):
            sess.run(tf.assert_variables_initialized())
        sess.run(tf.global_variables_initializer())
        assert sess.run(report).shape == (0,)


def _variable_graph(tf, value, kwargs, count, general):
    """GraphDef of `count` Variables; `general` opens a no-op device scope, which sends the
    build through the general op builders instead of the plain-case shortcut."""
    from scopeflow.summary.graph_def import graph_def
    g = tf.Graph()
    with g.as_default(), tf.name_scope("outer"):
        with tf.device(None) if general else contextlib.nullcontext():
            made = [tf.Variable(value, **kwargs) for _ in range(count)]
    return (graph_def(g).SerializeToString(deterministic=True),
            [(v.name, v.initializer.name, v.value().name, v.trainable) for v in made],
            [(o.name, o.device, o.colocation_groups(), [str(t.shape) for t in o.outputs])
             for o in g.get_operations()],
            {k: [x.name for x in g.get_collection(k)] for k in g.get_all_collection_keys()})


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 3), max_size=3),
       dtype=st.sampled_from(["float32", "float64", "int32", "int64", "bool", "float16"]),
       name=st.sampled_from([None, "v", "Variable", "w_1"]),
       trainable=st.sampled_from([None, True, False]),
       validate_shape=st.booleans(), count=st.integers(1, 3))
def test_plain_variable_matches_general_path(shape, dtype, name, trainable, validate_shape,
                                             count):
    import scopeflow.compat.v1 as tf
    value = np.ones(shape, dtype)
    kwargs = {"name": name, "trainable": trainable, "validate_shape": validate_shape}
    plain = _variable_graph(tf, value, kwargs, count, False)
    assert plain == _variable_graph(tf, value, kwargs, count, True)
