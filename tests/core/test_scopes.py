"""variable_scope / VariableScope: names, re-entry, reuse, defaults, threads; checked against TF."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import run_here
from scope_programs import VALID_NODE_NAME, check_tf, program_code

PROGRAMS = [
    # default_name counters restart when a captured scope is re-entered
    """out = []
with tf.variable_scope("foo") as vs:
    with tf.variable_scope(None, default_name="bar"):
        out.append(tf.get_variable("a", [1]).name)
    with tf.variable_scope(None, default_name="bar"):
        out.append(tf.get_variable("b", [1]).name)
with tf.variable_scope(vs):
    with tf.variable_scope(None, default_name="bar") as s:
        out.append(tf.get_variable("c", [1]).name)
        out += [s.original_name_scope, tf.constant(1).name]
result = out""",
    "tf.variable_scope('a', reuse='bad')",
    "tf.variable_scope(None)",
    # custom getters chain: the inner one runs first
    """calls = []
def outer(getter, name, *args, **kwargs):
    calls.append("outer:" + name)
    return getter(name, *args, **kwargs)
def inner(getter, name, *args, **kwargs):
    calls.append("inner:" + name)
    return getter(name + "_x", *args, **kwargs)
with tf.variable_scope("a", custom_getter=outer):
    with tf.variable_scope("b", custom_getter=inner):
        v = tf.get_variable("v", [1])
result = [calls, v.name, [x.name for x in tf.global_variables()]]""",
    """seen = []
def g1(getter, *args, **kw):
    seen.append(sorted(kw.keys()))
    return getter(*args, **kw)
tf.get_variable("v", [2], custom_getter=g1)
result = seen""",
    """with tf.variable_scope("a", dtype=tf.float64):
    v = tf.get_variable("v", [2])
    with tf.variable_scope("b"):
        w = tf.get_variable("w", [2])
        x = tf.get_variable("x", [2], dtype=tf.float32)
result = [v.dtype.name, w.dtype.name, x.dtype.name]""",
    """with tf.variable_scope("a", caching_device="/cpu:0"):
    v = tf.get_variable("v", [2])
result = [v.value().device, v.device, tf.get_variable_scope().caching_device]""",
    """with tf.variable_scope("a", reuse=True):
    r1 = tf.get_variable_scope().reuse
    with tf.variable_scope(None, default_name="d") as s:
        r2 = s.reuse
    with tf.variable_scope("b", reuse=False) as s2:
        r3 = s2.reuse
result = [r1, r2, r3]""",
    """with tf.variable_scope("a", reuse=tf.AUTO_REUSE):
    tf.get_variable("v", [2])
    tf.get_variable("v", [3])""",
    """with tf.name_scope("n"):
    with tf.variable_scope("a"):
        v = tf.get_variable("v", [1])
        c = tf.constant(1.0)
        w = tf.Variable(1.0, name="w")
        r = v.read_value()
result = [v.name, c.name, w.name, r.name]""",
    """with tf.variable_scope("a") as s:
    tf.get_variable("v", [1])
    tf.get_variable("w", [1], trainable=False)
    tf.get_local_variable("l", [1])
with tf.variable_scope("ab"):
    tf.get_variable("x", [1])
result = [[x.name for x in s.global_variables()], [x.name for x in s.trainable_variables()],
          [x.name for x in s.local_variables()]]""",
    """with tf.variable_scope("a") as s:
    pass
with tf.name_scope("n"):
    with tf.variable_scope(s) as s2:
        c = tf.constant(1)
        v = tf.get_variable("v", [1])
result = [c.name, v.name, s2.name, s2.original_name_scope]""",
    """with tf.variable_scope("a", auxiliary_name_scope=False) as s:
    c = tf.constant(1)
    with tf.variable_scope("b", auxiliary_name_scope=False) as s2:
        d = tf.constant(1)
        v = tf.get_variable("v", [1])
result = [c.name, d.name, v.name, s.original_name_scope, s2.original_name_scope]""",
    """g = tf.Graph()
with g.as_default():
    x = tf.constant(1.0)
with tf.variable_scope("s", values=[x]):
    v = tf.get_variable("v", [1])
result = [v.name, v.graph is g, tf.get_default_graph() is g]""",
    """with tf.variable_scope("a") as s:
    s.set_dtype(tf.int32)
    v = tf.get_variable("v", [2])
    s.set_partitioner(tf.fixed_size_partitioner(2))
    w = tf.get_variable("w", [4])
