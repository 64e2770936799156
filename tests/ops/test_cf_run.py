"""Run-time checks inside tf.while_loop bodies, tf.cond branches, map_fn / scan and nested
loops (ops/cf_run.py): a check made on any trace of a body is carried out of the loop, so a
bad value raises TF's error (class, node, message) instead of returning a number."""

import textwrap

import numpy as np
import pytest
from oracle import explain, run_here

RUN = textwrap.dedent("""
    x = tf.constant([1., 2.])
    p = tf.placeholder(tf.int32, [])
    {build}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        try:
            result = ['ok', s.run(u, {{p: {feed}}})]
        except tf.errors.OpError as e:
            lines = str(e).splitlines()
            i = [k for k, ln in enumerate(lines) if ln.startswith('Node: ')][0]
            result = [type(e).__name__, lines[i], lines[i + 1]]
""")

LOOP = "_, u = tf.while_loop(lambda i, a: i < {n}, lambda i, a: (i + 1, a + {step}), (0, 0.){kw})"
ASSIGN = ("v = tf.Variable(0.)\n_, u = tf.while_loop(lambda i, a: i < 3, lambda i, a: "
          "(i + 1, tf.assign_add(v, x[i])), [0, 0.])")
RNN = ("cell = tf.nn.rnn_cell.BasicRNNCell(2, name='c')\nu, _ = tf.nn.dynamic_rnn(cell, "
       "tf.ones([2, 3, 1]), sequence_length=[p, 1], dtype=tf.float32)")
GUARDED = ("def f():\n    ok = tf.Assert(tf.reduce_all(x < 1.5 + tf.cast(p, tf.float32)), [x, p])\n"
           "    with tf.control_dependencies([ok]):\n        return tf.identity(x) * 2.\n"
           "u = tf.cond({taken}, f, lambda: x)")
FOLDED = ("u = tf.cast(tf.cond({taken}, lambda: tf.floormod(tf.constant([5, 7]), "
          "tf.constant([3, 0])), lambda: tf.constant([1, 1])), tf.float32) + x")
# (program defining `u` from the constant x = [1, 2] and int32 placeholder p, fed value); a
# bad value fails in one iteration only: TF runs iterations in parallel, so which of several
# failures it reports first is not fixed
CASES = [
    (LOOP.format(n=3, step="x[i]", kw=""), 0),  # the index is static on the first trace
    (LOOP.format(n=2, step="x[i]", kw=""), 0),
    (LOOP.format(n="p", step="x[i]", kw=""), 3),
    (LOOP.format(n="p", step="x[i]", kw=""), 2),
    (LOOP.format(n=3, step="x[i]", kw=", maximum_iterations=5"), 0),  # the scan path
    (LOOP.format(n=3, step="tf.gather(x, i)", kw=""), 0),
    (LOOP.format(n=2, step="tf.gather(x, 1 - 2 * i)", kw=""), 0),
    (LOOP.format(n=3, step="tf.gather(x, i) + x[p]", kw=""), 1),  # a check on both traces
    (LOOP.format(n=1, step="x[p] + tf.gather(x, i)", kw=""), 5),  # (one failing iteration)
    (LOOP.format(n=3, step="tf.cast(6 // (2 - i), tf.float32)", kw=""), 0),
    (LOOP.format(n=3, step="tf.cast(tf.truncatemod(6, 2 - i), tf.float32)", kw=""), 0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.gather(x, tf.stack([0, i])))", kw=""), 0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.one_hot(i, 2) * tf.gather(x, [i]))", kw=""), 0),
    (LOOP.format(n=3, step="tf.gather_nd(x, [i])", kw=""), 0),
    (LOOP.format(n=3, step="tf.cond(i > 1, lambda: x[i], lambda: 0.)", kw=""), 0),
    (LOOP.format(n=3, step="tf.cond(i > 5, lambda: x[i], lambda: 0.)", kw=""), 0),
    # nested: the inner body's check is on the outer counter
    (LOOP.format(n=2, step="tf.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, b + x[i + j]),"
                 " [0, 0.])[1]", kw=""), 0),
    (LOOP.format(n=2, step="tf.while_loop(lambda j, b: j < i + 1, lambda j, b: (j + 1, b + x[j])"
                 ", [0, 0.])[1]", kw=""), 0),
    (LOOP.format(n=3, step="tf.while_loop(lambda j, b: j < i + 1, lambda j, b: (j + 1, b + x[j])"
                 ", [0, 0.])[1]", kw=""), 0),
    (LOOP.format(n=3, step="tf.check_numerics(tf.log(2. - tf.cast(i, tf.float32)), 'lg')", kw=""),
     0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.nn.embedding_lookup(tf.ones([2, 2]), [i]))", kw=""),
     0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.scatter_nd([[i]], [1.], [2]))", kw=""), 0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.unsorted_segment_sum([1.], [i], 2))", kw=""), 0),
    (LOOP.format(n=3, step="tf.reduce_sum(tf.map_fn(lambda e: tf.gather(x, e * i), tf.constant([0, 1]), "
                 "dtype=tf.float32))", kw=""), 0),
    (LOOP.format(n=3, step="tf.cond(i > 0, lambda: tf.while_loop(lambda j, b: j < 2, lambda j, b: "
                 "(j + 1, b + x[i + j - 1]), (0, 0.))[1], lambda: 0.)", kw=""), 0),
    ("v = tf.Variable([0., 0.])\n" + LOOP.format(
        n=3, step="tf.reduce_sum(tf.scatter_add(v, [i], [1.]))", kw="")[:-1] + ")", 0),
    ("u = tf.cond(p > 0, lambda: " + LOOP.format(n=3, step="x[i]", kw="")[7:] + "[1], "
     "lambda: 0.)", 1),
    ("u = tf.cond(p > 0, lambda: " + LOOP.format(n=3, step="x[i]", kw="")[7:] + "[1], "
     "lambda: 0.)", 0),
    ("u = tf.map_fn(lambda e: tf.gather(x, e), tf.constant([0, 1, 5]), dtype=tf.float32)", 0),
    ("u = tf.map_fn(lambda e: x[e], tf.constant([0, 1, -3]), dtype=tf.float32)", 0),
    ("u = tf.map_fn(lambda e: tf.gather(x, e), tf.constant([0, 1, 1]), dtype=tf.float32)", 0),
    ("u = tf.scan(lambda a, e: a + tf.gather(x, e), tf.constant([0, 1, 2]), 0.)", 0),
    ("u = tf.foldl(lambda a, e: a + x[e], tf.constant([0, 1, 2]), 0.)", 0),
    (ASSIGN, 0),
    # a tf.Assert with tensor data is a cond of its own (AssertGuard): inside a branch its
    # check holds where that branch runs (lowering/lower.py `_switch_live`)
    (GUARDED.format(taken="p > -5"), 0),
    (GUARDED.format(taken="p > -5"), 1),
    (GUARDED.format(taken="p < -5"), 0),
    # a known division by zero in a branch: the check of a kernel folded at trace time
    # (lowering/context.py `check`) holds where the branch runs
    (FOLDED.format(taken="p > 0"), 1),
    (FOLDED.format(taken="p > 0"), 0),
    (RNN, 5),
    (RNN, -1),
    (RNN, 2),
]


