"""`tf.Graph`: version, and ops added from several threads at once."""

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
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code)


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
