"""Lowering: kernels, static values, dtypes, refs and the gradient-facing subgraph function."""

import jax
import numpy as np
import pytest

from scopeflow.lowering.context import RunContext
from scopeflow.lowering.lower import execute, subgraph_function
from oracle import run_here


def test_subgraph_function_evaluates_the_cut_slice(tf):
    x = tf.placeholder(tf.float32, [2])
    y = tf.reduce_sum(x * x)
    f = subgraph_function([y], [x])
    grad = jax.grad(lambda v: f(None, v)[0])(np.array([1.0, 3.0], np.float32))
    np.testing.assert_allclose(grad, [2.0, 6.0])


def test_subgraph_function_with_a_variable_ref_input(tf):
    w = tf.Variable([1.0, 2.0], name="w")
    loss = tf.reduce_sum(w * 3.0)
    f = subgraph_function([loss], [w._ref()])
    ctx = RunContext({}, frozenset(), None)
    assert float(f(ctx, np.array([2.0, 2.0], np.float32))[0]) == 12.0
    assert not ctx.overrides  # the override ends with the call


def test_constants_and_what_they_determine_stay_numpy(tf):
    c = tf.constant([[1, 2], [3, 4]])
    s = tf.shape(c)
    r = tf.reshape(c, tf.stack([s[1], s[0]]))
    env = {}
    execute(RunContext({}, frozenset(), None), [o for o in tf.get_default_graph()
                                                 .get_operations()], env)
    assert isinstance(env[c], np.ndarray) and isinstance(env[r], np.ndarray)
    assert env[r].tolist() == [[1, 2], [3, 4]]


def test_kernel_results_take_the_declared_dtype(tf):
    p = tf.placeholder(tf.int32, [3])
    y = tf.reduce_sum(p)
    with tf.Session() as s:
        out = s.run(y, {p: [1, 2, 3]})
    assert out.dtype == np.int32 and out == 6


def test_read_after_assign_in_one_run_sees_the_new_value(tf):
    v = tf.Variable(1.0)
    up = tf.assign(v, 5.0)
    with tf.control_dependencies([up]):
        after = v.read_value() * 2.0
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(after) == 10.0


def test_assign_output_feeds_another_ref_op(tf):
    v = tf.Variable(1.0)
    chained = tf.assign_add(tf.assign(v, 10.0), 1.0)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(chained) == 11.0
        assert s.run(v) == 11.0


def test_first_run_of_a_training_step_compiles_no_op_on_traced_values(tf, monkeypatch):
    # ops on traced values are staged, not evaluated eagerly: no small XLA program is
    # compiled for a constant such a kernel makes (an iota, a fill), only the step itself.
    # (Ops on known values, e.g. the shape arithmetic of a reduction's gradient, are folded
    # eagerly as TF's constant folding does; those may compile small programs.)
    import inspect

    import jax
    import jax._src.compiler as compiler
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE", "0")
    traced_ops, programs = [], []
    real = compiler.compile_or_get_cached

    def counting(*a, **k):
        for frame in inspect.stack(0):
            if frame.function == "_call" and frame.filename.endswith("lower.py"):
                args = frame.frame.f_locals.get("args", ())
                flat = [x for v in args for x in (v if isinstance(v, (list, tuple)) else [v])]
                if any(isinstance(x, jax.core.Tracer) for x in flat):
                    traced_ops.append(frame.frame.f_locals["op"].name)
                break
            if frame.function in ("compile_lowered", "compile_traced"):
                programs.append(1)
                break
        return real(*a, **k)

    monkeypatch.setattr(compiler, "compile_or_get_cached", counting)
    x = tf.placeholder(tf.float32, [None, 7])
    y = tf.placeholder(tf.int32, [None])
    w = tf.get_variable("w", initializer=np.ones([7, 5], np.float32) * 0.1)
    h = tf.nn.max_pool(tf.reshape(tf.nn.relu(tf.matmul(x, w)), [-1, 5, 1, 1]), [1, 3, 1, 1],
                       [1, 2, 1, 1], "SAME")
    logits = tf.reshape(h, [-1, 3])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    step = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(tf.variables_initializer(tf.global_variables()))
        traced_ops.clear(), programs.clear()
        out = s.run([step, loss], {x: np.ones([4, 7], np.float32), y: [0, 1, 2, 0]})
    assert np.isfinite(out[1])
    assert traced_ops == []
    assert len(programs) == 1


