"""tf.get_variable: creation, sharing, TF's errors verbatim, regularizers, custom getters."""

import numpy as np
import pytest
from scope_programs import check_tf

PROGRAMS = [
    """v = tf.get_variable("v", initializer=np.array([1, 2], dtype=np.int64))
w = tf.get_variable("w", [2], dtype=tf.bool)
s = tf.get_variable("s", [], dtype=tf.string)
result = [v.dtype.name, v.shape, w.dtype.name, s.dtype.name,
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """v = tf.get_variable("v", [2], trainable=False)
l = tf.get_local_variable("l", [2])
m = tf.get_variable("m", [2], collections=[tf.GraphKeys.MODEL_VARIABLES,
                                           tf.GraphKeys.GLOBAL_VARIABLES])
result = [[x.name for x in tf.trainable_variables()], [x.name for x in tf.local_variables()],
          [x.name for x in tf.global_variables()], [x.name for x in tf.model_variables()],
          l.trainable, v.trainable]""",
    "tf.get_variable('v', [None, 3])",
    "tf.get_variable('v')",
    "tf.get_variable('v', [2], initializer=[1., 2.])",
    "tf.get_variable('v', initializer=[1, 2], dtype=tf.float32)",
    """v = tf.get_variable("v", initializer=[1., 2.], dtype=tf.float32)
result = [o.name for o in tf.get_default_graph().get_operations()]""",
    "tf.get_variable('v', initializer=tf.placeholder(tf.float32, [None]))",
    """v = tf.get_variable("v", initializer=tf.placeholder(tf.float32, [None]),
                    validate_shape=False)
result = [v.shape, [o.name for o in tf.get_default_graph().get_operations()]]""",
    "tf.get_variable('v', [2], dtype=tf.complex64)",
    """v = tf.get_variable("v", initializer=lambda: tf.ones([2]))
result = [v.shape, [o.name for o in tf.get_default_graph().get_operations()]]""",
    "tf.get_variable('v', [2], initializer=lambda: tf.ones([2]))",
    """tf.get_variable("v", [2], initializer=lambda shape, dtype, partition_info: tf.ones(shape))
result = [o.name for o in tf.get_default_graph().get_operations()]""",
    "tf.get_variable('v', [2], custom_getter=3)",
    "tf.get_variable(3, [2])",
    """v = tf.get_variable("", [2])
result = [v.name, [o.name for o in tf.get_default_graph().get_operations()]]""",
    "tf.get_variable('a b', [2])",
    "tf.get_variable('v', [2], reuse=True)",
    """with tf.variable_scope("a"):
    tf.get_variable("v", [3, 4])
with tf.variable_scope("a", reuse=True):
    tf.get_variable("v", [3, 5])""",
    """with tf.variable_scope("a"):
    tf.get_variable("v", [2])
with tf.variable_scope("a", reuse=True):
    tf.get_variable("v", [2], dtype=tf.int32)""",
    """with tf.variable_scope("a"):
    tf.get_variable("v", [1])
with tf.variable_scope("a"):
    tf.get_variable("v", [1])""",
    """with tf.variable_scope("a", reuse=True):
    tf.get_variable("v", [1])""",
    """with tf.variable_scope("a"):
    v = tf.Variable(1.0, name="v")
    w = tf.get_variable("v", [1])
result = [v.name, w.name]""",
    """c = tf.constant([1., 2.])
v = tf.get_variable("v", initializer=c)
w = tf.get_variable("w", initializer=c * 2)
result = [v.initial_value.name, w.initial_value.name,
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """with tf.variable_scope("s"):
    v = tf.get_variable("v", [2], regularizer=lambda t: tf.reduce_sum(t))
rl = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
result = [[r.name for r in rl], tf.convert_to_tensor(rl[0]).name]""",
    """tf.get_variable("v", [2], regularizer=lambda t: None)
result = len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))""",
    """seen = {}
def getter(getter, name, *args, **kwargs):
    seen.update(name=name, shape=list(kwargs["shape"]), trainable=kwargs["trainable"],
                reuse=str(kwargs["reuse"]), dtype=kwargs["dtype"].name,
                has_constraint="constraint" in kwargs)
    return getter(name, *args, **kwargs)
with tf.variable_scope("a", custom_getter=getter, reuse=tf.AUTO_REUSE):
    tf.get_variable("v", [2, 3])
result = seen""",
    """def getter(getter, name, shape=None, **kwargs):
    return getter(name + "_renamed", shape=shape, **kwargs)
v = tf.get_variable("v", [1], custom_getter=getter)
result = [v.name, [x.name for x in tf.global_variables()]]""",
    """def net(x, reuse):
    with tf.variable_scope("net", reuse=reuse):
        w = tf.get_variable("w", [2, 2], initializer=tf.ones_initializer())
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b
x = tf.placeholder(tf.float32, [None, 2])
y1 = net(x, False); y2 = net(x, True)
loss = tf.reduce_sum(y1 + y2)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, {x: [[1., 2.]]})
    vals = s.run(tf.trainable_variables())
result = [[v.name for v in tf.global_variables()], y1.name, y2.name, train.name,
          [v.tolist() for v in vals]]""",
    """def layer(x, n, name):
    with tf.variable_scope(name, reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [x.shape[-1], n], initializer=tf.constant_initializer(0.5))
        return tf.matmul(x, w)
x = tf.ones([1, 3])
h = x
for i in range(3):
    h = layer(h, 3, "shared")
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out = s.run(h)
result = [h.name, [v.name for v in tf.global_variables()], out.tolist()]""",
    """with tf.variable_scope("model"):
    step = tf.Variable(0, trainable=False, name="step")
    inc = tf.assign_add(step, 1)
    acc = tf.get_variable("acc", [], initializer=tf.zeros_initializer(),
          collections=[tf.GraphKeys.LOCAL_VARIABLES])
    upd = tf.assign_add(acc, 2.0)
with tf.Session() as s:
    s.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    for _ in range(3): s.run([inc, upd])
    r = s.run([step, acc])
result = [inc.name, upd.name, r, [v.name for v in tf.local_variables()]]""",
    """tf.set_random_seed(1)
with tf.variable_scope("rnn"):
    cells = [tf.get_variable("k%d" % i, [4, 4]) for i in range(2)]
saver = tf.train.Saver()
result = [v.name for v in tf.global_variables()] + [saver.saver_def.filename_tensor_name]""",
    # the classic name_scope-vs-variable_scope example, with values
    """def _scoping(tf, fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name="a")
        b = tf.get_variable("b", initializer=vals[1])
        c = tf.constant(vals[2], name="c")
        with fn(scope2):
            d = tf.add(a * b, c, name="res")
    return a, b, c, d
out = []
for fn in (tf.name_scope, tf.variable_scope):
    for s1, s2 in (("s1", "s2"), ("s", "s"), ("x", "x/y")):
        tf.reset_default_graph()
        a, b, c, d = _scoping(tf, fn, s1, s2, [1.0, 2.0, 3.0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out.append([a.name, b.name, c.name, d.name, float(sess.run(d))])
result = out""",
    """def _scoping(tf, fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name="a")
        b = tf.get_variable("b", initializer=vals[1])
        c = tf.constant(vals[2], name="c")
        with fn(scope2):
            d = tf.add(a * b, c, name="res")
    return a, b, c, d
out = []
for vals in ([1, 2, 3], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
             [np.float64(1.5), np.float64(2.0), 3.0]):
    tf.reset_default_graph()
    try:
        a, b, c, d = _scoping(tf, tf.variable_scope, "v", "w", vals)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out.append([a.name, b.name, d.name, b.dtype.name, sess.run(d).tolist()])
    except Exception as e:
        out.append(type(e).__name__)
result = out""",
    """def _scoping(tf, fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name="a")
        b = tf.get_variable("b", initializer=vals[1])
        c = tf.constant(vals[2], name="c")
        with fn(scope2):
            d = tf.add(a * b, c, name="res")
    return a, b, c, d
_scoping(tf, tf.variable_scope, "v", "w", [1.0, 2.0, 3.0])
_scoping(tf, tf.variable_scope, "v", "w", [1.0, 2.0, 3.0])""",
    """def _scoping(tf, fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name="a")
        b = tf.get_variable("b", initializer=vals[1])
        c = tf.constant(vals[2], name="c")
        with fn(scope2):
            d = tf.add(a * b, c, name="res")
    return a, b, c, d
r1 = _scoping(tf, tf.name_scope, "v", "w", [1.0, 2.0, 3.0])
with tf.variable_scope("", reuse=True):
    r2 = _scoping(tf, tf.name_scope, "v", "w", [1.0, 2.0, 3.0])
result = [[x.name for x in r1], [x.name for x in r2], r1[1] is r2[1]]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_names_and_ops(tf):
    v = tf.get_variable("w", [3, 4])
    ops = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]
    assert ops == [("w/Initializer/random_uniform/shape", "Const"),
                   ("w/Initializer/random_uniform/min", "Const"),
                   ("w/Initializer/random_uniform/max", "Const"),
                   ("w/Initializer/random_uniform/RandomUniform", "RandomUniform"),
                   ("w/Initializer/random_uniform/sub", "Sub"),
                   ("w/Initializer/random_uniform/mul", "Mul"),
                   ("w/Initializer/random_uniform", "AddV2"), ("w", "VariableV2"),
                   ("w/Assign", "Assign"), ("w/read", "Identity")]
    assert (v.name, v.dtype.name, v.shape.as_list()) == ("w:0", "float32_ref", [3, 4])


def test_already_exists_names_the_users_frame(tf):
    with tf.variable_scope("a"):
        tf.get_variable("v", [1])  # the line the message points at
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("a"):
            tf.get_variable("v", [1])
    msg = str(e.value)
    assert msg.startswith("Variable a/v already exists, disallowed. Did you mean to set reuse=True "
                          "or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n")
    first = msg.split("\n")[2]
    assert __file__ in first and "test_already_exists_names_the_users_frame" in first
    assert "scopeflow/core" not in msg and "scopeflow/ops" not in msg


def test_missing_variable_message_lists_what_exists(tf):
    with tf.variable_scope("a"):
        tf.get_variable("w", [1])
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("a", reuse=True):
            tf.get_variable("v", [1])
    assert str(e.value).startswith(
        "Variable a/v does not exist, or was not created with tf.get_variable(). Did you mean to "
        "set reuse=tf.AUTO_REUSE in VarScope?")
    assert "a/w" in str(e.value)


def test_share_errors(tf):
    with tf.variable_scope("a"):
        tf.get_variable("v", [3, 4])
    with tf.variable_scope("a", reuse=True):
        with pytest.raises(ValueError, match=r"Trying to share variable a/v, but specified shape "
                                             r"\(3, 5\) and found shape \(3, 4\)\."):
            tf.get_variable("v", [3, 5])
        with pytest.raises(ValueError, match="Trying to share variable a/v, but specified dtype "
                                             "int32 and found dtype float32_ref."):
            tf.get_variable("v", [3, 4], dtype=tf.int32)


def test_failed_get_variable_leaves_scopes_unchanged(tf):
    g = tf.get_default_graph()
    tf.get_variable("v", [1])
    with tf.variable_scope("x") as s, tf.name_scope("n"):
        for bad in (lambda: tf.get_variable("v", [None]), lambda: tf.get_variable("q"),
                    lambda: tf.get_variable("bad name", [1])):
            with pytest.raises(ValueError):
                bad()
            assert (g.get_name_scope(), tf.get_variable_scope()) == ("x/n", s)


def test_regularizer_collection_holds_lazy_tensors(tf):
    v = tf.get_variable("v", [2], regularizer=lambda t: tf.reduce_sum(t))
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name == "v/Regularizer/Sum:0"
    assert loss.op.type == "Sum" and loss.dtype == tf.float32
    again = tf.convert_to_tensor(loss)
    assert again.name == "v/Regularizer/Sum_1:0"
    assert v.name == "v:0"


def test_initializer_values(tf):
    pytest.importorskip("scopeflow.session")
    a = tf.get_variable("a", initializer=[[1.0, 2.0], [3.0, 4.0]])
    b = tf.get_variable("b", [2], initializer=tf.ones_initializer)
    c = tf.get_variable("c", [3], dtype=tf.int32)
    d = tf.get_variable("d", [3], initializer=tf.constant_initializer([1.0, 2.0]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        va, vb, vc, vd = sess.run([a, b, c, d])
    np.testing.assert_array_equal(va, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(vb, [1, 1])
    np.testing.assert_array_equal(vc, [0, 0, 0])
    np.testing.assert_array_equal(vd, [1, 2, 2])


# ---- errors that teach: TF's class and first line, then both sites and the fix ------------
_REUSE_ERRORS = r"""
def first_line(f):
    try:
        f()
    except ValueError as e:
        return [type(e).__name__, str(e).split("\n")[0]]
def exists():
    with tf.variable_scope("s"):
        tf.get_variable("w", [2])
    with tf.variable_scope("s"):
        tf.get_variable("w", [2])
def missing():
    with tf.variable_scope("s", reuse=True):
        tf.get_variable("w", [2])
def shape():
    with tf.variable_scope("t"):
        tf.get_variable("w", [2])
    with tf.variable_scope("t", reuse=True):
        tf.get_variable("w", [3])
def dtype():
    with tf.variable_scope("u"):
        tf.get_variable("w", [2])
    with tf.variable_scope("u", reuse=True):
        tf.get_variable("w", [2], dtype=tf.int32)
result = [first_line(f) for f in (exists, missing, shape, dtype)]
"""


@pytest.mark.oracle
def test_reuse_errors_keep_tfs_first_line(oracle):
    from oracle import run_here
    assert run_here(_REUSE_ERRORS) == oracle(_REUSE_ERRORS)


def _message(f):
    with pytest.raises(ValueError) as e:
        f()
    return str(e.value)


def _line_of(marker):
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if line.rstrip().endswith(marker))


def test_reuse_errors_name_both_sites_and_the_fix(tf):
    with tf.variable_scope("a"):
        tf.get_variable("v", [3, 4])  # created here
    made = "%s:%d" % (__file__, _line_of("# created here"))

    def again():
        with tf.variable_scope("a"):
            tf.get_variable("v", [3, 4])  # asked again

    msg = _message(again)
    assert "line %d" % _line_of("# created here") in msg.split("\n")[2]
    assert "This call, at %s:%d" % (__file__, _line_of("# asked again")) in msg
    assert "tf.variable_scope('a', reuse=True)" in msg and "tf.AUTO_REUSE" in msg

    def wrong_shape():
        with tf.variable_scope("a", reuse=True):
            tf.get_variable("v", [3, 5])  # wrong shape

    msg = _message(wrong_shape)
    assert msg.split("\n")[0] == ("Trying to share variable a/v, but specified shape (3, 5) and "
                                  "found shape (3, 4).")
    assert "line %d" % _line_of("# created here") in msg
    assert "This call, at %s:%d" % (__file__, _line_of("# wrong shape")) in msg
    assert "ask for shape (3, 4)" in msg

    def uniquified():
        with tf.variable_scope("b", reuse=True):
            tf.get_variable("v", [3, 4])  # missing

    msg = _message(uniquified)
    assert "This call, at %s:%d" % (__file__, _line_of("# missing")) in msg
    assert "exists as 'a/v', created at %s" % made in msg
    assert "reuse=tf.AUTO_REUSE" in msg.split("\n")[-1]


def test_missing_variable_made_by_tf_variable_says_so(tf):
    with tf.variable_scope("m"):
        tf.Variable(1.0, name="v")  # a plain tf.Variable

    def reuse():
        with tf.variable_scope("m", reuse=True):
            tf.get_variable("v", [])

    msg = _message(reuse)
    assert msg.startswith("Variable m/v does not exist, or was not created with "
                          "tf.get_variable().")
    made = "%s:%d" % (__file__, _line_of("# a plain tf.Variable"))
    assert "'m/v' exists, made by tf.Variable at %s" % made in msg
