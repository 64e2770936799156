"""tf.Session: fetch structures, feeds, result types, errors, state, caching, threads."""

import collections
import textwrap
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import explain, run_here, same

from scopeflow.lowering import cache


def kinds(x):
    """Result types as TF's Session returns them ('float32' scalars, 'ndarray:int32', ...)."""
    if isinstance(x, (list, tuple)):
        return [kinds(v) for v in x]
    if isinstance(x, dict):
        return {k: kinds(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return "ndarray:%s" % x.dtype
    return type(x).__name__ if not hasattr(x, "dtype") else str(x.dtype)


# ---- oracle: values, result types and error classes as TF ----------------------------------
def _p(code):
    return textwrap.dedent(code).strip("\n")


PROGRAMS = [
    # result types of scalars, arrays, strings, booleans and 64-bit values
    _p("""
        with tf.Session() as s:
          r = s.run([tf.constant(1.5), tf.constant(2), tf.constant(True), tf.constant('hi'),
                     tf.constant(3, tf.int64), tf.constant([1.0, 2.0], tf.float64),
                     tf.constant(['a', 'bc']), tf.zeros([0, 2])])
        result = [[type(v).__name__, str(getattr(v, 'dtype', ''))] for v in r] + [r[0]]"""),
    # nested structures come back in the same shape and types
    _p("""
        P = __import__('collections').namedtuple('P', 'a b')
        c = tf.constant(1); d = tf.constant([2.0])
        with tf.Session() as s:
          r = s.run({'x': [c, (d, P(c, d))], 'y': c.op})
        result = [type(r).__name__, type(r['x']).__name__, type(r['x'][1]).__name__,
                  type(r['x'][1][1]).__name__, r['y'], r['x'][0], r['x'][1][1].b.tolist()]"""),
    # feeds: by tensor, by name; int feed to float placeholder; fetching the fed tensor
    _p("""
        p = tf.placeholder(tf.float32, [None, 2], name='p')
        with tf.Session() as s:
          a = s.run(p * 2.0, {p: [[1, 2]]})
          b = s.run(p + 1.0, {'p:0': np.ones([3, 2])})
          c = s.run(p, {p: [[5, 6]]})
        result = [a.tolist(), b.tolist(), c.tolist(), str(c.dtype)]"""),
    # a scalar fed placeholder fetched directly is a 0-d array, not a scalar
    _p("""
        p = tf.placeholder(tf.float32, [])
        with tf.Session() as s:
          r = s.run([p, p + 0.0], {p: 3})
        result = [type(r[0]).__name__, type(r[1]).__name__]"""),
    # any tensor can be fed, which cuts the graph there
    _p("""
        a = tf.constant(1.0); b = a * 2.0; c = b + 1.0
        with tf.Session() as s:
          result = [s.run(c), s.run(c, {b: 10.0}), s.run(c, {a: 5.0})]"""),
    # float division by zero is inf/nan, integer division by zero fails
    _p("""
        with tf.Session() as s:
          result = s.run([tf.constant(1.0) / 0.0, tf.constant(0.0) / 0.0])"""),
    _p("""
        with tf.Session() as s:
          s.run(tf.constant(3) // tf.constant(0))"""),
    # errors
    _p("""
        p = tf.placeholder(tf.float32, [None, 3], name='x')
        with tf.Session() as s:
          s.run(p * 2.0)"""),
    _p("""
        p = tf.placeholder(tf.float32, [2])
        with tf.Session() as s:
          s.run(p, {p: [1.0, 2.0, 3.0]})"""),
    _p("""
        p = tf.placeholder(tf.int32, [])
        with tf.Session() as s:
          s.run(p + 1, {p: 2 ** 40})"""),
    _p("""
        p = tf.placeholder(tf.float32, [])
        with tf.Session() as s:
          s.run(p, {p: tf.constant(1.0)})"""),
    _p("""
        p = tf.placeholder(tf.float32, [])
        with tf.Session() as s:
          s.run(p, {'p': 1.0})"""),
    _p("""
        tf.constant(1.0)
        with tf.Session() as s:
          s.run(None)"""),
    _p("""
        tf.constant(1.0)
        with tf.Session() as s:
          s.run([tf.constant(2.0), None])"""),
    _p("""
        tf.constant(1.0)
        with tf.Session() as s:
          s.run('nothere')"""),
    _p("""
        tf.constant(1.0)
        with tf.Session() as s:
          s.run('nothere:0')"""),
    _p("""
        tf.constant(1.0)
        with tf.Session() as s:
          s.run(3)"""),
    _p("""
        g = tf.Graph()
        with g.as_default():
          c = tf.constant(1.0)
        tf.constant(2.0)
        with tf.Session() as s:
          s.run(c)"""),
    _p("""
        g = tf.Graph()
        c = tf.constant(1.0)
        with tf.Session(graph=g) as s:
          s.run(c)"""),
    _p("""
        c = tf.constant(1.0)
        s = tf.Session()
        s.close()
        s.run(c)"""),
    _p("""
        tf.Session(graph=3)"""),
    _p("""
        tf.Session(config=3)"""),
    _p("""
        c = tf.constant(1.0)
        c.eval()"""),
    _p("""
        tf.no_op().run()"""),
    # variables: initialization, uninitialized reads, assignments in order
    _p("""
        v = tf.Variable([1.0, 2.0], name='w')
        with tf.Session() as s:
          s.run(v + 1.0)"""),
    _p("""
        v = tf.Variable(1.0)
        up = tf.assign_add(v, 2.0)
        with tf.control_dependencies([up]):
          r = tf.identity(v)
        with tf.Session() as s:
          s.run(v.initializer)
          result = [s.run(r), s.run(r), s.run(v), s.run(tf.is_variable_initialized(v))]"""),
    _p("""
        v = tf.Variable(1.0)
        w = tf.Variable(2.0)
        with tf.Session() as s:
          s.run(v.initializer)
          result = [x.decode() for x in s.run(tf.report_uninitialized_variables())]"""),
    _p("""
        v = tf.Variable([1.0, 2.0])
        with tf.Session() as s:
          s.run(v.initializer)
          result = [s.run(v, {v: [5.0, 6.0]}).tolist(),
                    s.run(v * 2.0, {v: [5.0, 6.0]}).tolist(), s.run(v).tolist()]"""),
    _p("""
        c = tf.count_up_to(tf.Variable(0, name='c'), 2)
        with tf.Session() as s:
          s.run(tf.global_variables_initializer())
          s.run(c); s.run(c); s.run(c)"""),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "p = tf.placeholder(tf.float32, [None, 3], name='x')\nwith tf.Session() as s:\n  s.run(p)",
    "v = tf.Variable([1.0], name='w')\nwith tf.Session() as s:\n  s.run(v.read_value())",
    "with tf.Session() as s:\n  s.run(tf.constant(3) // tf.constant(0))",
])
def test_error_messages_name_the_node(oracle, code):
    """The TF lines users search for: the message and the `[[{{node ...}}]]` marker."""
    here, there = run_here(code), oracle(code)
    lines = [ln for ln in there["msg"].splitlines() if ln.startswith(("Node:", "\t [["))]
    lines.append(there["msg"].split("Node: ")[1].splitlines()[1])
    assert here["raises"] == there["raises"]
    for ln in lines:
        assert ln in here["msg"], explain(code, here, there)


# ---- structures -------------------------------------------------------------------------------
def test_fetch_structures_keep_their_types(tf):
    pair = collections.namedtuple("Pair", ["x", "y"])
    a, b = tf.constant(1), tf.constant(2.0)
    fetches = collections.OrderedDict([("z", [a, (b,)]), ("p", pair(a, b))])
    dd = collections.defaultdict(list, {"k": a})
    with tf.Session() as s:
        r = s.run(fetches)
        d = s.run(dd)
    assert type(r) is collections.OrderedDict and list(r) == ["z", "p"]
    assert r["z"] == [1, (2.0,)] and isinstance(r["z"][1], tuple)
    assert type(r["p"]) is pair and r["p"].y == 2.0
    assert type(d) is collections.defaultdict and d.default_factory is list and d["k"] == 1


def test_duplicate_fetches_share_one_value(tf):
    c = tf.constant([1, 2])
    with tf.Session() as s:
        r = s.run([c, c, {"again": c}])
    assert r[0] is r[1] is r[2]["again"]


def test_results_are_fresh_writable_arrays(tf):
    c = tf.constant([1.0, 2.0])
    with tf.Session() as s:
        r = s.run(c)
        r[0] = 9.0
        assert s.run(c).tolist() == [1.0, 2.0]


def test_operation_and_variable_fetches(tf):
    v = tf.Variable(3.0, name="v")
    with tf.Session() as s:
        assert s.run(v.initializer) is None
        assert s.run("v/Assign") is None
        assert s.run([v, "v:0"]) == [3.0, 3.0]


@settings(max_examples=25, deadline=None)
# subnormals flush to zero on CPU, in TF as in XLA
@given(st.lists(st.floats(-1e6, 1e6, width=32, allow_subnormal=False), min_size=1, max_size=6))
def test_fed_values_round_trip(values):
    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [None])
        y = p * 2.0
    with tf.Session(graph=g) as s:
        out = s.run(y, {p: values})
    np.testing.assert_allclose(out, np.asarray(values, np.float32) * 2, rtol=1e-6)


