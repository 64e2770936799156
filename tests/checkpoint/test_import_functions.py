"""Dataset graphs cross between TF and scopeflow: the functions of map / filter / flat_map /
interleave / reduce travel as the GraphDef's FunctionDef library (summary/function_def.py
writes it, checkpoint/import_functions.py reads it). Each program is built and exported by
one framework, imported by the other, and drained there: the elements must be the writer's."""

import pytest
from oracle import explain, run_here

PROGRAMS = {
    "map_filter_batch": """
c = tf.constant(1, tf.int64, name="c")
ds = tf.data.Dataset.range(10).map(lambda x: x * 2 + c).filter(lambda x: x % 3 > 0).batch(3)
""",
    "dict_elements": """
ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [4.0, 5.0, 6.5]})
ds = ds.map(lambda d: (d["a"] * 2, tf.sqrt(d["b"]))).batch(2)
""",
    "flat_map": """
ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).flat_map(
    lambda r: tf.data.Dataset.from_tensor_slices(r * 10))
""",
    "interleave_nested": """
ds = tf.data.Dataset.range(1, 4).interleave(
    lambda x: tf.data.Dataset.range(x).map(lambda y: y + x * 10), cycle_length=2,
    block_length=1)
""",
    "parse_examples": """
def example(v, k):
    return tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=v)),
        "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[k]))})).SerializeToString()
records = [example([1.5, -2.0], 3), example([0.25, 4.0], 7), example([9.0, 8.0], 1)]
def parse(r):
    f = tf.parse_single_example(r, {"x": tf.FixedLenFeature([2], tf.float32),
                                    "y": tf.FixedLenFeature([], tf.int64)})
    return f["x"] * 2.0, f["y"]
ds = tf.data.Dataset.from_tensor_slices(records).map(parse, num_parallel_calls=2).batch(2)
""",
    "reduce": """
ds = tf.data.Dataset.from_tensors(tf.data.Dataset.range(6).reduce(
    tf.constant(0, tf.int64), lambda s, x: s + x * x))
""",
}

_WRITE = """
%(build)s
it = tf.data.make_initializable_iterator(ds)
for t in tf.nest.flatten(it.get_next()):
    tf.add_to_collection("next", t)
tf.add_to_collection("init", it.initializer)
tf.train.export_meta_graph(%(path)r)
%(drain)s
"""

_READ = """
tf.train.import_meta_graph(%(path)r)
nxt, init = tf.get_collection("next"), tf.get_collection("init")
%(drain)s
"""

_DRAIN = """
got = []
with tf.Session() as s:
    s.run(init if isinstance(init, list) else [init])
    while True:
        try:
            got.append(s.run(nxt))
        except tf.errors.OutOfRangeError:
            break
result = got
"""


def _programs(name, path):
    write = _WRITE % {"build": PROGRAMS[name], "path": path,
                      "drain": "nxt, init = tf.get_collection('next'), it.initializer\n"
                               + _DRAIN}
    read = _READ % {"path": path, "drain": _DRAIN}
    return write, read


@pytest.mark.oracle
@pytest.mark.parametrize("writer_name", ["tf", "scopeflow"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_dataset_graph_runs_on_the_other_side(oracle, tmp_path, name, writer_name):
    writer, reader = (oracle, run_here) if writer_name == "tf" else (run_here, oracle)
    write, read = _programs(name, str(tmp_path / "m.meta"))
    wrote = writer(write)
    assert "ok" in wrote and wrote["ok"], wrote
    got = reader(read)
    assert got == wrote, explain(read, *((got, wrote) if reader is run_here else (wrote, got)))


def test_round_trip_keeps_captures_and_nested_functions(tf):
    """scopeflow -> GraphDef -> scopeflow: a captured tensor and a function inside a function
    come back as the traced function the dataset op runs."""
    g = tf.Graph()
    with g.as_default():
        k = tf.placeholder(tf.int64, [], name="k")
        ds = tf.data.Dataset.range(1, 3).flat_map(
            lambda x: tf.data.Dataset.range(x).map(lambda y: y * k))
        it = tf.data.make_initializable_iterator(ds)
        tf.identity(it.get_next(), name="out")
    gd = g.as_graph_def()
    assert len(gd.library.function) == 2
    with tf.Graph().as_default() as h:
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            s.run(h.get_operation_by_name(it.initializer.name), {"k:0": 5})
            got = [int(s.run("out:0")) for _ in range(3)]
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run("out:0")
    assert got == [0, 0, 5]


def test_missing_function_is_a_not_found_error(tf):
    g = tf.Graph()
    with g.as_default():
        tf.data.Dataset.range(3).map(lambda x: x + 1)
    gd = g.as_graph_def()
    del gd.library.function[:]
    with tf.Graph().as_default(), pytest.raises(tf.errors.NotFoundError, match="Function"):
        tf.import_graph_def(gd, name="")