def test_seeded_initializers_trace_once_and_compile_one_program(tf, monkeypatch):
    # a seeded random op's draw depends on the run's traced counter: it stays in the program
    # (folding it would compile each of its Philox steps on its own), and the first trace has
    # room for every op's counter (no retrace per random op); known values assigned to
    # variables stay NumPy (no program per variable shape)
    from jax._src import compiler

    from scopeflow.lowering import lower
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE", "0")
    compiles, builds = [], []
    real_compile, real_build = compiler.compile_or_get_cached, lower._build
    monkeypatch.setattr(compiler, "compile_or_get_cached",
                        lambda *a, **k: compiles.append(1) or real_compile(*a, **k))
    monkeypatch.setattr(lower, "_build", lambda *a: builds.append(1) or real_build(*a))
    init = tf.glorot_uniform_initializer
    vs = [tf.get_variable("k%d" % i, shape, initializer=init(seed=i + 1))
          for i, shape in enumerate([(3, 3, 1, 8), (3, 3, 8, 16), (40, 6)])]
    vs.append(tf.get_variable("b", [6], initializer=tf.zeros_initializer()))
    init = tf.variables_initializer(vs[:3] + [tf.Variable(tf.nn.relu(tf.random_normal([2])))])
    with tf.Session() as s:
        s.run(init)  # a Relu: not a pure fill (those run on the host: init_host.py)
        s.run(vs[3].initializer)
        values = s.run(vs)
    assert len(builds) == 2  # the initializer run and the read
    # the two programs and one folded scalar (the initializer's maxval - minval)
    assert len(compiles) <= 3
    assert [v.shape for v in values] == [(3, 3, 1, 8), (3, 3, 8, 16), (40, 6), (6,)]
    assert values[3].tolist() == [0.0] * 6 and 0 < np.abs(values[0]).max() < 1


def test_initialization_runs_compile_without_llvm_optimization(monkeypatch):
    """`global_variables_initializer()` (a group of initializers, nothing fed or fetched)
    that is not a pure fill compiles with ONCE_OPTIONS, a training step or a fetch with the run
    options (lower.run_options); the values are the same either way."""
    import numpy as np

    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import disk_cache, graph_key, lower
    seen = []
    real = disk_cache.compile_traced

    def spy(traced, what, options=None, donate=(), found=None):
        seen.append((what, options))
        return real(traced, what, options, donate, found)

    monkeypatch.setattr(disk_cache, "compile_traced", spy)
    # (the second graph's step is the first's: found by its graph on disk, it compiles nothing)
    monkeypatch.setattr(graph_key, "key", lambda *a: None)
    values = []
    for once in (True, False):
        with tf.Graph().as_default():
            tf.set_random_seed(5)
            w = tf.get_variable("w", [3, 4], initializer=tf.glorot_uniform_initializer())
            # (a Relu: not a pure fill, those run on the host: init_host.py)
            b = tf.Variable(tf.nn.relu(tf.truncated_normal([4], seed=2)), name="b")
            step = tf.assign_add(b, tf.reduce_sum(w, 0))
            with tf.Session() as s:
                seen.clear()
                if once:
                    s.run(tf.global_variables_initializer())
                    assert [o for _, o in seen] == [lower.ONCE_OPTIONS]
                else:  # the same initializers fetched with a value: not an initialization run
                    s.run([w.initializer, b.initializer, tf.constant(0)])
                    assert [o for _, o in seen] == [lower.run_options()]
                seen.clear()
                s.run(step)
                assert [o for _, o in seen] == [lower.run_options()]
                values.append(s.run([w, b]))
    for x, y in zip(*values):
        np.testing.assert_array_equal(x, y)


def test_quantized_values_are_carried_but_not_computed_on(tf):
    """qint8 constants and feeds run (fetched as TF gives them: a computed value as its
    integers, a fed one as the fed records); an op without a kernel for them is TF's
    UnimplementedError class with the node named, not a JAX error."""
    c = tf.constant(np.array([1, 2], np.int8).astype(tf.qint8.as_numpy_dtype))
    x = tf.placeholder(tf.float32, [2])
    p = tf.placeholder(tf.quint8, [2])
    with tf.Session() as s:
        got = s.run(c)
        assert got.dtype == np.int8 and got.tolist() == [1, 2]
        fed, ident = s.run([p, tf.identity(p)], {p: np.array([3, 250], np.uint8)})
        assert fed["quint8"].tolist() == [3, 250]
        assert ident.dtype == np.uint8 and ident.tolist() == [3, 250]
        with pytest.raises(tf.errors.UnimplementedError, match="Cast"):
            s.run(tf.cast(x, tf.qint8), {x: [1.5, 2.0]})
        assert s.run(x, {x: [1.0, 2.0]}).tolist() == [1.0, 2.0]  # the session still runs