# ---- default sessions -------------------------------------------------------------------------
def test_default_session_stack(tf):
    c = tf.constant(2.0)
    s1, s2 = tf.Session(), tf.Session()
    assert tf.get_default_session() is None
    with s1.as_default():
        with s2.as_default():
            assert tf.get_default_session() is s2
        assert tf.get_default_session() is s1
        assert c.eval() == 2.0
    assert tf.get_default_session() is None
    assert not s1._closed  # as_default does not close


def test_context_manager_closes_and_is_not_reentrant(tf):
    c = tf.constant(1.0)
    s = tf.Session()
    with s, pytest.raises(RuntimeError, match="not re-entrant"):
        s.__enter__()
    with pytest.raises(RuntimeError, match="closed Session"):
        s.run(c)


def test_interactive_session_installs_itself(tf):
    c = tf.constant([1, 2])
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        assert c.eval().tolist() == [1, 2]
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_a_second_interactive_session_is_logged_as_in_tf(tf, caplog):
    first = tf.InteractiveSession()
    try:
        with caplog.at_level("ERROR", logger="tensorflow"):
            second = tf.InteractiveSession()
            second.close()
            second.close()  # (closed once: the count stays right)
        assert [r.getMessage().split(".")[0] for r in caplog.records] == [
            "An interactive session is already active"]
    finally:
        first.close()
    caplog.clear()
    with caplog.at_level("ERROR", logger="tensorflow"):
        tf.InteractiveSession().close()
    assert not caplog.records


