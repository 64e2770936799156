"""Map functions over chunks: the same elements and errors, at the same get_next calls, as the
per-element function."""

import pytest

from scopeflow.data import chunked


def _records(tf, n, bad=()):
    out = []
    for i in range(n):
        if i in bad:
            out.append(b"not an example")
            continue
        feats = {"x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, -i])),
                 "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i]))}
        out.append(tf.train.Example(features=tf.train.Features(feature=feats))
                   .SerializeToString())
    return out


def _drain(tf, records, chunk):
    def parse(r):
        f = tf.parse_single_example(r, {"x": tf.FixedLenFeature([2], tf.float32),
                                        "y": tf.FixedLenFeature([], tf.int64)})
        return f["y"], r, f["x"]

    tf.reset_default_graph()
    ds = tf.data.Dataset.from_tensor_slices(records).map(parse)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    got = []
    keep = chunked.plan
    if not chunk:
        chunked.plan = lambda fn: None
    try:
        with tf.Session() as sess:
            while True:
                try:
                    y, r, x = sess.run(nxt)
                    got.append((int(y), r, x.tolist()))
                except tf.errors.OutOfRangeError:
                    break
                except tf.errors.InvalidArgumentError as e:
                    got.append(("error", e.message.splitlines()[-2:]))
    finally:
        chunked.plan = keep
    return got


@pytest.mark.parametrize("bad", [(), (3,), (0, 64, 65, 149)])
def test_chunks_give_the_per_element_results(tf, bad):
    records = _records(tf, 150, bad)
    fast = _drain(tf, records, True)
    assert fast == _drain(tf, records, False)
    assert len(fast) == 150
    assert [i for i, g in enumerate(fast) if g[0] == "error"] == list(bad)
    assert all(g[1] == records[g[0]] for g in fast if g[0] != "error")


def test_only_parse_functions_run_in_chunks(tf):
    from scopeflow.data.functions import trace
    from scopeflow.data.structure import TensorSpec
    feats = {"a": tf.FixedLenFeature([], tf.int64)}
    spec = TensorSpec([], tf.string)
    assert trace(lambda r: tf.parse_single_example(r, feats)["a"], spec).chunked()
    assert trace(lambda r: tf.parse_single_example(r, feats)["a"] + 1, spec).chunked() is None
    var = {"v": tf.VarLenFeature(tf.int64)}
    assert trace(lambda r: tf.parse_single_example(r, var)["v"], spec).chunked() is None
    assert trace(lambda r: tf.strings.length(r), spec).chunked() is None


def test_prefetched_iterator_goes_on_after_an_error(tf):
    def bad(x):
        return tf.py_func(lambda v: v if v != 2 else 1 // 0, [x], tf.int64)

    ds = tf.data.Dataset.range(5).map(bad)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    got = []
    with tf.Session() as sess:
        for _ in range(6):
            try:
                got.append(int(sess.run(nxt)))
            except tf.errors.OutOfRangeError:
                got.append("end")
            except tf.errors.OpError as e:
                got.append(type(e).__name__)
    assert got == [0, 1, "UnknownError", 3, 4, "end"]  # TF 2.21 gives the same
