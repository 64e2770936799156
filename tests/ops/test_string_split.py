"""tf.string_split and tf.strings.split (TF1, SparseTensor results) against TF: graph ops,
token values on fed strings (spaces, delimiters, empty strings and tokens), a Dataset.map
over them (text pipelines), and the rank error."""

import pytest
from oracle import ORACLE_HELPERS, run_here

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