def test_config_protos_are_accepted(tf):
    cfg = tf.ConfigProto(allow_soft_placement=True, gpu_options=tf.GPUOptions(allow_growth=True),
                         graph_options=tf.GraphOptions(optimizer_options=tf.OptimizerOptions()))
    c = tf.constant(1.0)
    with tf.Session(config=cfg) as s:
        md = tf.RunMetadata()
        assert s.run(c, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=md) == 1.0
        assert s.list_devices()[0].device_type in ("CPU", "GPU", "TPU")


def test_make_callable(tf):
    p = tf.placeholder(tf.float32, [])
    y = p * 3.0
    with tf.Session() as s:
        f = s.make_callable(y, [p])
        assert f(2.0) == 6.0 and f(1.0) == 3.0


# ---- caching, state, failures, threads ----------------------------------------------------------
def test_repeated_runs_neither_grow_the_graph_nor_recompile(tf):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    p = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(p) + v
    g = tf.get_default_graph()
    with tf.Session() as s:
        s.run(v.initializer)
        s.run([inc, y], {p: [1.0]})
        ops, compiles = len(g.get_operations()), cache.stats["compiles"]
        for i in range(1000):
            out = s.run([inc, y], {p: [1.0, float(i)]} if i % 2 else {p: [1.0]})
        assert len(g.get_operations()) == ops
        # one more compile for the second feed shape, none after
        assert cache.stats["compiles"] == compiles + 1
        assert out[0] == 1001.0


