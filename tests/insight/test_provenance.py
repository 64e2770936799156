"""scopeflow.insight.provenance: each variable's creating call (line, scopes, get_variable or
tf.Variable, initializer) and its reuse sites; each op's defining line."""

import inspect

from scopeflow import insight


def _line(marker, src):
    """Line number of the line holding `marker` in the source `src`."""
    return next(i for i, ln in enumerate(src.splitlines(), 1) if marker in ln)


PROGRAM = """
def layer(x):
    with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())  # GET
    return tf.matmul(x, w, name="mm")                                     # MATMUL
with tf.name_scope("ns"):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    a = layer(x)                                                          # FIRST
    b = layer(x)                                                          # SECOND
    c = tf.Variable(tf.zeros([2]), name="c")                              # VAR
p = tf.get_variable("p", [4, 2], partitioner=tf.fixed_size_partitioner(2))  # PART
"""


def _build(tf, tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    code = compile(PROGRAM, str(path), "exec")
    exec(code, {"tf": tf})  # noqa: S102
    return str(path)


def test_get_variable_creation_and_reuse_sites(tf, tmp_path):
    path = _build(tf, tmp_path)
    p = insight.provenance(tf.get_default_graph())["shared/w"]
    assert p.via == "tf.get_variable" and p.entry == "get_variable"
    assert (p.created.filename, p.created.lineno) == (path, _line("# GET", PROGRAM))
    assert (p.variable_scope, p.name_scope) == ("shared", "ns/shared")
    assert p.initializer.startswith("initializer=Ones; initial value shared/w/Initializer/ones")
    # both calls ran line GET; the reuse came through the call on line SECOND
    assert [w.lineno for w in p.reuses] == [_line("# GET", PROGRAM)]
    assert "reused by 1 later get_variable call" in "\n".join(p.lines())


def test_tf_variable_and_partitioned_shards(tf, tmp_path):
    path = _build(tf, tmp_path)
    prov = insight.provenance(tf.get_default_graph())
    c = prov["ns/c"]
    assert (c.via, c.name_scope, c.reuses) == ("tf.Variable", "ns", ())
    assert (c.created.filename, c.created.lineno) == (path, _line("# VAR", PROGRAM))
    assert c.initializer == "initial value ns/zeros (Const)"
    for shard in ("p/part_0", "p/part_1"):
        assert prov[shard].via == "tf.get_variable"
        assert prov[shard].variable_scope == "" and prov[shard].created.lineno == \
            _line("# PART", PROGRAM)


def test_op_defining_line(tf, tmp_path):
    path = _build(tf, tmp_path)
    g = tf.get_default_graph()
    where = insight.op_site(g.get_operation_by_name("ns/mm_1"))
    assert (where.filename, where.lineno, where.function) == (path, _line("# MATMUL", PROGRAM),
                                                             "layer")


def test_layers_and_slots_name_the_users_line(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.dense(x, 2); here = inspect.currentframe().f_lineno
    tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(y)); there = here + 1
    prov = insight.provenance(tf.get_default_graph())
    kernel, slot = prov["dense/kernel"], prov["dense/kernel/Adam"]
    assert (kernel.entry, kernel.created.lineno) == ("dense", here)
    assert (slot.entry, slot.created.lineno, slot.via) == ("minimize", there, "tf.get_variable")
