"""tf.string_split and tf.strings.split (TF1, SparseTensor and RaggedTensor results) against
TF: graph ops, token values on fed strings (spaces, delimiters, empty strings and tokens), a
Dataset.map over them (text pipelines), ragged results of every input rank (static row counts
of constant inputs, as TF's shape inference folds the split), and the errors."""

import pytest
from oracle import ATTEMPT, ORACLE_HELPERS, run_here

_PROGRAM = """
s = tf.placeholder(tf.string, [None])
splits = [tf.string_split(s), tf.string_split(s, delimiter=",", skip_empty=False),
          tf.string_split(s, ""), tf.string_split(s, sep=", "),
          tf.strings.split(s, sep=","), tf.strings.split(s), tf.strings.split(s, ",", 1)]
g = tf.get_default_graph()
nodes = [[n.name, n.op, list(n.input)] for n in g.as_graph_def().node]
shapes = [[str(p.indices.shape), str(p.values.shape), str(p.dense_shape.shape)]
          for p in splits[:2]]
text = ["hello  world", "a,b,,c", "", " x ,y "]
def show(v):
    return [v.indices.tolist(), [b.decode() for b in v.values.tolist()], v.dense_shape.tolist()]
with tf.Session() as sess:
    values = [show(v) for v in sess.run(splits, {s: text})]
    ds = tf.data.Dataset.from_tensor_slices(["a b c", "d  e"]).map(
        lambda x: tf.string_split([x]).values)
    nxt = ds.make_one_shot_iterator().get_next()
    mapped = [[b.decode() for b in sess.run(nxt).tolist()] for _ in range(2)]
result = [nodes, shapes, values, mapped]
"""


_ERRORS = ORACLE_HELPERS + """
result = [err(lambda: tf.string_split(tf.constant([["a"]]))),
          err(lambda: tf.string_split(["a"], delimiter=["x", "y"])),
          err(lambda: tf.string_split(["a"], sep=",", delimiter=",")),
          err(lambda: tf.strings.split(input=["a"], source=["a"]))]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("program", [_PROGRAM, _ERRORS])
def test_string_split_as_tf(oracle, program):
    here, there = run_here(program), oracle(program)
    assert "ok" in there, there
    assert here == there


_RAGGED = ATTEMPT + """
def shown(v):
    return v.to_list() if hasattr(v, "to_list") else str(v)
outs = [tf.string_split(["a b", "c", ""], result_type="RaggedTensor"),
        tf.strings.split(["a b", "c  d", ""], result_type="RaggedTensor"),
        tf.strings.split(["a,b", "c"], sep=",", result_type="RaggedTensor"),
        tf.strings.split("x y", result_type="RaggedTensor"),
        tf.strings.split([["a b", "c"], ["d", "e f g"]], result_type="RaggedTensor"),
        tf.strings.split(tf.ragged.constant([["a b"], [], ["c"]]), result_type="RaggedTensor"),
        tf.strings.split(["a b c"], maxsplit=1, result_type="RaggedTensor")]
p = tf.placeholder(tf.string, [None])
outs.append(tf.strings.split(p, result_type="RaggedTensor"))
info = [[str(o.shape), o.ragged_rank, o.flat_values.name] for o in outs]
with tf.Session() as s:
    vals = [shown(v) for v in s.run(outs, {p: ["q r", "s"]})]
errs = [attempt(lambda: tf.strings.split(["a"], result_type="Dense")),
        attempt(lambda: tf.string_split(["a"], result_type="Dense"))]
result = [info, vals, errs]
result = [result, sorted([op.name, op.type] for op in tf.get_default_graph().get_operations())]
"""


@pytest.mark.oracle
def test_ragged_results_as_tf(oracle):
    here, there = run_here(_RAGGED), oracle(_RAGGED)
    assert "ok" in there, there
    assert here == there