def test_nested_cond_of_a_fed_predicate_with_branch_shapes_that_differ(tf):
    """The inner cond's predicate enters through the outer cond's Switch: its fed value is
    compiled in (as the outer one's), so each branch's own shape comes out (as TF's)."""
    k = tf.placeholder(tf.int32, [])
    x = tf.reshape(tf.range(6.0), [2, 3])
    out = tf.cond(k > 0, lambda: tf.cond(k > 1, lambda: tf.reshape(x, [6]),
                                         lambda: tf.transpose(x)), lambda: x)
    with tf.Session() as s:
        got = [s.run(out, {k: v}) for v in (0, 1, 2, 1)]
    assert [g.shape for g in got] == [(2, 3), (3, 2), (6,), (3, 2)]
    np.testing.assert_array_equal(got[1], np.arange(6.0).reshape(2, 3).T)


def test_one_retrace_learns_every_independent_need_of_a_trace(tf, monkeypatch, tmp_path):
    # three fed values set sizes through unrelated ops: the first trace meets all three needs
    # and compiles them in together (was a retrace per need); a need that reads a value an
    # earlier need compiles in waits for the retrace, which may no longer meet it
    import scopeflow.lowering.lower as lower
    monkeypatch.setenv("SCOPEFLOW_CACHE_DIR", str(tmp_path))  # (traced here, not read back)
    calls = []
    build = lower._build
    monkeypatch.setattr(lower, "_build", lambda *a, **k: calls.append(1) or build(*a, **k))
    n1, n2, n3 = (tf.placeholder(tf.int32, [], name=k) for k in ("n1", "n2", "n3"))
    x = tf.placeholder(tf.float32, [None])
    outs = [tf.reduce_sum(tf.zeros([n1]) + 1.), tf.reduce_sum(tf.ones(tf.stack([n2, 2]))),
            tf.reduce_sum(tf.reshape(x, [n3, -1]), 0), tf.range(n1 + 1)]
    with tf.Session() as s:
        got = s.run(outs, {n1: 3, n2: 4, n3: 2, x: np.arange(6.)})
        assert len(calls) == 2  # (the trace that met the needs, the one that compiled)
        assert [g.tolist() for g in got] == [3., 8., [3., 5., 7.], [0, 1, 2, 3]]
        calls.clear()
        got = s.run(outs, {n1: 1, n2: 1, n3: 3, x: np.arange(6.)})
        assert [g.tolist() for g in got] == [1., 2., [6., 9.], [0, 1]]
        assert len(calls) == 1  # (a new signature of known static positions: one trace)
        calls.clear()  # another fetch set of the graph starts with what the first learnt
        assert s.run(outs[:2] + [tf.shape(x)], {n1: 2, n2: 2, x: [1.]})[1] == 4.
        assert len(calls) == 1


def _flag_graph(make_pred):
    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        flag = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float32, [4])
        v = tf.get_variable("v", initializer=np.arange(4.0, dtype=np.float32))
        y = tf.layers.batch_normalization(tf.reshape(x * v, [2, 2]), training=make_pred(flag, x))
        out = tf.cond(make_pred(flag, x), lambda: tf.reduce_sum(y) * 2.0, lambda: tf.reduce_max(y))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            out = tf.identity(out)
    return g, flag, x, out


def _flag_runs(make_pred):
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import cache
    g, flag, x, out = _flag_graph(make_pred)
    xv = np.array([1.0, -2.0, 3.0, 0.5], np.float32)
    with tf.Session(graph=g) as s:
        s.run(tf.variables_initializer(g.get_collection("variables")))
        before = cache.stats["compiles"]
        values = [s.run(out, {flag: b, x: xv}) for b in (True, False, True, False, True)]
        return values, cache.stats["compiles"] - before


def test_a_fed_flag_picks_the_branch_when_compiled():
    """A cond whose predicate is a fed bool is compiled per value (no lax.cond, only the taken
    branch); the values are the lax.cond's, whose predicate comes from a fed float here."""
    flagged, compiles = _flag_runs(lambda flag, x: flag)
    traced, traced_compiles = _flag_runs(_flag_and_fed_float)
    assert compiles == 2 and traced_compiles == 1
    np.testing.assert_allclose(flagged, traced, rtol=1e-6)
    assert flagged[0] != flagged[1]  # (the branches differ, and so do the moving averages)


def _flag_and_fed_float(flag, x):
    import scopeflow.compat.v1 as tf
    return tf.logical_and(flag, tf.reduce_sum(x) > -100.0)  # (a fed float: stays traced)