@pytest.mark.oracle
@pytest.mark.parametrize("build,feed", CASES)
def test_checks_in_loops_and_branches_match_tf(oracle, build, feed):
    code = RUN.format(build=build.replace("\n", "\n    "), feed=feed)
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


# TF's testWhileTimeOut: a loop that never ends, run with a deadline (RunOptions.timeout_in_ms
# or ConfigProto.operation_timeout_in_ms), is TF's DeadlineExceededError (it ran forever); a
# loop that ends in time gives its value, with or without a deadline
DEADLINE_PROGRAM = """
forever = tf.while_loop(lambda x: x >= 0.0, lambda x: x + 1.0, [tf.constant(0.0)])
ends = tf.while_loop(lambda i: i < 1000, lambda i: i + 1, [tf.constant(0)])
def failure(f):
    try:
        f()
        return "ran"
    except Exception as e:
        return [type(e).__name__, str(e).splitlines()[-1] if str(e) else ""]
late = tf.RunOptions(timeout_in_ms=50)
with tf.Session() as s:
    result = [failure(lambda: s.run(forever, options=late)), s.run(ends),
              s.run(ends, options=tf.RunOptions(timeout_in_ms=60000))]
with tf.Session(config=tf.ConfigProto(operation_timeout_in_ms=50)) as s:
    result += [failure(lambda: s.run(forever)), s.run(ends)]
"""


@pytest.mark.oracle
def test_loop_past_the_run_deadline(oracle):
    there = oracle(DEADLINE_PROGRAM)
    assert "ok" in there and there["ok"][0][0] == "DeadlineExceededError", there
    assert run_here(DEADLINE_PROGRAM) == there