def test_new_session_reuses_compiled_programs(tf):
    p = tf.placeholder(tf.float32, [])
    c = p * 3.0
    with tf.Session() as s:
        s.run(c, {p: 1.0})
    before = cache.stats["compiles"]
    with tf.Session() as s:
        assert s.run(c, {p: 2.0}) == 6.0
    assert cache.stats["compiles"] == before


def test_failed_runs_leave_state_unchanged(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(5.0, name="w")
    p = tf.placeholder(tf.float32, [2])
    step = tf.assign_add(v, p)
    bad = tf.assign_add(v, p + w)  # reads w, never initialized
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            s.run(step, {p: [1.0, 2.0, 3.0]})
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value w"):
            s.run(bad, {p: [1.0, 1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="You must feed"):
            s.run(step)
        assert s.run(v).tolist() == [1.0, 2.0]
        assert s.run(step, {p: [1.0, 1.0]}).tolist() == [2.0, 3.0]


def test_failed_check_commits_no_write(tf):
    v = tf.Variable(1.0)
    p = tf.placeholder(tf.float32, [])
    with tf.control_dependencies([tf.debugging.check_numerics(p, "p")]):
        up = tf.assign(v, p)
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="p : Tensor had NaN values"):
            s.run(up, {p: float("nan")})
        assert s.run(v) == 1.0
        assert s.run(up, {p: 4.0}) == 4.0


def test_two_threads_share_one_session(tf):
    v = tf.Variable(0, name="counter")
    inc = tf.assign_add(v, 1)
    p = tf.placeholder(tf.int32, [])
    sq = p * p
    errors = []

    def work(k):
        try:
            for i in range(200):
                assert s.run(sq, {p: i + k}) == (i + k) ** 2
                s.run(inc)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    with tf.Session() as s:
        s.run(v.initializer)
        threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1000)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert s.run(v) == 400


def test_random_ops_draw_fresh_values_reproducibly(tf):
    tf.set_random_seed(7)
    r = tf.random_uniform([3])
    with tf.Session() as s:
        a1, a2 = s.run(r), s.run(r)
    with tf.Session() as s:
        b1, b2 = s.run(r), s.run(r)
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)


def test_string_values_stay_out_of_xla(tf):
    p = tf.placeholder(tf.string, [])
    with tf.Session() as s:
        assert s.run(tf.constant("hi")) == b"hi"
        assert s.run(tf.identity(tf.constant(["a", "b"]))).tolist() == [b"a", b"b"]
        assert s.run(p, {p: "x"}).tolist() == "x"