result = [v.dtype.name, type(w).__name__, [x.name for x in tf.global_variables()]]""",
    """vs = tf.variable_scope("x")
with vs as a:
    with vs as b:
        c = tf.constant(1)
result = [a.name, b.name, c.name, a is b]""",
    """with tf.variable_scope("a") as s:
    tf.get_variable("v", [1])
with tf.variable_scope("b"):
    with tf.variable_scope(s, reuse=True) as s2:
        v = tf.get_variable("v", [1])
        c = tf.constant(1)
        with tf.variable_scope("c") as s3:
            d = tf.constant(1)
result = [v.name, c.name, d.name, s3.name, s3.original_name_scope, s2.reuse, s3.reuse]""",
    """with tf.variable_scope("a"):
    with tf.variable_scope(None, default_name="d"): pass
    with tf.variable_scope("d"): pass
    with tf.variable_scope(None, default_name="d") as s: c = tf.constant(0)
result = [s.name, s.original_name_scope, c.name]""",
    """with tf.variable_scope("a"): pass
with tf.variable_scope("a"): pass
with tf.variable_scope(None, default_name="a") as s: pass
result = [s.name, s.original_name_scope]""",
    """with tf.variable_scope(""):
    v = tf.get_variable("x", [2])
with tf.variable_scope("a"):
    with tf.variable_scope("") as s:
        result = [v.name, s.name, s.original_name_scope, tf.constant(1).name]""",
    """with tf.variable_scope("a b"):
    pass""",
    """try:
    with tf.variable_scope("a b"):
        pass
except ValueError:
    pass
result = [tf.get_default_graph().get_name_scope(), tf.get_variable_scope().name,
          tf.constant(1.0).name]""",
    """with tf.variable_op_scope([], "a") as s:
    v = tf.get_variable("v", [1])
with tf.variable_op_scope([], None, default_name="d") as s2:
    c = tf.constant(1)
result = [v.name, s.name, s2.name, c.name]""",
    """with tf.variable_scope("a/") as s:
    v = tf.get_variable("v", [1]); c = tf.constant(1)
result = [s.name, s.original_name_scope, v.name, c.name]""",
    """with tf.variable_scope("x"):
    with tf.variable_scope("a/") as s:
        v = tf.get_variable("v", [1]); c = tf.constant(1)
result = [s.name, s.original_name_scope, v.name, c.name]""",
    """with tf.variable_scope("/a") as s:
    pass""",
    """with tf.variable_scope("a"):
    with tf.variable_scope("_b") as s:
        c = tf.constant(1)
result = [s.name, c.name]""",
    """with tf.variable_scope("_b") as s:
    pass""",
    """v = tf.get_variable("a//b", [1])
result = v.name""",
    """with tf.variable_scope(None, default_name="a/b") as s:
    c = tf.constant(1)
with tf.variable_scope(None, default_name="a/b") as s2:
    pass
result = [s.name, s2.name, c.name, s2.original_name_scope]""",
    """with tf.variable_scope("a", reuse=True) as s:
    with tf.variable_scope(None, default_name="x") as d:
        pass""",
    """with tf.variable_scope("a", reuse=True) as s:
    with tf.variable_scope(None, default_name="x") as d:
        pass
result = d.reuse""",
    """c = lambda x: x
with tf.variable_scope("a", constraint=c) as s:
    v = tf.get_variable("v", [1])
    with tf.variable_scope("b") as s2:
        w = tf.get_variable("w", [1])
result = [s.constraint is c, s2.constraint is None, v.constraint is c, w.constraint is None]""",
    """seen = []
def g(getter, name, *args, **kwargs):
    seen.append([name, kwargs.get("partitioner") is not None])
    return getter(name, *args, **kwargs)
with tf.variable_scope("a", partitioner=tf.fixed_size_partitioner(2), custom_getter=g):
    v = tf.get_variable("v", [4, 2])
result = [seen, type(v).__name__, [p.name for p in v]]""",
    """with tf.variable_scope("a", reuse=tf.AUTO_REUSE, partitioner=tf.fixed_size_partitioner(2)):
    v = tf.get_variable("v", [4, 2])
    w = tf.get_variable("v", [4, 2])
result = [v is w, len(tf.global_variables())]""",
    """with tf.variable_scope("a") as s:
    pass
