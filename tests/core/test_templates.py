"""tf.make_template: shared variables, scope names, unique_name_, custom getters, errors."""

import pytest
from scope_programs import check_tf

PROGRAMS = [
    """def fn(x):
    return x * tf.get_variable("w", [], initializer=tf.ones_initializer())
t = tf.make_template("t", fn, create_scope_now_=True)
with tf.variable_scope("outer"):
    y = t(tf.constant(1.0))
y2 = t(tf.constant(1.0))
result = [y.name, y2.name, t.variable_scope.name, t.variable_scope_name,
          [v.name for v in t.variables]]""",
    """def fn():
    return tf.get_variable("w", [1])
t = tf.make_template("t", fn, unique_name_="custom")
t2 = tf.make_template("t", fn)
t3 = tf.make_template("t", fn)
result = [t().name, t2().name, t3().name, t.variable_scope.name, t2.variable_scope.name,
          t3.variable_scope.name]""",
    """# class only
def fn():
    return tf.Variable(1.0, name="v")
t = tf.make_template("t", fn)
t()
t()""",
    """names = []
def getter(getter, name, *args, **kwargs):
    names.append(name)
    return getter(name, *args, **kwargs)
t = tf.make_template("t", lambda: tf.get_variable("w", [1]), custom_getter_=getter)
t(); t()
result = names""",
    """def fn(a, b=2):
    return tf.get_variable("w", [a, b])
t = tf.make_template("t", fn, b=3)
result = [t(2).shape, t(2).name]""",
    "tf.make_template(None, lambda: None)",
    """def fn():
    raise ValueError("boom")
t = tf.make_template("t", fn)
try:
    t()
except ValueError as e:
    result = [str(e).split("\\n")[0], "originally defined at" in str(e)]""",
    """def fn():
    return tf.get_variable("w", [1]), tf.get_local_variable("l", [1])
t = tf.make_template("t", fn)
before = [t.variables, t.trainable_variables, t.global_variables, t.local_variables,
          t.variable_scope, t.variable_scope_name]
t()
result = [before, [x.name for x in t.variables], [x.name for x in t.local_variables], t.name]""",
    """with tf.variable_scope("a", reuse=True):
    t = tf.make_template("t", lambda: tf.get_variable("w", [1]))
result = [t().name, t().name]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def _layer(tf):
    def layer(x):
        return tf.matmul(x, tf.get_variable("w", [2, 2]))
    return layer


def test_variables_are_shared_and_ops_uniquified(tf):
    t = tf.make_template("my", _layer(tf))
    x = tf.ones([1, 2])
    y1, y2 = t(x), t(x)
    assert [v.name for v in tf.global_variables()] == ["my/w:0"]
    assert (y1.name, y2.name) == ("my/MatMul:0", "my_1/MatMul:0")
    assert (t.name, t.variable_scope.name, t.variable_scope_name) == ("my", "my", "my/")


def test_tf_variable_on_second_call_is_an_error(tf):
    t = tf.make_template("t", lambda: tf.Variable(1.0, name="v"))
    t()
    with pytest.raises(ValueError, match="Trainable variable created when calling a template "
                                         "after the first time"):
        t()


def test_first_call_failure_allows_retry(tf):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first")
        return tf.get_variable("w", [1])

    t = tf.make_template("t", fn)
    with pytest.raises(RuntimeError, match="originally defined at"):
        t()
    assert t().name == "t/w:0"  # the scope was captured by the failed call
