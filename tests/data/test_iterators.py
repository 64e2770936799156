"""TF1 iterators against real TF: initialization, feeds, reinitialization, handles, errors."""

import pytest
from oracle import explain, run_here, same

PRELUDE = """
def err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        return [type(e).__name__, str(e).split("\\n")[-1] if "Graph execution" not in str(e)
                else [l for l in str(e).split("\\n") if l and not l.startswith(" ")][2]]
def ops():
    return [(o.name, o.type, [i.name for i in o.inputs])
            for o in tf.get_default_graph().get_operations()]
"""

SNIPPETS = {
    "initializable_with_placeholder": """
n = tf.placeholder(tf.int64, [])
ds = tf.data.Dataset.range(n).map(lambda x: x * 10)
it = tf.data.make_initializable_iterator(ds)
nxt = it.get_next()
out = []
with tf.Session() as sess:
    out.append(err(lambda: sess.run(nxt)))
    for k in (2, 3):
        sess.run(it.initializer, {n: k})
        out.append([sess.run(nxt) for _ in range(k)])
        out.append(err(lambda: sess.run(nxt)))
result = [out, it.initializer.name, it.initializer.type, nxt.name, ops()]""",
    "from_structure_reinitializable": """
a = tf.data.Dataset.range(3)
b = tf.data.Dataset.range(10, 12)
it = tf.data.Iterator.from_structure(tf.data.get_output_types(a), tf.data.get_output_shapes(a))
nxt = it.get_next()
ia, ib = it.make_initializer(a), it.make_initializer(b, name="init_b")
with tf.Session() as sess:
    sess.run(ia); x = [sess.run(nxt), sess.run(nxt)]
    sess.run(ib); y = [sess.run(nxt), sess.run(nxt)]
    sess.run(ia); z = sess.run(nxt)
result = [x, y, z, ia.name, ib.name, it.output_types.name, ops()]""",
    "from_structure_mismatch": """
it = tf.data.Iterator.from_structure(tf.int64, tf.TensorShape([]))
result = err(lambda: it.make_initializer(tf.data.Dataset.from_tensor_slices([1.0])))""",
    "feedable_string_handle": """
a = tf.data.Dataset.range(3)
b = tf.data.Dataset.range(100, 103)
ia = tf.data.make_one_shot_iterator(a)
ib = tf.data.make_initializable_iterator(b)
h = tf.placeholder(tf.string, [])
it = tf.data.Iterator.from_string_handle(h, tf.data.get_output_types(a), tf.data.get_output_shapes(a))
nxt = it.get_next()
with tf.Session() as sess:
    sess.run(ib.initializer)
    ha, hb = sess.run([ia.string_handle(), ib.string_handle()])
    result = [sess.run(nxt, {h: ha}), sess.run(nxt, {h: hb}), sess.run(nxt, {h: ha}),
              sess.run(nxt, {h: hb})]""",
    "one_shot_method_and_nested": """
ds = tf.data.Dataset.range(2).map(lambda x: (x, {"y": x * 2, "z": tf.cast(x, tf.float32)}))
it = ds.make_one_shot_iterator()
nxt = it.get_next()
with tf.Session() as sess:
    v = [sess.run(nxt) for _ in range(2)]
result = [v, tf.nest.map_structure(lambda t: t.name, nxt), str(it.output_shapes),
          err(lambda: it.initializer)]""",
    "one_shot_placeholder_in_map": """
p = tf.placeholder(tf.int64, [], name="scale")
ds = tf.data.Dataset.range(3).map(lambda x: x * p)
result = err(lambda: tf.data.make_one_shot_iterator(ds))""",
    # captured by value: random ops and variables are stateful (a program feeding
    # from_tensor_slices(tf.random_uniform(...)) got values instead of TF's error); random
    # ops inside a map function are the dataset's own and allowed
    "one_shot_stateful_captures": """
v = tf.Variable(tf.zeros([3]), name="v")
one_shot = tf.data.make_one_shot_iterator
def after_no_op():
    with tf.control_dependencies([tf.no_op()]):
        return err(lambda: one_shot(tf.data.Dataset.from_tensors(tf.constant(1.0))))
result = [err(lambda: one_shot(tf.data.Dataset.from_tensor_slices(tf.random_uniform([4, 2])))),
          err(lambda: one_shot(tf.data.Dataset.from_tensors(v + 1.0))),
          err(lambda: one_shot(tf.data.Dataset.range(3).map(lambda x: x + tf.to_int64(v[0])))),
          err(lambda: one_shot(tf.data.Dataset.range(3).map(lambda x: tf.random_uniform([])))),
          err(lambda: one_shot(tf.data.Dataset.range(3).shuffle(3, seed=1))), after_no_op()]""",
    "one_shot_restarts_per_session": """
nxt = tf.data.make_one_shot_iterator(tf.data.Dataset.range(3)).get_next()
with tf.Session() as s1:
    a = [s1.run(nxt), s1.run(nxt)]
with tf.Session() as s2:
    b = s2.run(nxt)
result = [a, b]""",
    "get_next_twice_and_names": """
it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(10).batch(2))
x, y = it.get_next(), it.get_next(name="second")
with tf.Session() as sess:
    r = [sess.run(x), sess.run(y)]
result = [r, x.name, y.name, x.shape.as_list()]""",
    "one_shot_draws_an_op_seed": """
with tf.Graph().as_default():
    tf.set_random_seed(1)
    a = tf.random.uniform([1])
    it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(3))
    b = tf.random.uniform([1])
    result = [t.op.get_attr("seed2") for t in (a, b)]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_session_stays_usable_after_errors(tf):
    ds = tf.data.Dataset.range(4).map(lambda x: tf.fill([x], x)).batch(2)
    it = tf.data.make_initializable_iterator(ds)
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot add tensor to the batch"):
            sess.run(nxt)
        assert sess.run(tf.constant(3) + 1) == 4
        sess.run(it.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt)


def test_end_of_sequence_names_the_node(tf):
    nxt = tf.data.make_one_shot_iterator(tf.data.Dataset.range(0)).get_next()
    with tf.Session() as sess, pytest.raises(tf.errors.OutOfRangeError,
                                             match=r"End of sequence") as e:
        sess.run(nxt)
    assert "{{node IteratorGetNext}}" in str(e.value)


def test_iterator_and_dataset_must_share_a_graph(tf):
    ds = tf.data.Dataset.range(3)
    with tf.Graph().as_default():
        for make in (tf.data.make_one_shot_iterator, tf.data.make_initializable_iterator):
            with pytest.raises(ValueError, match="same graph as the iterator"):
                make(ds)