with tf.variable_scope(s, initializer=tf.ones_initializer(), dtype=tf.float64,
          regularizer=lambda t: None) as s2:
    v = tf.get_variable("v", [1])
result = [s.initializer is None, s2.initializer is not None, v.dtype.name, s.dtype.name,
          s2 is s]""",
    """with tf.variable_scope("a", custom_getter=lambda getter, *a, **k: getter(*a, **k)) as s:
    pass
calls = []
def g2(getter, *a, **k):
    calls.append(1)
    return getter(*a, **k)
with tf.variable_scope(s, custom_getter=g2):
    v = tf.get_variable("v", [1])
result = [len(calls), v.name]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


# ---- without TF: the facts the programs above pin ------------------------------------------
def test_nested_names(tf):
    with tf.variable_scope("a"):
        with tf.variable_scope("b") as s:
            v = tf.get_variable("v", [1])
            c = tf.constant(1.0)
    assert (s.name, s.original_name_scope, v.name, c.name) == ("a/b", "a/b/", "a/b/v:0",
                                                               "a/b/Const:0")


def test_reentry_by_string_uniquifies_only_the_name_scope(tf):
    with tf.variable_scope("a") as s1:
        pass
    with tf.variable_scope("a") as s2:
        c = tf.constant(1.0)
    assert (s1.original_name_scope, s2.name, s2.original_name_scope, c.name) == (
        "a/", "a", "a_1/", "a_1/Const:0")


def test_captured_scope_keeps_its_original_name_scope(tf):
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner") as s:
            pass
    with tf.variable_scope(s) as s2:
        c = tf.constant(1.0)
    assert (s2.name, s2.original_name_scope, c.name) == ("outer/inner", "outer/inner/",
                                                         "inner/Const:0")


def test_reuse_flags(tf):
    with tf.variable_scope("a"):
        v = tf.get_variable("v", [1])
    with tf.variable_scope("a", reuse=True) as s:
        with tf.variable_scope(None, default_name="d") as d:
            pass
        assert tf.get_variable("v", [1]) is v
    assert s.reuse is True and d.reuse is True
    with tf.variable_scope("b", reuse=tf.AUTO_REUSE):
        assert tf.get_variable("w", [1]) is tf.get_variable("w", [1])
    assert str(tf.AUTO_REUSE) == "_ReuseMode.AUTO_REUSE"


def test_errors_keep_tf_wording(tf):
    with pytest.raises(ValueError, match="cannot be used without a name_or_scope"):
        tf.variable_scope(None, default_name="d", reuse=True).__enter__()
    with pytest.raises(TypeError, match="must be a string or VariableScope"):
        tf.variable_scope(1).__enter__()
    with pytest.raises(TypeError, match="auxiliary_name_scope must be `True` or `False`"):
        tf.variable_scope("a", auxiliary_name_scope="no")
    with pytest.raises(ValueError, match="The reuse parameter must be True or False or None"):
        tf.variable_scope("a", reuse=1)


@pytest.mark.parametrize("bad", [
    lambda tf: tf.variable_scope(None, default_name="d", reuse=True),
    lambda tf: tf.variable_scope(7),
    lambda tf: tf.variable_scope("bad name"),
    lambda tf: tf.variable_scope(None, default_name="bad name"),
])
def test_failed_entry_leaves_the_stacks_unchanged(tf, bad):
    g = tf.get_default_graph()
    with tf.variable_scope("x"), tf.name_scope("n"):
        before = (g.get_name_scope(), tf.get_variable_scope(), dict(g._frame().var_scope_counts))
        with pytest.raises((TypeError, ValueError)):
            with bad(tf):
                pass
        after = (g.get_name_scope(), tf.get_variable_scope(), dict(g._frame().var_scope_counts))
        assert after == before
        assert tf.get_default_graph() is g


def test_improper_nesting_is_reported(tf):
    with tf.Graph().as_default():
        a = tf.variable_scope("a")
        b = tf.variable_scope("b")
        a.__enter__()
        b.__enter__()
        with pytest.raises(RuntimeError, match="Improper nesting of variable_scope"):
            a.__exit__(None, None, None)
        b.__exit__(None, None, None)


