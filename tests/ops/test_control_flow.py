"""tf.cond / tf.case / tf.while_loop: TF1's graphs, names, errors and values."""

import pytest

from array_oracle import _diff, _same_error, check_values, graph_of
from oracle import run_here


def check_cf_graph(oracle, code):
    there = graph_of(oracle, code)
    here = graph_of(run_here, code)
    _same_error(here["err"], there["err"], code)
    a, b = here["ops"], there["ops"]  # TF's graph exactly: no op more, same inputs
    assert a == b, _diff(code, a, b)
    assert here["res"] == there["res"], (code, here["res"], there["res"])


GRAPHS = [
    # cond: pivots, captures (`<op>/Switch`), constants under switch_t / switch_f, results
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "r = tf.cond(p, lambda: x * 2., lambda: x + 1.); result = [r]",
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "r = tf.cond(p, lambda: (x, x * 2.), lambda: (x + 1., x)); result = [r]",
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "r = tf.cond(p, lambda: tf.constant(1.), lambda: tf.constant(2.)); "
    "q = tf.cond(tf.constant(True), lambda: x, lambda: x); result = [r, q]",
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "q = tf.placeholder(tf.bool, []); "
    "r = tf.cond(p, lambda: tf.cond(q, lambda: x * 2., lambda: x), lambda: x + 1.); result = r",
    "r = tf.cond(tf.constant(True), lambda: 1, lambda: 2); result = r",
    "r = tf.cond(tf.constant(True), lambda: tf.constant([1]), lambda: tf.constant([1, 2])); "
    "result = r",
    "r = tf.cond(tf.constant(True), lambda: [tf.constant(1)], lambda: [tf.constant(2)]); "
    "result = r",
    "r = tf.cond(tf.constant(True), lambda: [tf.constant(1)], lambda: [tf.constant(2)], "
    "strict=True); result = r",
    "r = tf.cond(tf.constant(True), lambda: {'a': tf.constant(1)}, "
    "lambda: {'a': tf.constant(2)}); result = r",
    "r = tf.cond(tf.constant(True), lambda: tf.no_op(), lambda: tf.no_op()); result = r",
    "with tf.name_scope('s'):\n    r = tf.cond(tf.constant(True), lambda: 1, lambda: 2, "
    "name='c')\nresult = r",
    "x = tf.placeholder(tf.float32, [None, 3])\nwith tf.control_dependencies([tf.no_op()]):\n"
    "    r = tf.cond(tf.reduce_sum(x) > 0, lambda: x, lambda: -x)\nresult = r.name",
    "with tf.variable_scope('vs'):\n    i = tf.constant(0)\n"
    "    r = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i], name='loop')\n"
    "    c = tf.cond(r > 3, lambda: r, lambda: r * 2, name='pick')\n"
    "    c2 = tf.cond(r > 3, lambda: r, lambda: r * 2)\nresult = [r.name, c.name, c2.name]",
    "x = tf.placeholder(tf.float32, [None, 3])\nr = tf.while_loop(lambda i, acc: i < "
    "tf.shape(x)[1], lambda i, acc: (i + 1, acc + tf.reduce_sum(x[:, i])), "
    "[tf.constant(0), tf.constant(0.)])\nresult = [t.name for t in r]",
    # cond errors
    "r = tf.cond(True, lambda: 1, lambda: 2)",
    "r = tf.cond(tf.constant(True), lambda: (1, 2), lambda: 2)",
    "r = tf.cond(tf.constant(True), lambda: tf.constant(1), lambda: tf.constant(2.))",
    "r = tf.cond(tf.constant([True]), lambda: 1, lambda: 2)",
    "r = tf.cond(tf.constant(1), lambda: 1, lambda: 2)",
    "r = tf.cond(tf.constant(True), lambda: None, lambda: None)",
    "r = tf.cond(tf.constant(True), None, lambda: 1)",
    "r = tf.cond(tf.constant(True), lambda: (tf.constant(1), tf.constant(2)), "
    "lambda: [tf.constant(1), tf.constant(2)])",
    # while_loop: Enter / Merge / LoopCond / Switch / Identity / NextIteration / Exit
    "i = tf.constant(0); r = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i]); "
    "result = [r, r.shape.as_list()]",
    "i = tf.constant(0); x = tf.placeholder(tf.float32, [2]); "
    "r = tf.while_loop(lambda i, x: i < 10, lambda i, x: (i + 1, x * 2.), [i, x]); result = r",
    "i = tf.constant(0); r = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i], "
    "maximum_iterations=5); result = r",
    "i = tf.constant(0); x = tf.placeholder(tf.float32, [2]); w = tf.placeholder(tf.float32, []);"
    " r = tf.while_loop(lambda i, a: i < 10, lambda i, a: (i + 1, a * w + x), [i, x]); result = r",
    "i = tf.constant([0]); r = tf.while_loop(lambda i: tf.reduce_sum(i) < 10, "
    "lambda i: tf.concat([i, i], 0), [i], shape_invariants=[tf.TensorShape([None])]); "
    "result = [r.shape.as_list()]",
    "i = tf.constant(0); r = tf.while_loop(lambda i: i < 3, lambda i: [i + 1], [i], "
    "return_same_structure=True); result = r",
    "i = tf.constant(0); r = tf.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1, j), (i, 2.));"
    " result = r",
    "x = tf.placeholder(tf.float32, [2]); i = tf.constant(0); r = tf.while_loop(lambda i, a: "
    "i < 3, lambda i, a: (i + 1, tf.cond(i > 1, lambda: a * x, lambda: a + 1.)), [i, x]); "
    "result = r",
    "x = tf.placeholder(tf.float32, [2]); i = tf.constant(0); r = tf.while_loop(lambda i, a: "
    "i < 3, lambda i, a: (i + 1, tf.while_loop(lambda j, b: j < i, lambda j, b: (j + 1, b * x), "
    "[0, a])[1]), [i, x]); result = r",
    # while_loop errors
    "i = tf.constant([0]); r = tf.while_loop(lambda i: tf.reduce_sum(i) < 10, "
    "lambda i: tf.concat([i, i], 0), [i])",
    "i = tf.constant(0); r = tf.while_loop(lambda i: i < 10, lambda i: (i, i), [i])",
    "i = tf.constant(0); r = tf.while_loop(lambda i: [i < 10], lambda i: i + 1, [i])",
    "i = tf.constant(0); r = tf.while_loop(lambda i: i, lambda i: i + 1, [i])",
    "i = tf.constant(0); r = tf.while_loop(lambda d: d['a'] < 3, lambda d: {'a': d['a'] + 1}, "
    "[{'a': i}])",
    "r = tf.while_loop(1, lambda i: i, [1])",
    "r = tf.while_loop(lambda i: i < 2, 1, [1])",
    "r = tf.while_loop(lambda i: i < 2, lambda i: i + 1, [])",
    "i = tf.constant([0]); r = tf.while_loop(lambda i: True, lambda i: i, [i], "
    "shape_invariants=[tf.TensorShape([2])])",
    # case
    "p = tf.placeholder(tf.int32, []); r = tf.case([(p < 1, lambda: tf.constant(1)), "
    "(p < 2, lambda: tf.constant(2))], default=lambda: tf.constant(3)); result = r",
    "r = tf.case([(1, lambda: 1)])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_cf_graph(oracle, code)


def test_collections_and_contexts(tf):
    r = tf.cond(tf.constant(True), lambda: 1, lambda: 2)
    tf.while_loop(lambda i: i < 3, lambda i: i + 1, [r])
    g = tf.get_default_graph()
    assert len(g.get_collection("cond_context")) == 2
    assert len(g.get_collection("while_context")) == 1


def test_branch_ops_never_run_outside_their_branch(tf):
    from scopeflow.lowering.slice import backward_slice
    x = tf.placeholder(tf.float32, [])
    r = tf.cond(x > 0., lambda: tf.sqrt(x), lambda: -x)
    assert r.op.type == "Merge" and r.op.inputs[1].op.name == "cond/Sqrt"
    assert [op.name for op in backward_slice([r])] == ["Placeholder", "Greater/y", "Greater",
                                                       "cond/Merge"]
    assert tf.Session().run(r, {x: -4.0}) == 4.0


VALUES = [
    "p = tf.placeholder(tf.bool, []); x = tf.placeholder(tf.float32, [2]); "
    "fetch = [tf.cond(p, lambda: x * 2., lambda: x + 1.), "
    "tf.cond(p, lambda: (x, x * 2.), lambda: (x + 1., x))]; feed = {p: False, x: [1., 2.]}",
    "p = tf.placeholder(tf.bool, []); x = tf.placeholder(tf.float32, [2]); "
    "fetch = tf.cond(p, lambda: {'a': x, 'b': [x * 3.]}, lambda: {'a': -x, 'b': [x]}); "
    "feed = {p: True, x: [1., 2.]}",
    "x = tf.placeholder(tf.float32, [2]); i = tf.constant(0); fetch = tf.while_loop("
    "lambda i, a: i < 3, lambda i, a: (i + 1, tf.while_loop(lambda j, b: j < i, "
    "lambda j, b: (j + 1, b * x), [0, a])[1]), [i, x]); feed = {x: [1.5, 2.]}",
    "x = tf.placeholder(tf.float32, [2]); i = tf.constant(0); fetch = tf.while_loop("
    "lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(i > 1, lambda: a * x, lambda: a + 1.)), "
    "[i, x]); feed = {x: [1.5, 2.]}",
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "q = tf.placeholder(tf.bool, []); fetch = tf.cond(p, lambda: tf.cond(q, lambda: x * 2., "
    "lambda: x), lambda: x + 1.); feed = {x: [1., 3.], p: True, q: False}",
    "i = tf.constant(0); fetch = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i], "
    "maximum_iterations=5)",
    "p = tf.placeholder(tf.int32, []); fetch = [tf.case([(p < 1, lambda: tf.constant(1)), "
    "(p < 2, lambda: tf.constant(2))], default=lambda: tf.constant(3))]; feed = {p: 1}",
    "v = tf.Variable(1.0); p = tf.placeholder(tf.bool, []); "
    "c = tf.cond(p, lambda: tf.assign_add(v, 2.0), lambda: tf.identity(v)); "
    "init = tf.global_variables_initializer(); fetch = [c, v]; feed = {p: True}; repeat = 3",
    "v = tf.Variable(1.0); i = tf.constant(0); r = tf.while_loop(lambda i: i < 4, "
    "lambda i: tf.tuple([i + 1], control_inputs=[tf.assign_add(v, 1.0)])[0], [i]); "
    "init = tf.global_variables_initializer(); fetch = [r, v.value()]; repeat = 2",
    "x = tf.placeholder(tf.float32, [None]); i = tf.constant(0); fetch = tf.while_loop("
    "lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.), [i, x]); feed = {x: [1., 2., 3.]}",
    "x = tf.constant(np.arange(12.).reshape(4, 3)); i = tf.constant(0); fetch = tf.while_loop("
    "lambda i, s: i < 3, lambda i, s: (i + 1, s + x[i, 1:] + x[i:i + 2, 0][1]), "
    "[i, tf.zeros([2], tf.float64)])",
    # gradients: lax.cond, and a masked scan when maximum_iterations bounds the loop
    "x = tf.placeholder(tf.float32, [2]); p = tf.placeholder(tf.bool, []); "
    "y = tf.cond(p, lambda: x * x, lambda: x * 3.); fetch = tf.gradients(y, x); "
    "feed = {x: [1., 2.], p: True}",
    "x = tf.placeholder(tf.float32, [2]); i = tf.constant(0); y = tf.while_loop(lambda i, a: "
    "i < 3, lambda i, a: (i + 1, a * x), (i, x), maximum_iterations=10)[1]; "
    "fetch = tf.gradients(tf.reduce_sum(y), x); feed = {x: [1., 2.]}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


def test_random_ops_draw_anew_each_iteration(tf):
    pytest.importorskip("scopeflow.session")
    i = tf.constant(0)
    r = tf.while_loop(lambda i, v: i < 4, lambda i, v: (
        i + 1, v + tf.one_hot(i, 4) * tf.random_uniform([])), [i, tf.zeros([4])])[1]
    with tf.Session() as s:
        a, b = s.run(r), s.run(r)
    assert len(set(a.tolist())) == 4 and not (a == b).all()


# a body returning another structure than loop_vars: a tuple for a list is fine (TF packs the
# result as loop_vars), another length or nesting is nest's ValueError, word for word
BODY_STRUCTURES = [
    "lambda i, v: (i + 1, v * 2), [0, x]",
    "lambda i, v: [i + 1, v * 2], (0, x)",
    "lambda i, v: [i + 1, v * 2, v], [0, x]",
    "lambda i, v: [i + 1], [0, x]",
    "lambda i, v: [i + 1, [v]], [0, x]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("body", BODY_STRUCTURES)
def test_body_structure_matches_tf(oracle, body):
    code = ("x = tf.constant(1.)\n"
            "try:\n    r = tf.while_loop(lambda i, v: i < 3, %s)\n"
            "    result = [type(r).__name__, [t.name for t in r]]\n"
            "except ValueError as e:\n    result = [type(e).__name__, str(e)]" % body)
    assert run_here(code) == oracle(code)


# TF's testCondIndexedSlicesDifferentTypes: branches giving IndexedSlices with int32 and int64
# indices give int64 indices (Casts after the branches); it raised "Outputs of 'true_fn' and
# 'false_fn' must have the same type(s)"
INDICES_DTYPES = """
values = tf.constant([10])
i_32 = tf.convert_to_tensor([0], name="one", dtype=tf.int32)
i_64 = tf.convert_to_tensor([0], name="one", dtype=tf.int64)
x = tf.IndexedSlices(values, i_32)
r = tf.cond(tf.less(1, 2), lambda: tf.IndexedSlices(tf.add(x.values, 1), i_32),
            lambda: tf.IndexedSlices(tf.subtract(x.values, 1), i_64))
with tf.Session() as s:
    result = [s.run([r.values, r.indices]), r.indices.dtype.name, r.indices.name,
              [[op.name, op.type, [t.name for t in op.inputs]]
               for op in tf.get_default_graph().get_operations()]]
"""


@pytest.mark.oracle
def test_cond_indexed_slices_indices_of_two_dtypes(oracle):
    there = oracle(INDICES_DTYPES)
    assert "ok" in there, there
    assert run_here(INDICES_DTYPES) == there
