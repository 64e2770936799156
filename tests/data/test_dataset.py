"""tf.data transformations against real TF: values, element types/shapes, op names, errors."""

import pytest
from oracle import ATTEMPT, explain, run_here, same, snippet_matches

PRELUDE = """
def drain(ds, limit=200, feed=None):
    it = tf.data.make_one_shot_iterator(ds)
    nxt = it.get_next()
    out = []
    with tf.Session() as sess:
        for _ in range(limit):
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                break
    return out
def meta(ds):
    m = lambda f, x: tf.nest.map_structure(f, x)
    return [m(lambda t: t.name, tf.data.get_output_types(ds)),
            m(lambda s: None if s.ndims is None else s.as_list(), tf.data.get_output_shapes(ds)),
            m(lambda c: c.__name__, tf.data.get_output_classes(ds))]
def ops():
    return [(o.name, o.type, [i.name for i in o.inputs])
            for o in tf.get_default_graph().get_operations()]
"""

SNIPPETS = {
    "slices_nested": """
ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": ([[1.0], [2.0], [3.0]], ["x", "y", "z"])})
result = [drain(ds), meta(ds), ops()]""",
    "from_tensors": """
ds = tf.data.Dataset.from_tensors(([1, 2], 3.5)).repeat(2)
result = [drain(ds), meta(ds), ops()]""",
    "range_forms": """
result = [drain(tf.data.Dataset.range(a, b, c)) for a, b, c in [(0, 5, 1), (5, 0, -2), (3, 3, 1)]]
result += [ops()]""",
    "map_capture": """
c = tf.constant(10, tf.int64, name="cap")
ds = tf.data.Dataset.range(4).map(lambda x: (x + c, tf.cast(x, tf.float32) * 0.5))
result = [drain(ds), meta(ds), ops()]""",
    "map_dict_and_parallel": """
ds = tf.data.Dataset.range(5).map(lambda x: {"v": x, "sq": x * x}, num_parallel_calls=3)
ds = ds.map(lambda d: d["v"] + d["sq"])
result = [drain(ds), meta(ds), ops()]""",
    "filter_flat_map_interleave": """
a = tf.data.Dataset.range(8).filter(lambda x: x % 2 > 0)
b = tf.data.Dataset.range(4).flat_map(lambda x: tf.data.Dataset.range(x))
c = tf.data.Dataset.range(1, 6).interleave(lambda x: tf.data.Dataset.from_tensors(x).repeat(x),
                                           cycle_length=3, block_length=2)
d = tf.data.Dataset.range(1, 4).interleave(lambda x: tf.data.Dataset.range(x),
                                           cycle_length=2, num_parallel_calls=2)
result = [drain(a), drain(b), drain(c), drain(d), ops()]""",
    "batch_padded_unbatch": """
a = tf.data.Dataset.range(10).batch(4)
b = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
c = tf.data.Dataset.range(1, 6).map(lambda x: tf.range(x)).padded_batch(2, padded_shapes=[None])
d = tf.data.Dataset.range(6).batch(4).unbatch()
e = tf.data.Dataset.from_tensor_slices(["a", "bb", "c"]).padded_batch(2, padded_shapes=[])
result = [drain(a), meta(a), drain(b), meta(b), drain(c), meta(c), drain(d), meta(d), drain(e),
          ops()]""",
    "take_skip_repeat_cache_prefetch": """
ds = tf.data.Dataset.range(5).cache().repeat(3).skip(2).take(9).prefetch(2)
e = tf.data.Dataset.range(3).take(-1).skip(0).repeat(0)
result = [drain(ds), drain(e), ops()]""",
    "zip_concatenate": """
a = tf.data.Dataset.range(4)
b = tf.data.Dataset.from_tensor_slices(["p", "q", "r"])
z = tf.data.Dataset.zip((a, (b, a)))
c = tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(10, 12))
result = [drain(z), meta(z), drain(c), ops()]""",
    "shuffle_orders_are_tfs": """
tf.set_random_seed(3)
a = tf.data.Dataset.range(10).shuffle(4, seed=1).repeat(2)
b = tf.data.Dataset.range(10).shuffle(4, seed=1, reshuffle_each_iteration=False).repeat(2)
c = tf.data.Dataset.range(5).apply(tf.data.experimental.shuffle_and_repeat(3, count=3, seed=2))
d = tf.data.Dataset.range(5).apply(tf.data.experimental.shuffle_and_repeat(30, count=3))
e = tf.data.Dataset.range(6).shuffle(6).batch(4)
result = [drain(a), drain(b), drain(c), drain(d), drain(e), ops()]""",
    "reduce": """
r = tf.data.Dataset.range(1, 5).reduce((tf.constant(0, tf.int64), tf.constant(1, tf.int64)),
                                       lambda s, x: (s[0] + x, s[1] * x))
with tf.Session() as sess:
    result = [sess.run(r), r[0].name, r[1].name, ops()]""",
    "experimental": """
ds = tf.data.Dataset.range(6).apply(tf.data.experimental.map_and_batch(lambda x: x * 3, 4))
s = tf.data.Dataset.range(4).apply(tf.data.experimental.shuffle_and_repeat(4, count=2, seed=1))
p = tf.data.Dataset.range(3).map(lambda x: x, num_parallel_calls=tf.data.experimental.AUTOTUNE)
result = [drain(ds), meta(ds), sorted(drain(s)), drain(p.prefetch(tf.data.AUTOTUNE)), ops()]""",
    "element_spec_repr": """
ds = tf.data.Dataset.from_tensor_slices(([1, 2], [[1.0, 2.0], [3.0, 4.0]])).batch(2)
result = [repr(ds.element_spec), ds.output_types[0].name, str(ds.output_shapes[1])]""",
    "concatenate_incompatible": """
tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices(["a"]))""",
    "slices_mismatch": """
tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1, 2]))""",
    "batch_ragged_error": """
ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).batch(2)
result = drain(ds)""",
    "generator": """
def gen():
    for i in range(3):
        yield i, [float(i)] * 2
ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ([], [2]))
result = [drain(ds), meta(ds), ops()]""",
    "shard_enumerate": """
a = tf.data.Dataset.range(10).shard(3, 1)
e = tf.data.Dataset.range(5, 8).enumerate(start=2)
result = [drain(a), drain(e), meta(e)]""",
    "generator_raises": """
def gen():
    yield 1
    raise ValueError("boom")
n = tf.data.make_one_shot_iterator(tf.data.Dataset.from_generator(gen, tf.int64)).get_next()
with tf.Session() as s:
    first = s.run(n)
    try:
        s.run(n)
    except tf.errors.InvalidArgumentError as e:
        result = [first, "ValueError: boom" in str(e)]""",
    "sparse_inputs": """
sp = tf.SparseTensor([[0, 0], [1, 2], [3, 1]], [1, 2, 3], [4, 3])
a = tf.data.Dataset.from_tensor_slices(sp)
b = tf.data.Dataset.from_tensors(sp)
c = tf.data.Dataset.from_tensor_slices((tf.constant([1, 2, 3, 4]), sp)).batch(3)
result = [repr(a.element_spec), repr(b.element_spec), repr(c.element_spec), drain(a), drain(b),
          drain(c), ops()]""",
    "errors_in_map_skip_or_continue": """
ds = tf.data.Dataset.from_tensor_slices([1., 0., 2., 0., 4.]).map(
    lambda x: tf.debugging.check_numerics(1. / x, "bad"))
ig = ds.apply(tf.data.experimental.ignore_errors())
n = tf.data.make_one_shot_iterator(ds).get_next()
seen = []
with tf.Session() as s:
    for _ in range(6):
        try:
            seen.append(float(s.run(n)))
        except tf.errors.InvalidArgumentError:
            seen.append("error")
        except tf.errors.OutOfRangeError:
            seen.append("end")
result = [drain(ig), seen]""",
    "map_returns_list_and_constant": """
ds = tf.data.Dataset.range(3).map(lambda x: [x, 7])
result = [drain(ds), meta(ds)]""",
    "sparse_elements": """
def ex(v, x):
    return tf.train.Example(features=tf.train.Features(feature={
        "v": tf.train.Feature(int64_list=tf.train.Int64List(value=v)),
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=x))})).SerializeToString()
spec = {"v": tf.io.VarLenFeature(tf.int64), "x": tf.io.FixedLenFeature([2], tf.float32)}
ds = tf.data.Dataset.from_tensor_slices([ex([1, 2, 3], [1, 2]), ex([7], [3, 4])]).repeat(2).map(
    lambda r: tf.io.parse_single_example(r, spec))
b = ds.batch(3)
m = b.map(lambda d: (d["v"], d["x"] * 2))
def dr(d):
    n = tf.data.make_one_shot_iterator(d).get_next()
    shapes = tf.nest.map_structure(lambda t: (t.indices if hasattr(t, "indices") else t).shape.as_list(), n)
    return [drain(d), shapes]
result = [repr(ds.element_spec), repr(b.element_spec), meta(b)[2], dr(b), dr(b.unbatch()), dr(m)]""",
    "host_functions_in_map": """
def bad(v):
    if v == 2:
        raise ValueError("bad value")
    return v
a = tf.data.Dataset.range(4).map(lambda x: tf.py_func(lambda v: v * 2, [x], tf.int64))
b = tf.data.Dataset.range(3).map(lambda x: tuple(tf.py_function(
    lambda v: (v + 1, str(v.numpy())), [x], [tf.int64, tf.string])))
c = tf.data.Dataset.range(4).map(lambda x: tf.py_func(bad, [x], tf.int64))
n = tf.data.make_one_shot_iterator(c).get_next()
seen = []
with tf.Session() as s:
    for _ in range(5):
        try:
            seen.append(s.run(n))
        except tf.errors.InvalidArgumentError as e:
            seen.append(["InvalidArgumentError", "ValueError: bad value" in str(e)])
        except tf.errors.OutOfRangeError:
            seen.append("end")
result = [drain(a), meta(a), drain(b), meta(b), seen]""",
    "padding_values_and_generator_args": """
p = tf.data.Dataset.range(1, 4).map(lambda x: (tf.range(x), tf.fill([x], "s"))).padded_batch(
    2, padded_shapes=([4], [None]), padding_values=(tf.constant(-1, tf.int64), "pad"))
g = tf.data.Dataset.from_generator(lambda n: iter(range(n)), tf.int64, args=(3,))
f = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).flat_map(
    tf.data.Dataset.from_tensor_slices)
i = tf.data.Dataset.range(3).apply(tf.data.experimental.parallel_interleave(
    lambda x: tf.data.Dataset.range(x * 10, x * 10 + 2), cycle_length=2))
result = [drain(p), meta(p), drain(g), drain(f), drain(i)]""",
    "normalize_element_scopes": """
tf.data.Dataset.from_tensors(tf.constant(1))
tf.data.Dataset.range(3).reduce(tf.constant(0, tf.int64), lambda s, x: s + x)
tf.data.Dataset.range(3).reduce((tf.constant(0, tf.int64), np.int64(0)),
                                lambda s, x: (s[0] + x, s[1]))
tf.data.Dataset.from_tensor_slices(tf.constant([1]))
tf.data.Dataset.from_tensors(2)
result = ops()""",
    "dict_key_order": """
ds = tf.data.Dataset.range(2).map(lambda x: {"z": x, "a": x * 2})
z = tf.data.Dataset.zip({"z": tf.data.Dataset.range(2), "a": tf.data.Dataset.range(2)})
it = tf.data.Iterator.from_structure({"z": tf.int64, "a": tf.int64},
                                     {"z": tf.TensorShape([]), "a": tf.TensorShape([])})
g = tf.data.Dataset.from_generator(lambda: iter([{"z": 1, "a": 2}]), {"z": tf.int64, "a": tf.int64})
result = [[list(tf.data.get_output_types(ds)), list(tf.data.get_output_classes(ds)),
           list(tf.data.make_one_shot_iterator(ds).get_next()), list(ds.map(lambda d: d).element_spec),
           list(z.batch(2).unbatch().element_spec), list(it.get_next()), list(g.element_spec),
           list(tf.data.Dataset.from_tensor_slices({"z": [1], "a": [2]}).element_spec)],
          drain(ds)]""",
    "to_device": """
E = tf.data.experimental
a = tf.data.Dataset.range(4).map(lambda x: x * 2).apply(E.prefetch_to_device("/cpu:0"))
b = tf.data.Dataset.range(3).apply(E.copy_to_device("/cpu:0")).apply(
    E.prefetch_to_device("/cpu:0", 2))
result = [drain(a), drain(b), meta(a), repr(b.element_spec)]""",
    "tf1_method_aliases": """
bad = tf.data.Dataset.range(3).map(
    lambda x: tf.strings.to_number(tf.strings.as_string(x) + "q")).ignore_errors()
legacy = tf.data.Dataset.range(3).map_with_legacy_function(lambda x: x * 2)
one = tf.data.Dataset.range(5, 6).get_single_element()
with tf.Session() as s:
    result = [drain(bad), drain(legacy.filter_with_legacy_function(lambda x: x > 0)),
              s.run(one)]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_graph_mode_iteration_raises(tf):
    with pytest.raises(RuntimeError, match="eager mode"):
        iter(tf.data.Dataset.range(2))


def test_map_over_data_dependent_shapes(tf):
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.reduce_sum(tf.fill([x], x)))
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    with tf.Session() as sess:
        assert [int(sess.run(nxt)) for _ in range(3)] == [1, 4, 9]


def test_seeded_shuffle_is_reproducible_and_reshuffles(tf):
    ds = tf.data.Dataset.range(10).shuffle(10, seed=5).repeat(2)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    with tf.Session() as sess:
        first = [int(sess.run(nxt)) for _ in range(20)]
    with tf.Session() as sess:
        again = [int(sess.run(nxt)) for _ in range(20)]
    assert first == again
    assert sorted(first[:10]) == list(range(10)) and first[:10] != first[10:]


# datasets built or run with bad arguments: TF's errors (values where TF gives them)
MISTAKES_SETUP = ATTEMPT + '''
def run_all(it, n=6):
    out = []
    with tf.Session() as s:
        nxt = it.get_next()
        for _ in range(n):
            try:
                v = s.run(nxt)
                out.append(np.asarray(v).tolist() if not isinstance(v, (tuple, dict)) else str(v))
            except tf.errors.OutOfRangeError:
                out.append("end"); break
            except Exception as e:
                out.append(first_line(e))
    return out
shown = str
'''
MISTAKES = [
    'result = run_all(tf.data.Dataset.from_tensor_slices([[1], [2]])'
     '.map(lambda x: tf.reshape(x, [2])).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(5).map(lambda x: tf.debugging'
     ".check_numerics(1.0 / tf.cast(x, tf.float32), 'bad')).make_one_shot_iterator())",
    'result = run_all(tf.data.Dataset.range(5).map(lambda x: tf.debugging'
     ".check_numerics(1.0 / tf.cast(x, tf.float32), 'bad')).apply(tf.data"
     '.experimental.ignore_errors()).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(3)'
     '.padded_batch(2, padded_shapes=[2]).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.from_tensor_slices([[1, 2, 3]])'
     '.padded_batch(2, padded_shapes=[2]).make_one_shot_iterator())',
    'result = attempt(lambda: tf.data.Dataset.range(3).shuffle(0))',
    'result = run_all(tf.data.Dataset.range(3).shuffle(0).make_one_shot_iterator())',
    'result = attempt(lambda: tf.data.Dataset.range(3)'
     '.map(lambda x: x, num_parallel_calls=-5))',
    'result = run_all(tf.data.Dataset.range(3).take(-1).skip(-1).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(10).batch(3, drop_remainder=True)'
     '.make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(4).window(3).flat_map(lambda w: w'
     '.batch(3)).make_one_shot_iterator())',
    'result = attempt(lambda: tf.data.Dataset.zip((tf.data.Dataset.range(2), [1, 2])))',
    'result = run_all(tf.data.Dataset.range(3).repeat(-1).take(5).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(6).shard(2, 3).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(6).shard(0, 0).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(3).interleave(lambda x: tf.data'
     '.Dataset.range(x), cycle_length=0).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(3).prefetch(-5).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(5).filter(lambda x: tf'
     '.constant([True, False])).make_one_shot_iterator())',
    'result = attempt(lambda: tf.data.Dataset.range(5).filter(lambda x: x))',
    'result = run_all(tf.data.Dataset.range(5).unbatch().make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.from_tensors([1, 2]).map(lambda x: x[5])'
     '.make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(5).map(lambda x: tf'
     '.py_func(lambda v: v * 2, [x], tf.int64)).make_one_shot_iterator())',
    'result = run_all(tf.data.Dataset.range(5).map(lambda x: tf'
     '.py_func(lambda v: 1 / 0, [x], tf.int64)).make_one_shot_iterator())',
]


@pytest.mark.parametrize("code", MISTAKES)
def test_dataset_mistakes_fail_as_tf(oracle, code):
    snippet_matches(oracle, MISTAKES_SETUP + code)
