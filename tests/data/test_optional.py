"""tf.experimental.Optional and Iterator.get_next_as_optional against real TF: values, the end
of the data, names, element specs, run-time errors and reads inside tf.cond."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

PRELUDE = DATA_PRELUDE + ORACLE_HELPERS + """
O = tf.experimental.Optional
"""

SNIPPETS = {
    "iterator_to_the_end": """
ds = tf.data.Dataset.range(3).map(lambda x: (x, tf.cast(x, tf.float32)))
it = tf.data.make_initializable_iterator(ds)
opt = it.get_next_as_optional()
opt2 = tf.data.experimental.get_next_as_optional(it)
hv, gv = opt.has_value(), opt.get_value()
out = []
with tf.Session() as s:
    s.run(it.initializer)
    out.append([s.run(hv) for _ in range(5)])
    s.run(it.initializer)
    out.append([err(lambda: out.append(s.run([hv, gv]))) for _ in range(4)])
    s.run(it.initializer)
    out.append([s.run(opt2.has_value()), s.run(hv), s.run(gv)])
result = [out, str(opt.element_spec), hv.name, [t.name for t in gv], ops()]""",
    "structures_and_sparse": """
ds = tf.data.Dataset.from_tensor_slices({"a": [[1, 2], [3, 4]], "b": ["x", "y"]})
it = tf.data.make_one_shot_iterator(ds)
o = it.get_next_as_optional()
sp = tf.data.Dataset.from_tensors(tf.SparseTensor([[0, 0]], [1.0], [2, 3]))
it2 = tf.data.make_initializable_iterator(sp)
o2 = it2.get_next_as_optional()
v2 = o2.get_value(name="sparse_value")
with tf.Session() as s:
    a = [s.run(o.get_value()), s.run(o.get_value()), err(lambda: s.run(o.get_value()))]
    s.run(it2.initializer)
    b = s.run(v2)
result = [a, [b.indices, b.values, b.dense_shape], str(o.element_spec), str(o2.element_spec),
          v2.indices.name, v2.dense_shape.name, ops()]""",
    "from_value_and_empty": """
a = O.from_value({"a": 1, "b": tf.SparseTensor([[0]], [2.0], [3]), "c": [1.5, 2.5]})
b = O.from_value(tf.constant(3))
e = O.empty(tf.TensorSpec([None], tf.int32))
hv, gv = e.has_value(name="hv"), e.get_value(name="gv")
with tf.Session() as s:
    av = s.run(a.get_value())
    r = [s.run([a.has_value(), b.has_value(), b.get_value(), hv]), err(lambda: s.run(gv))]
result = [r, av["a"], av["c"], av["b"].values, str(a.element_spec), str(e.element_spec),
          gv.shape.as_list(), tf.data.experimental.Optional is O, ops()]""",
    "misuse": """
result = [err(lambda: O()), err(lambda: O.from_value(()))]""",
    "read_in_cond": """
it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(2).map(lambda x: x * 10))
opt = it.get_next_as_optional()
v = tf.cond(opt.has_value(), lambda: opt.get_value() + 1, lambda: tf.constant(-1, tf.int64))
with tf.Session() as s:
    result = [s.run(v) for _ in range(4)]""",
    "uninitialized": """
it = tf.data.Iterator.from_structure(tf.int64, [])
o = it.get_next_as_optional()
with tf.Session() as s:
    result = err(lambda: s.run(o.has_value()))""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])


@pytest.mark.oracle
def test_ragged_optional_matches_tf(oracle):
    """An optional of ragged values: get_next_as_optional of a ragged dataset and
    Optional.from_value of a RaggedTensor (its variant, as TF's) give a RaggedTensor back."""
    from oracle import run_here
    code = """
show = lambda v: tf.nest.map_structure(
    lambda v: v.to_list() if hasattr(v, "to_list") else int(v), v)
r = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
it = tf.data.make_initializable_iterator(tf.data.Dataset.from_tensor_slices(r).batch(2))
o = tf.data.experimental.get_next_as_optional(it)
ov = tf.data.experimental.Optional.from_value((r, 1))
with tf.Session() as s:
    s.run(it.initializer)
    result = [str(o.element_spec), show(s.run(o.get_value())), str(ov.element_spec),
              show(s.run(ov.get_value())), bool(s.run(ov.has_value())),
              type(o.get_value()).__name__]
"""
    here, there = run_here(code), oracle(code)
    assert here == there, (here, there)
