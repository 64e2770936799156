"""`tf.Graph`: version, which ops may be fetched or fed, and ops added from several threads
at once."""

import threading

import pytest
from scope_programs import check_tf

PROGRAMS = [
    """g = tf.Graph()
seen = [g.version]
with g.as_default():
    x = tf.constant(1.0)
    seen.append(g.version)
    y = tf.identity(x)
    seen.append(g.version)
    y.op._add_control_input(x.op)
    seen.append(g.version)
result = seen""",
    # which ops of conds and loops may be fetched or fed (cond branches, loop bodies, nested)
    """x = tf.placeholder(tf.float32, [], name="x")
def body(i, a):
    b = tf.cond(a > 2.0, lambda: a * 2.0, lambda: a + x)
    j, c = tf.while_loop(lambda j, c: j < i, lambda j, c: (j + 1, c + 1.0), [0, b])
    return i + 1, c
r = tf.while_loop(lambda i, a: i < 3, body, [0, x])
c2 = tf.cond(x > 0, lambda: x * 3.0, lambda: x)
g = tf.get_default_graph()
result = [sorted(op.name for op in g.get_operations() if not g.is_fetchable(op)),
          sorted(t.name for op in g.get_operations() for t in op.outputs
                 if not g.is_feedable(t))]""",
    """r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
with tf.Session() as s:
    s.run("while/add:0")""",
    """r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
with tf.Session() as s:
    s.run(r, {"while/add:0": 1})""",
    # names that are no tensor's: an op's, and one no op has
    """tf.constant(1, name="c")
tf.get_default_graph().get_tensor_by_name("c")""",
    "tf.get_default_graph().get_tensor_by_name('nope')",
    "tf.get_default_graph().as_graph_element('nope', allow_operation=False)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_threads_adding_to_one_graph(tf):
    """Ops added by several threads at once get distinct ids and names, and all are kept."""
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0, name="x")
    per_thread, threads = 300, 4

    def build(i):
        with g.as_default(), g.name_scope("t%d" % (i % 2)):  # two threads share each scope
            for _ in range(per_thread):
                tf.identity(x)

    workers = [threading.Thread(target=build, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ops = g.get_operations()
    assert len(ops) == 1 + per_thread * threads == g.version
    assert len({o._id for o in ops}) == len(ops)
    assert len({o.name for o in ops}) == len(ops)
    assert all(g.get_operation_by_name(o.name) is o for o in ops)


def _all_consumers(g):
    """Every tensor's consumers, from the index and recomputed from the ops' inputs."""
    tensors = [t for o in g.get_operations() for t in o.outputs]
    indexed = {t.name: sorted(o.name for o in t.consumers()) for t in tensors}
    scanned = {t.name: sorted(o.name for o in g.get_operations() for x in o.inputs if x is t)
               for t in tensors}
    return indexed, scanned


@pytest.mark.parametrize("ask_between", [False, True])
def test_consumers_follow_control_flow_rewiring(tf, ask_between):
    """Control flow rewires inputs of ops built in a branch or loop body to Switch / Enter
    outputs; consumers stay right whether or not they were asked for in between."""
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(2.0, name="x")
        y = tf.identity(x, name="y")
        if ask_between:
            assert [o.name for o in x.consumers()] == ["y"]

        def branch():
            z = tf.identity(x)  # its input is rewired to a Switch output when the next op is made
            if ask_between:
                assert z.op in x.consumers()
            return z * y + x

        c = tf.cond(x > 1.0, branch, lambda: y)
        if ask_between:
            c.consumers()
        tf.while_loop(lambda i: i < x, lambda i: i + y, [tf.constant(0.0)])
    indexed, scanned = _all_consumers(g)
    assert indexed == scanned
    assert "y" in indexed["x:0"]
