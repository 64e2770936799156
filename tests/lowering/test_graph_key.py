"""Run signatures found on disk by their graph before tracing (a second process here: a
cleared in-memory cache): nothing is traced, values and run-time checks are as traced."""

import re

import numpy as np
import pytest

from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering import cache, disk_cache, graph_key, lower


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SCOPEFLOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(disk_cache, "_MIN_SECONDS", 0.0)
    return tmp_path


@pytest.fixture
def traces(monkeypatch):
    """The programs traced from now on (their fetches)."""
    got = []
    real = lower._build
    monkeypatch.setattr(lower, "_build", lambda p, *a: got.append(p) or real(p, *a))
    return got


def _net(tf, scale=1.0):
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int32, [None])
    w = tf.get_variable("w", initializer=np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))
    logits = tf.matmul(x, w) * scale
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    return x, y, loss, tf.train.AdamOptimizer(0.1).minimize(loss)


def _feed(x, y, labels=(0, 1, 2, 1, 0)):
    rows = np.arange(20, dtype=np.float32).reshape(5, 4) / 10
    return {x: rows, y: np.array(labels, np.int32)}


def _steps(tf, sess, x, y, loss, train, n=3):
    return [sess.run([train, loss], _feed(x, y))[1] for _ in range(n)]


def test_a_second_process_runs_a_training_step_without_tracing_it(tf, folder, traces):
    x, y, loss, train = _net(tf)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        want = _steps(tf, s, x, y, loss, train)
    assert any(p.endswith(".graph") for p in (str(f) for f in folder.iterdir()))
    cache.clear()
    del traces[:]
    hits = disk_cache.stats["graph_hits"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert _steps(tf, s, x, y, loss, train) == want
    assert disk_cache.stats["graph_hits"] > hits
    assert [p for p in traces if p.tensors] == []  # the step was read back, not traced


def test_a_step_fed_sparse_tensors_is_read_back_without_tracing_it(tf, folder, traces):
    """Fed SparseTensors' entries pass padded to a bucket with their count (entries.Counted,
    two arguments each): such a step is stored by its graph too (`flat_feeds`), so a second
    process does not trace it (the weighted embedding_lookup_sparse of
    benchmarks/sparse_feeds.py: first 10 steps 3.3-4.7 s -> 0.36 s with a filled cache)."""
    ids, wts = tf.sparse_placeholder(tf.int64), tf.sparse_placeholder(tf.float32)
    y = tf.placeholder(tf.float32, [None])
    emb = tf.get_variable("emb", initializer=np.linspace(-1, 1, 40, dtype=np.float32)
                          .reshape(10, 4))
    h = tf.nn.embedding_lookup_sparse(emb, ids, wts, combiner="sqrtn")
    logit = tf.reduce_sum(h, 1)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)

    def feed(k):
        index = np.array([[r, c] for r in range(3) for c in range(1 + (r + k) % 3)], np.int64)
        n = len(index)
        return {ids: tf.SparseTensorValue(index, np.arange(n) % 10, [3, 4]),
                wts: tf.SparseTensorValue(index, np.linspace(0.5, 1.5, n, dtype=np.float32),
                                          [3, 4]), y: np.array([0, 1, 1], np.float32)}

    def steps():
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            return [s.run([train, loss], feed(k))[1] for k in range(4)]

    want = steps()
    cache.clear()
    del traces[:]
    hits = disk_cache.stats["graph_hits"]
    assert steps() == want
    assert disk_cache.stats["graph_hits"] > hits
    assert [p for p in traces if p.tensors] == []  # the step was read back, not traced


def test_a_bad_index_in_a_sparse_fed_run_read_back_fails_as_the_traced_run(tf, folder,
                                                                            monkeypatch):
    # the padded run (entries.Counted) read back: its failing check traces it again for the
    # message, with the entries and their count as the program takes them (plain shapes in
    # their place once raised JAX's TypeError: 0919156, reverted in fd2966e)
    from scopeflow.lowering.entries import Counted
    padded = []  # traces of the padded program
    real = lower._build
    monkeypatch.setattr(lower, "_build", lambda p, s, f, *a: padded.extend(
        type(x) is Counted for x in f[:1]) or real(p, s, f, *a))
    sp = tf.sparse_placeholder(tf.float32, [4, 3])
    out = tf.sparse_tensor_dense_matmul(sp, tf.reshape(tf.range(6.0), [3, 2]))
    good = [[0, 0], [1, 1], [2, 2], [3, 0], [1, 2]]

    def runs(bad):
        got = []
        with tf.Session() as s:
            for n in (3, 4, 5):  # from the second count on, padded to a bucket
                got.append(s.run(out, {sp: tf.SparseTensorValue(good[:n], [1.0] * n,
                                                                 [4, 3])}).tolist())
            with pytest.raises(InvalidArgumentError) as e:
                s.run(out, {sp: tf.SparseTensorValue(bad, [1.0] * len(bad), [4, 3])})
            got.append((type(e.value).__name__, e.value.op.name, e.value.message))
            again = tf.SparseTensorValue(good, [2.0] * 5, [4, 3])
            got.append(s.run(out, {sp: again}).tolist())
        return got

    bad = [[0, 0], [1, 1], [2, 7], [3, 9], [1, 2], [0, 1]]
    want = runs(bad)
    assert "\nk (7) from index[2,1] out of bounds (>=3)\n" in want[3][2]
    assert sum(padded) == 1
    cache.clear()
    del padded[:]
    hits = disk_cache.stats["graph_hits"]
    assert runs(bad) == want
    assert disk_cache.stats["graph_hits"] > hits
    assert sum(padded) == 1  # read back; traced again only for the failing check's message


