"""IndexedSlices and SparseTensors as tf.while_loop loop variables, against TF: one Enter /
Merge / Switch / Identity / NextIteration / Exit per component, TF's shape invariants per
component (TF's testWhileShapeInference{IndexedSlices,SparseTensor}, testWhileBadShape*)."""

import pytest
from oracle import run_here, same

PRELUDE = (
    "i = tf.constant(0)\n"
    "iv = tf.constant([[2.0, 4.0], [3.0, 5.0]], name='values')\n"
    "rows = tf.IndexedSlices(iv, tf.constant([0, 3], name='indices'),\n"
    "                        tf.constant([10, 2], name='dense_shape'))\n"
    "sp = tf.SparseTensor(tf.constant([[0], [3]], tf.int64, name='sp_indices'),\n"
    "                     tf.constant([2.0, 4.0], name='sp_values'),\n"
    "                     tf.constant([10], tf.int64, name='sp_shape'))\n"
    "c = lambda i, _: i < 3\n"
    "def twice(i, x):\n"
    "    kind = tf.IndexedSlices if isinstance(x, tf.IndexedSlices) else tf.SparseTensor\n"
    "    if kind is tf.SparseTensor:\n"
    "        return [i + 1, tf.SparseTensor(x.indices, x.values * 2.0, x.dense_shape)]\n"
    "    return [i + 1, tf.IndexedSlices(x.values * 2.0, x.indices, x.dense_shape)]\n"
    "def shapes(r):\n"
    "    return [type(r).__name__, r.values.shape, r.indices.shape, r.dense_shape.shape]\n")

LOOPS = {
    "indexed_slices": "_, r = tf.while_loop(c, twice, [i, rows])\n",
    "indexed_slices_invariant": "_, r = tf.while_loop(c, twice, [i, rows],\n"
                                "    [i.get_shape(), tf.TensorShape([None, 2])])\n",
    "sparse": "_, r = tf.while_loop(c, twice, [i, sp])\n",
    "sparse_any_rank": "_, r = tf.while_loop(c, twice, [i, sp],\n"
                       "    [i.get_shape(), tf.TensorShape(None)])\n",
    "sparse_grows": (
        "def grow(i, x):\n"
        "    more = tf.SparseTensor(tf.cast(tf.fill([1, 1], i + 5), tf.int64), tf.fill([1], 1.0),\n"
        "                           x.dense_shape)\n"
        "    return [i + 1, tf.sparse_add(x, more)]\n"
        "_, r = tf.while_loop(c, grow, [i, sp])\n"),
}
LOOP_OPS = ("Enter", "Merge", "Switch", "Identity", "NextIteration", "Exit")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(LOOPS))
def test_composite_loop_variable(oracle, name):
    code = PRELUDE + LOOPS[name] + (
        "with tf.Session() as s:\n"
        "    got = s.run(r)\n"
        "result = [shapes(r), [got.values, got.indices, got.dense_shape],\n"
        "          [[op.name, op.type, [t.name for t in op.inputs], op.outputs[0].shape]\n"
        "           for op in tf.get_default_graph().get_operations()\n"
        "           if op.type in %r and op.outputs]]\n" % (LOOP_OPS,))
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


BAD = {
    "sparse_invariant_rank": "tf.while_loop(c, twice, [i, sp], [i.get_shape(), "
                             "tf.TensorShape([5])])",
    "indexed_slices_invariant": "tf.while_loop(c, twice, [i, rows], [i.get_shape(), "
                                "tf.TensorShape([5])])",
    "sparse_changes_rank": (
        "tf.while_loop(c, lambda i, x: [i + 1, tf.SparseTensor(\n"
        "    tf.concat([x.indices, [[i], [i]]], axis=1), x.values,\n"
        "    tf.concat([x.dense_shape, [10]], axis=0))], [i, sp])"),
    "indexed_slices_grow": (
        "tf.while_loop(c, lambda i, x: [i + 1, tf.IndexedSlices(\n"
        "    tf.concat([x.values, x.values], 0), tf.concat([x.indices, x.indices], 0),\n"
        "    x.dense_shape)], [i, rows])"),
    "sparse_invariant_not_vector": "tf.while_loop(c, twice, [i, sp], [i.get_shape(), "
                                   "tf.TensorShape([2, 3])])",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(BAD))