# ---- threads -------------------------------------------------------------------------------
def _build(tf, g, tag, barrier, out):
    with g.as_default():
        for i in range(20):
            with tf.variable_scope("s%s" % tag):
                barrier.wait()
                with tf.variable_scope(None, default_name="d"):
                    barrier.wait()
                    v = tf.get_variable("v%d" % i, [1])
                    c = tf.constant(1.0)
            out.append((v.name, c.name, tf.get_variable_scope().name, g.get_name_scope()))


def test_threads_building_two_graphs_keep_separate_stacks(tf):
    graphs = [tf.Graph(), tf.Graph()]
    outs = [[], []]
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=_build, args=(tf, graphs[i], "", barrier, outs[i]))
               for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outs[0] == outs[1]
    assert outs[0][3] == ("s/d/v3:0", "s_3/d/Const:0", "", "")
    assert [v.name for v in graphs[0].get_collection("variables")][:2] == ["s/d/v0:0",
                                                                           "s/d/v1:0"]


def test_threads_in_one_graph_have_their_own_scopes_but_share_the_store(tf):
    g = tf.get_default_graph()
    barrier = threading.Barrier(2)
    outs = [[], []]
    threads = [threading.Thread(target=_build, args=(tf, g, str(i), barrier, outs[i]))
               for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o[0] for o in outs[0]] == ["s0/d/v%d:0" % i for i in range(20)]
    assert [o[0] for o in outs[1]] == ["s1/d/v%d:0" % i for i in range(20)]
    assert len(tf.global_variables()) == 40
    assert tf.get_variable_scope().name == "" and g.get_name_scope() == ""


# ---- random scoping programs ---------------------------------------------------------------
NAMES = st.sampled_from(["a", "b", "foo", "foo_1", "v", "Const", "w", "a/b"])
SHAPES = st.sampled_from([[1], [2], [2, 3]])
STEP = st.one_of(
    st.tuples(st.just("ns"), st.sampled_from(["a", "b", "v", "", "a/", None])),
    st.tuples(st.just("vs"), NAMES, st.sampled_from(["none", "true", "auto"]), st.booleans()),
    st.tuples(st.just("vs_default"), NAMES, st.just("none"), st.booleans()),
    st.tuples(st.just("vs_cap"), st.integers(0, 3), st.sampled_from(["none", "true"]),
              st.booleans()),
    st.tuples(st.just("capture")),
    st.tuples(st.just("pop")),
    st.tuples(st.just("get_variable"), NAMES, SHAPES),
    st.tuples(st.just("Variable"), NAMES, SHAPES),
    st.tuples(st.just("constant"), NAMES),
)
PROGRAM = st.lists(STEP, min_size=1, max_size=25).map(lambda steps: [list(s) for s in steps])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROGRAM)
def test_random_programs_make_unique_valid_names(steps):
    out = run_here(program_code(steps))
    assert "ok" in out, out
    _, ops, _, vscope, nscope = out["ok"]
    assert len(set(ops)) == len(ops)
    assert all(VALID_NODE_NAME.match(n) for n in ops)
    assert (vscope, nscope) == ("", "")


@pytest.mark.oracle
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(PROGRAM)
def test_random_programs_match_tf(oracle, steps):
    check_tf(oracle, program_code(steps))


def _scan_close(counts, name):
    """TF's `close_variable_subscopes`: zero every count under `name/` (a scan of all)."""
    for k in counts:
        if k.startswith(name + "/"):
            counts[k] = 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["open", "close", "snapshot", "restore"]),
                          st.sampled_from(["a", "a/b", "a/b/c", "a/bc", "ab", "b/a", "a//b",
                                           "/x", "a/b/c/d"])), max_size=40))
def test_subscope_index_matches_a_scan(ops):
    """Closing a scope zeroes the same default-name counts as TF's scan over every name,
    also after a captured scope's re-entry restored an older set of counts."""
    from scopeflow.core.frame import Frame
    from scopeflow.core.scopes import _close_subscopes, _open_count
    f, naive, saved = Frame(), {}, None
    for op, name in ops:
        if op == "open":
            _open_count(f, name)
            naive[name] = naive.get(name, 0) + 1
        elif op == "close":
            _close_subscopes(f, name)
            _scan_close(naive, name)
        elif op == "snapshot":
            saved = (dict(f.var_scope_counts), dict(naive))
        elif saved is not None:
            f.var_scope_counts, naive = dict(saved[0]), dict(saved[1])
        assert f.var_scope_counts == naive