def test_a_fed_flag_inside_a_loop_keeps_its_cond():
    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        flag = tf.placeholder(tf.bool, [])
        _, acc = tf.while_loop(lambda i, a: i < 3, lambda i, a: (
            i + 1, tf.cond(flag, lambda: a + 1.0, lambda: a - 1.0)), (0, 0.0))
    with tf.Session(graph=g) as s:
        assert [s.run(acc, {flag: b}) for b in (True, False)] == [3.0, -3.0]


# A ref variable's read forwards its buffer in TF: the consumer sees the variable as it is
# when the consumer runs. Under tf.control_dependencies([assign]), `v * 10.` carries the edge on
# its constant only, so the assign runs after the read op but before the Mul (it read the old
# value here before, and an ExponentialMovingAverage applied after a train op lagged a step).
FORWARDED_READS = """
v = tf.Variable(1.0, name='v')
k = tf.placeholder_with_default(10., [])
upd = tf.assign_add(v, 1.0)
with tf.control_dependencies([upd]):
    direct = v * k
    through_const = [v * 10., v / 2., tf.add(v, 0.), 10. * v, tf.square(v),
                     tf.identity(tf.identity(v)) * 3.]
w = tf.Variable(1.0, name='w')
step = tf.train.GradientDescentOptimizer(0.25).minimize(tf.square(w))
ema = tf.train.ExponentialMovingAverage(0.5)
with tf.control_dependencies([step]):
    train = ema.apply([w])
fed_read = v.value() * 2.
out = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out.append(sess.run(direct))
    for t in through_const:
        out.append(sess.run(t))
    for _ in range(3):
        sess.run(train)
        out.append(sess.run([w, ema.average(w)]))
    out.append(sess.run(fed_read, {v.value(): 7.}))
    # (not [fed_read, upd] together: nothing orders them, and TF's value is a race, 16 or 18)
result = out
"""


@pytest.mark.oracle
def test_a_ref_reads_value_is_taken_when_its_consumer_runs(oracle):
    assert run_here(FORWARDED_READS) == oracle(FORWARDED_READS)


TILED_PRODUCTS = """
import numpy as np
rs = np.random.RandomState(5)
w = tf.Variable(rs.randn(1, 6, 3, 4, 2).astype(np.float32))
x = tf.placeholder(tf.float32, [None, 6, 3, 2, 1])
n = tf.shape(x)[0]
wt = tf.tile(w, [n, 1, 1, 1, 1])
both = tf.tile(tf.ones([1, 6, 3, 1, 2]), [4, 1, 1, 1, 1])
fed = tf.tile(w, [4, 1, 1, 1, 1])
loss = tf.reduce_sum(tf.square(tf.matmul(wt, x)))
r = [tf.matmul(wt, x), tf.matmul(wt, tf.matmul(wt, x), adjoint_a=True),
     tf.matmul(both, tf.tile(tf.ones([1, 6, 3, 2, 2]), [4, 1, 1, 1, 1])),
     tf.matmul(tf.tile(w[:, :1], [1, 6, 1, 1, 1]), x), tf.matmul(fed, x)]
r += tf.gradients(loss, [w, x])
xv = rs.randn(4, 6, 3, 2, 1).astype(np.float32)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out = s.run(r, {x: xv})
    out.append(s.run(tf.matmul(fed, x), {x: xv, fed: np.ones((4, 6, 3, 4, 2), np.float32)}))
result = [[list(v.shape), np.round(v.astype(np.float64), 4).tolist()] for v in out]
"""


@pytest.mark.oracle
def test_a_product_of_a_tile_takes_its_broadcast_input(oracle):
    # (lower.py _untiled: the Tile's input broadcast by the product; a fed Tile keeps its value)
    from approx import agree, explain
    here, there = run_here(TILED_PRODUCTS), oracle(TILED_PRODUCTS)
    assert "ok" in there, there
    assert agree(here, there), explain(TILED_PRODUCTS, here, there)


def test_a_tiled_operand_is_not_built(tf, monkeypatch):
    import scopeflow.lowering.lower as lower
    w = tf.Variable(np.ones((1, 5, 4, 3), np.float32))
    x = tf.placeholder(tf.float32, [7, 5, 3, 2])
    y = tf.matmul(tf.tile(w, [7, 1, 1, 1]), x)
    seen, real = [], lower._untiled
    monkeypatch.setattr(lower, "_untiled", lambda *a: seen.append(real(*a)) or seen[-1])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got = s.run(y, {x: np.ones((7, 5, 3, 2), np.float32)})
    assert [[np.shape(a) for a in args] for args in seen] == [[(1, 5, 4, 3), (7, 5, 3, 2)]]
    np.testing.assert_array_equal(got, np.full((7, 5, 4, 2), 3.0, np.float32))