def test_threads_feeding_different_shapes_to_one_fetch(tf):
    p = tf.placeholder(tf.float32, [None])
    total = tf.reduce_sum(p) * 2.0
    errors = []

    def work(n):
        try:
            for _ in range(150):
                assert s.run(total, {p: np.ones(n, np.float32)}) == 2.0 * n
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    with tf.Session() as s:
        threads = [threading.Thread(target=work, args=(n,)) for n in (1, 2, 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors


@pytest.mark.oracle
@pytest.mark.parametrize("shape,value", [("[None, 2]", "[1.0, 2.0, 3.0]"), ("[None]", "1.0"),
                                         ("[]", "[1.0]")])
def test_feed_shape_message_is_tfs(oracle, shape, value):
    code = _p("""
        p = tf.placeholder(tf.float32, %s)
        with tf.Session() as s:
          s.run(p, {p: %s})""" % (shape, value))
    here, there = run_here(code), oracle(code)
    assert here["msg"] == there["msg"], explain(code, here, there)


# fed strings: their values are compiled into the run (strings never enter XLA)
STRING_FEED_PROGRAM = """import os, tempfile
p = tf.placeholder(tf.string, [None]); q = tf.identity(p); r = tf.strings.length(p)
s0 = tf.placeholder(tf.string, [])
j = tf.strings.join([s0, "!"])
d = tempfile.mkdtemp()
v = tf.Variable([1.0, 2.0], name="v")
saver = tf.train.Saver()
out = []
with tf.Session() as s:
    fetched = s.run([p, q, r], {p: ["hé", b"x"]})
    out.append([x.tolist() for x in fetched])
    out.append([s.run(j, {s0: w}) for w in ["a", "bb", "a"]])
    s.run(tf.global_variables_initializer())
    path = os.path.join(d, "m")
    fname = saver.saver_def.filename_tensor_name
    out.append(s.run(saver.saver_def.save_tensor_name, {fname: path}) == path.encode())
    out.append(sorted(os.listdir(d)))
    s.run(v.assign([5.0, 6.0]))
    s.run(saver.saver_def.restore_op_name, {fname: path})
    out.append(s.run(v).tolist())
result = out
"""


@pytest.mark.oracle
def test_string_feeds_and_saver_ops_with_a_fed_file_name_match_tf(oracle):
    here, there = run_here(STRING_FEED_PROGRAM), oracle(STRING_FEED_PROGRAM)
    assert same(here, there), explain(STRING_FEED_PROGRAM, here, there)


def test_fed_string_values_compile_nothing_new(tf):
    # an op reading a fed string runs on the host (lowering/host_eval.py): another value
    # neither traces nor compiles (it was compiled into the program, once per value)
    p = tf.placeholder(tf.string, [])
    n = tf.strings.length(p) * 2
    with tf.Session() as sess:
        assert sess.run(n, {p: "abc"}) == 6
        before = dict(cache.stats)
        assert [sess.run(n, {p: w}) for w in ["abc", "de", "abc", "de"]] == [6, 4, 6, 4]
        assert cache.stats["traces"] == before["traces"]
        assert cache.stats["compiles"] == before["compiles"]


@pytest.mark.parametrize("fetch", ["a:0", "add:0"])
def test_a_run_that_cannot_allocate_raises_an_op_error(tf, fetch):
    # an imported constant filled to 2e12 elements: TF's run fails to parse it
    # (InvalidArgumentError); here it fails to allocate (ResourceExhaustedError), never a
    # MemoryError or JAX's runtime error
    g = tf.Graph()
    with g.as_default():
        tf.identity(tf.zeros([2, 2], name="a") + 1.0, name="add")
    gd = g.as_graph_def()
    gd.node[0].attr["value"].tensor.tensor_shape.dim[0].size = 10 ** 12
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        with tf.Session() as s, pytest.raises(tf.errors.ResourceExhaustedError,
                                              match="OOM when allocating tensor"):
            s.run(g2.get_tensor_by_name(fetch))


def test_values_a_compiled_loop_computes_raise_an_op_error(tf, monkeypatch):
    # a step of their own cannot compute values that change per iteration of a compiled
    # loop (here the predicate of a gradient's cond whose branches give different rows, were
    # the loop not run on the host): TF's error class once, not one split of the run after
    # another (a RecursionError)
    from scopeflow.gradients import loop_state

    class Never(set):
        def add(self, loop):
            pass
    monkeypatch.setattr(loop_state, "RAGGED", Never())
    monkeypatch.setattr(loop_state, "NESTED_ROWS", Never())  # (nested gathers: host too)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])

        def body(i, y):
            def inner():
                return tf.while_loop(lambda j, z: j < 2,
                                     lambda j, z: (j + 1, z * tf.gather(x, i)), [0, y])[1]
            return i + 1, tf.cond(i < 1, inner, lambda: y * 0.5)
        _, y = tf.while_loop(lambda i, y: i < 2, body, [0, tf.reduce_sum(x)])
        g = tf.gradients(y, x)[0]
        with tf.Session() as s, pytest.raises(tf.errors.UnimplementedError,
                                              match="needs a value computed in a tf.while"):
            s.run(g, {x: [0.7, 1.3]})