def test_a_failing_check_read_back_by_its_graph_says_what_the_traced_one_says(tf, folder):
    x, y, loss, _ = _net(tf)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(loss, _feed(x, y))
    cache.clear()
    hits = disk_cache.stats["graph_hits"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError, match=r"Received a label value of 12 which "
                           r"is outside the valid range of \[0, 3\)"):
            s.run(loss, _feed(x, y, (0, 1, 12, 1, 0)))
        assert s.run(loss, _feed(x, y)) > 0
    assert disk_cache.stats["graph_hits"] > hits


def test_another_constant_or_feed_shape_is_another_key(tf, folder, traces):
    x, y, loss, _ = _net(tf, 1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        one = s.run(loss, _feed(x, y))
    with tf.Graph().as_default():
        x2, y2, loss2, _ = _net(tf, 2.0)
        cache.clear()
        del traces[:]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            two = s.run(loss2, _feed(x2, y2))
            assert len([p for p in traces if p.tensors]) == 1
            s.run(loss2, {x2: np.ones((2, 4), np.float32), y2: np.zeros(2, np.int32)})
            assert len([p for p in traces if p.tensors]) == 2
    assert one != two


def test_an_op_holding_an_object_of_user_code_gets_no_key(tf, folder):
    x = tf.placeholder(tf.float32, [2])
    y = x * 2.0
    y.op._attrs["note"] = object()
    prog = cache.program(tf.get_default_graph(), [y], [], [x])
    assert graph_key.key(prog, {}, [np.ones(2, np.float32)], None, None) is None
    del y.op._attrs["note"]
    assert graph_key.key(prog, {}, [np.ones(2, np.float32)], None, None) is not None


def test_the_environment_keys_the_graph(tf, folder, monkeypatch):
    x = tf.placeholder(tf.float32, [2])
    prog = cache.program(tf.get_default_graph(), [x * 2.0], [], [x])
    feeds = [np.ones(2, np.float32)]
    plain = graph_key.key(prog, {}, feeds, None, None)
    monkeypatch.setenv("SCOPEFLOW_QUIET", "1")
    assert graph_key.key(prog, {}, feeds, None, None) == plain
    monkeypatch.setenv("SCOPEFLOW_RUNTIME_CHECKS", "0")
    assert graph_key.key(prog, {}, feeds, None, None) != plain


def test_a_step_fetching_summaries_is_read_back_with_their_protos(tf, folder, traces):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w", initializer=np.ones((3, 2), np.float32))
    loss = tf.reduce_mean(tf.matmul(x, w))
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    tf.summary.image("x", tf.reshape(x, [-1, 3, 1, 1]), max_outputs=1)
    merged = tf.summary.merge_all()
    feed = {x: np.arange(6, dtype=np.float32).reshape(2, 3)}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        want = s.run([merged, loss], feed)
    cache.clear()
    del traces[:]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run([merged, loss], feed) == want
    assert [p for p in traces if p.tensors] == []


def _mark_rounded(op):
    from scopeflow.ops.math import ROUNDED_PRODUCTS
    ROUNDED_PRODUCTS.add(op)


def _mark_padded(op):
    from scopeflow.ops.joining import PADDED_SHAPES
    PADDED_SHAPES[op] = (2,)


def _mark_element_shapes(op):
    from scopeflow.core.shape import TensorShape
    from scopeflow.ops.tensor_array_ops import ELEMENT_SHAPES
    ELEMENT_SHAPES[op] = [TensorShape([2])]


def _mark_compiled(op):
    from scopeflow.lowering import stages
    stages.run_compiled(op)


def _mark_on_host(op):
    from scopeflow.lowering import stages
    stages.run_on_host(op, np.negative)


@pytest.mark.parametrize("mark", [_mark_rounded, _mark_padded, _mark_element_shapes,
                                  _mark_compiled, _mark_on_host])
def test_what_modules_note_about_an_op_keys_the_graph(tf, folder, mark):
    # kernels read these notes when traced (a product rounded before its sum, a Pad's shape,
    # a TensorArray's element shapes, a host op run compiled or a compiled one on the host)
    x = tf.placeholder(tf.float32, [2])
    y = x * 2.0
    prog = cache.program(tf.get_default_graph(), [y], [], [x])
    feeds = [np.ones(2, np.float32)]
    plain = graph_key.key(prog, {}, feeds, None, None)
    mark(y.op)
    assert graph_key.key(prog, {}, feeds, None, None) not in (plain, None)


def test_sources_and_versions_key_the_graph(tf, folder, monkeypatch):
    x = tf.placeholder(tf.float32, [2])
    prog = cache.program(tf.get_default_graph(), [x * 2.0], [], [x])
    feeds = [np.ones(2, np.float32)]
    plain = graph_key.key(prog, {}, feeds, None, None)
    monkeypatch.setattr(graph_key, "_source", [b"another scopeflow"])
    edited = graph_key.key(prog, {}, feeds, None, None)
    monkeypatch.setattr(np, "__version__", "0.0")
    assert len({plain, edited, graph_key.key(prog, {}, feeds, None, None)}) == 3


def test_a_construct_of_unknown_kind_gets_no_key(tf, folder):
    x = tf.placeholder(tf.float32, [2])
    y = tf.cond(x[0] > 0, lambda: x * 2.0, lambda: x)
    prog = cache.program(tf.get_default_graph(), [y], [], [x])
    feeds = [np.ones(2, np.float32)]
    assert graph_key.key(prog, {}, feeds, None, None) is not None
    spec, k = y.op._cf
    y.op._cf = (object(), k)
    try:
        assert graph_key.key(prog, {}, feeds, None, None) is None
    finally:
        y.op._cf = (spec, k)


def test_a_tensor_array_error_read_back_names_the_array_as_a_traced_run_does(tf, folder):
    # TF names an array by the arrays the process made before it: each run makes one more
    x = tf.placeholder(tf.float32, [3])
    i = tf.placeholder(tf.int32, [])
    ta = tf.TensorArray(tf.float32, 3).unstack(x)
    y = ta.read(i) + ta.read(0)
    feed = {x: np.ones(3, np.float32), i: 0}
    numbers, hits = [], disk_cache.stats["graph_hits"]
    for _ in range(2):
        with tf.Session() as s:
            for _ in range(2):
                with pytest.raises(InvalidArgumentError, match="Could not read index 0 twice"
                                   ) as e:
                    s.run(y, feed)
                numbers.append(int(re.search(r"TensorArray_(\d+)", e.value.message)[1]))
        cache.clear()  # the second Session's run is read back by its graph
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    assert disk_cache.stats["graph_hits"] > hits


def test_a_run_with_a_deadline_gets_no_key(tf, folder):
    # its loops poll the host for the deadline (cf_run._until_deadline): a program of its own
    import time

    from scopeflow.lowering import stages
    x = tf.placeholder(tf.float32, [2])
    prog = cache.program(tf.get_default_graph(), [x * 2.0], [], [x])
    feeds = [np.ones(2, np.float32)]
    assert graph_key.key(prog, {}, feeds, None, None) is not None
    old = stages.set_deadline(time.monotonic() + 100)
    try:
        assert graph_key.key(prog, {}, feeds, None, None) is None
    finally:
        stages.set_deadline(old)


def test_a_build_that_compiles_a_fed_flag_in_hashes_its_ops_once(tf, folder, monkeypatch,
                                                                   traces):
    # the trace compiles the fed bool in (a tf.cond on it): the build makes its key again
    # with the flag's value, from the ops' digest of its first key
    x = tf.placeholder(tf.float32, [None, 3])
    flag = tf.placeholder(tf.bool, [])
    with tf.control_dependencies([tf.no_op(name="outside")]):
        y = tf.cond(flag, lambda: x * 2.0, lambda: x - 1.0)
    hashed = []
    real = graph_key._Hasher.op
    monkeypatch.setattr(graph_key._Hasher, "op", lambda h, op: hashed.append(op) or real(h, op))
    feed = {x: np.ones((2, 3), np.float32), flag: True}
    with tf.Session() as s:
        want = s.run(y, feed)
    assert traces and [op for op in hashed if op is y.op] == [y.op]
    # kept under the key made again for the flag's value: a second process finds it
    cache.clear()
    del traces[:]
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, feed), want)
        assert traces == []
        np.testing.assert_array_equal(s.run(y, {**feed, flag: False}),
                                      np.zeros((2, 3), np.float32))
    assert len(traces) == 1  # (the other value: another key, traced once)


def test_a_memo_keys_as_a_fresh_hash(tf, folder):
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.control_dependencies([tf.no_op()]):
        y = tf.cond(x[0, 0] > 0, lambda: x * 2.0, lambda: x)
    prog = cache.program(tf.get_default_graph(), [y], [], [x])
    memo = {}
    for rows in (1, 4):
        feeds = [np.ones((rows, 2), np.float32)]
        got = graph_key.key(prog, {}, feeds, None, None, memo)
        assert got == graph_key.key(prog, {}, feeds, None, None) is not None
    assert graph_key.key(prog, {}, [np.ones((1, 2), np.float32)], None, None, memo) != got