def test_composite_loop_variable_errors(oracle, name):
    code = PRELUDE + "try:\n    %s\n    result = 'built'\nexcept ValueError as e:\n" \
                     "    result = str(e)\n" % BAD[name].replace("\n", "\n    ")
    there = oracle(code)
    assert "ok" in there and there["ok"] != "built", there
    assert run_here(code) == there


@pytest.mark.oracle
def test_body_returns_a_tensor_for_indexed_slices(oracle):
    code = PRELUDE + "tf.while_loop(c, lambda i, x: [i + 1, x.values], [i, rows])\n"
    there = oracle(code)
    here = run_here(code)
    assert there["raises"] == "ValueError" and same(here, there), (here, there)
    tail = "is a sequence, while substructure"
    assert tail in here["msg"] and tail in there["msg"]


# loops built under control_dependencies of outside ops: TF routes the edges (its
# _RemoveExternalControlEdges / _FixControlInputsAndContext) and the ops run after them
CONTROLLED = {
    "assign": (
        "with tf.control_dependencies([up]):\n"
        "    r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.0 + v), (0, x))\n"),
    "no_op": (
        "with tf.control_dependencies([tf.group(up)]):\n"
        "    r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a + v), (0, x))\n"),
    "nested": (
        "def inner(a):\n"
        "    return tf.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, b + v), (0, a))[1]\n"
        "with tf.control_dependencies([up]):\n"
        "    r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, inner(a)), (0, x))\n"),
    "in_cond": (
        "p = tf.placeholder_with_default(True, [])\n"
        "with tf.control_dependencies([up]):\n"
        "    r = tf.cond(p, lambda: tf.while_loop(lambda a: a < 50.0, lambda a: a * v, [x]),\n"
        "                lambda: x + 1.0)\n"),
    "two_controls": (
        "w = tf.Variable(3.0, name='w')\n"
        "up2 = tf.assign(w, 5.0, name='up2')\n"
        "with tf.control_dependencies([up]):\n"
        "    with tf.control_dependencies([up2]):\n"
        "        r = tf.while_loop(lambda a: a < 100.0, lambda a: a * v + w, [x])\n"),
    "gradient": (
        "y = tf.placeholder_with_default(3.0, [], name='y')\n"
        "with tf.control_dependencies([up]):\n"
        "    l = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * y + v), (0, x))\n"
        "    r = tf.gradients(l[1], [y, x])\n"),
}
CONTROLLED_PRELUDE = ("v = tf.Variable(1.0, name='v')\n"
                      "up = tf.assign_add(v, 10.0, name='up')\n"
                      "x = tf.constant(2.0, name='x')\n")


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CONTROLLED))
def test_loop_under_outside_control_dependencies(oracle, name):
    """The graph node for node (control inputs included) and the values of two runs: the
    outside op runs before the loop ops that wait for it."""
    code = CONTROLLED_PRELUDE + CONTROLLED[name] + (
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer())\n"
        "    values = [s.run(r), s.run(v), s.run(r), s.run(v)]\n"
        "result = [values, sorted([op.name, op.type, [t.name for t in op.inputs],\n"
        "                          sorted(c.name for c in op.control_inputs)]\n"
        "                         for op in tf.get_default_graph().get_operations())]\n")
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


# A body that changes a loop value's dtype: TF builds the loop, and its runtime then refuses
# the whole graph (the Merge's input types), every run of every session, even of a constant;
# scopeflow ran the loop and returned 3.
DTYPE_CHANGED = """
r = tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32) + 1, [tf.constant(0)])
c = tf.constant(5.0) * 2
out = [str(r)]
for sess in (tf.Session(), tf.Session()):
    for t in (r, c):
        try:
            out.append(sess.run(t).tolist())
        except tf.errors.InvalidArgumentError as e:
            out.append([type(e).__name__, str(e), e.op is None, e.node_def is None])
result = out
"""


@pytest.mark.oracle
def test_a_body_changing_a_dtype_makes_every_run_fail_as_tf(oracle):
    here = run_here(DTYPE_CHANGED)
    assert here == oracle(DTYPE_CHANGED)
    assert "incompatible with expected int32" in str(here)