# a loop in a cond branch, both under control_dependencies of an assign: the loop's Enters
# wait for it too (TF's graph), yet it runs once per run, before the cond, and never again
# inside the branch; in a graph TF made, in one scopeflow made and TF imports, and back
NESTED_UNDER_CONTROLS = """
v = tf.Variable(1.0, name='v')
up = tf.assign_add(v, 1.0, name='up')
p = tf.placeholder_with_default(True, [], name='p')
x = tf.placeholder_with_default(0.5, [], name='x')
def loop():
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(
        a < 2., lambda: a * v, lambda: a + 1.0)), [0, x])[1]
with tf.control_dependencies([up]):
    r = tf.cond(p, loop, lambda: x + 1.0)
g = tf.gradients(r, x)[0]
open(path, 'wb').write(tf.get_default_graph().as_graph_def().SerializeToString())
"""
IMPORT_AND_RUN = """
gd = tf.GraphDef()
gd.ParseFromString(open(path, 'rb').read())
tf.import_graph_def(gd, name='')
with tf.Session() as s:
    s.run('v/Assign')
    result = [s.run(['cond/Merge:0', 'gradients/AddN:0'], {'x:0': x}) + [s.run('v:0')]
              for x in (0.5, 3.0, 0.25)]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("maker", ["tf", "scopeflow"])
def test_nested_constructs_under_controls_round_trip(oracle, tmp_path, maker):
    path = "path = %r\n" % str(tmp_path / "g.pb")
    build = oracle if maker == "tf" else run_here
    assert "ok" in build(path + NESTED_UNDER_CONTROLS)
    here, there = run_here(path + IMPORT_AND_RUN), oracle(path + IMPORT_AND_RUN)
    assert "ok" in there and here == there, explain(IMPORT_AND_RUN, here, there)


def test_sub_order_is_the_detached_slice_and_leaves_the_graph_alone(tf):
    # a gradient under control_dependencies: the branches' ops wait for outside updates
    from scopeflow.lowering.slice import backward_slice
    from scopeflow.ops import cf_run
    x = tf.placeholder(tf.float32, [3])
    flag = tf.placeholder(tf.bool, [])
    v = tf.Variable(tf.ones([3]))
    bump = tf.assign_add(v, tf.ones([3]))
    y = tf.cond(flag, lambda: tf.sin(x * v), lambda: tf.square(x) + v)
    with tf.control_dependencies([bump]):
        g, = tf.gradients(tf.reduce_sum(y), [x])
    graph = tf.get_default_graph()
    specs = {op._cf[0] for op in graph.get_operations() if op._cf is not None}
    branches = [b for s in specs if hasattr(s, "then_branch")
                for b in (s.then_branch, s.else_branch)]
    assert any(b.edges for b in branches)  # (the gradient cond's branches)
    before = [(op, list(op._control_inputs), list(op._control_outputs))
              for op in graph.get_operations()]
    version = graph._version
    for b in branches:
        got = cf_run.sub_order(b, b.outputs, b.inputs)
        with cf_run._detached(b):
            want = backward_slice(list(b.outputs), frozenset(b.inputs), cf_run._outside(b, ()))
        assert got == want and got
        # neither edits the graph, not even the order of control inputs (a GraphDef's)
        assert [(op, list(op._control_inputs), list(op._control_outputs))
                for op, _, _ in before] == before
    assert graph._version == version
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(g, {x: [1., 2., 3.], flag: True}),
                                   2 * np.cos([2., 4., 6.]), rtol=1e-6)


# conds nested three deep, each branch with an Assert, a random draw and a TensorArray
# written in one branch only: each branch's ops run once per level when the step is traced
# (cf_run._traced_call: the jaxpr of that one trace makes the lax.cond), not twice per level
NESTED_CONDS = """
p = tf.placeholder(tf.int32, [], name='p')
x = tf.placeholder(tf.float32, [3], name='x')
def level(k, a):
    if k == 0:
        return a * 2.0
    def deeper():
        ok = tf.Assert(tf.reduce_all(a < 100.0), [a], name='small%d' % k)
        with tf.control_dependencies([ok]):
            ta = tf.TensorArray(tf.float32, 1).write(0, a)
            return level(k - 1, ta.read(0) + 1.0)
    return tf.cond(p > k, deeper, lambda: a - tf.random_uniform([3], seed=k) * 0.0)
y = level(3, x)
g = tf.gradients(tf.reduce_sum(y * y), x)[0]
def attempt(s, feed):
    try:
        return [v.tolist() for v in s.run([y, g], feed)]
    except tf.errors.OpError as e:
        return [type(e).__name__, e.op.name]
with tf.Session() as s:
    result = [attempt(s, {p: q, x: [1., 2., 3.]}) for q in (0, 1, 2, 3, 4)]
    result.append(attempt(s, {p: 4, x: [1., 2., 300.]}))
"""


@pytest.mark.oracle
def test_nested_conds_trace_each_branch_once_and_match_tf(oracle, monkeypatch):
    from scopeflow.ops import cf_run
    calls = []
    call = cf_run._call
    monkeypatch.setattr(cf_run, "_call", lambda *a, **k: calls.append(1) or call(*a, **k))
    here = run_here(NESTED_CONDS)
    there = oracle(NESTED_CONDS)
    assert "ok" in here and here == there, explain(NESTED_CONDS, here, there)
    assert there["ok"][-1] == ["InvalidArgumentError", "cond/small3/AssertGuard/Assert"]
    # 9 tf.conds (3 levels, their tf.Asserts' AssertGuards, 3 gradient conds), 2 branches
    # each, one signature (its build traces a step twice at most); with a trial trace before
    # each lax.cond every level doubled the calls of the one below it (124 here)
    assert 0 < len(calls) <= 2 * 2 * 9, len(calls)
