"""A step fed by an iterator is compiled ahead for the iterator's last, partial batch."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import scopeflow.compat.v1 as tf
from scopeflow.lowering import ahead, cache


def _drain(sess, fetch):
    out = []
    while True:
        try:
            out.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            return out


def test_the_partial_batch_step_is_compiled_before_it_comes():
    with tf.Graph().as_default():
        rows = np.arange(26.0, dtype=np.float32).reshape(13, 2)
        ds = tf.data.Dataset.from_tensor_slices(rows).shuffle(5, seed=1).batch(4)
        x = tf.data.make_one_shot_iterator(ds).get_next()
        y = tf.reduce_sum(x * 3.0, axis=1)
        with tf.Session() as sess:
            first = sess.run(y)
            for t in sess._resources[("compile ahead",)].threads:
                t.join()
            before = cache.stats["compiles"]
            rest = _drain(sess, y)
            assert cache.stats["compiles"] == before  # the 1-row step was ready
        got = np.concatenate([first] + rest)
        assert [len(first)] + [len(r) for r in rest] == [4, 4, 4, 1]
        assert sorted(got.tolist()) == sorted((rows.sum(1) * 3.0).tolist())


def test_values_are_those_of_compiling_at_the_run(monkeypatch):
    def run():
        with tf.Graph().as_default():
            rows = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
            ds = tf.data.Dataset.from_tensor_slices(rows).batch(4).repeat(2)
            x = tf.data.make_one_shot_iterator(ds).get_next()
            w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
            loss = tf.reduce_mean(tf.matmul(x, w) ** 2)
            train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run([train, loss])[1] for _ in range(6)]
                return losses, sess.run(w)
    early = run()
    monkeypatch.setattr(ahead, "compile_ahead", lambda *a: None)
    plain = run()
    assert plain[0] == early[0]
    np.testing.assert_array_equal(plain[1], early[1])


def _loop(x, step, X, batch):
    """A feed_dict loop over X in slices; the compiles each run made."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, made = [], []
        for i in range(0, len(X), batch):
            before = cache.stats["compiles"]
            out.append(sess.run(step, {x: X[i:i + batch]}))
            for t in sess._resources.get(("compile ahead",), ahead._Threads()).threads:
                t.join()  # (a compile ahead counts with the run that started it)
            made.append(cache.stats["compiles"] - before)
    return out, made


def _training(seed):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w%d" % seed, [3, 2], initializer=tf.ones_initializer())
    loss = tf.reduce_mean(tf.matmul(x, w) ** 2)
    return x, [tf.train.GradientDescentOptimizer(0.1).minimize(loss), loss]


def test_a_feed_dict_loop_over_slices_compiles_its_last_batch_ahead():
    X = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
    x, step = _training(0)
    out, made = _loop(x, step, X, 4)
    assert made == [1, 1, 0]  # the 2-row step compiled beside the second run, for the third


def test_a_loop_compiled_ahead_trains_as_one_compiled_at_its_last_batch(monkeypatch):
    X = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
    early = _loop(*_training(1), X, 4)[0]
    monkeypatch.setattr(ahead, "sliced", lambda *a: None)
    plain, made = _loop(*_training(2), X, 4)
    assert made == [1, 0, 1]
    assert [v[1] for v in plain] == [v[1] for v in early]


def test_slices_that_do_not_walk_the_array_compile_nothing_ahead():
    X = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
    x, step = _training(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {x: X[:4]})
        sess.run(step, {x: X[:4]})  # the same rows again: not a loop over X
        sess.run(step, {x: X[4:8].copy()})  # a copy: no larger array behind it
        sess.run(step, {x: X[4:8]})
        assert ("compile ahead",) not in sess._resources
    assert ahead.sliced(_FakeProg(), [X[2:5]]) is None  # row 2 is no step of 3 from row 0
    assert ahead.sliced(_FakeProg(), [X[3:6]])[1:] == ([(1, 3)], 1)  # 3, 6, then 9: one row
    assert ahead.sliced(_FakeProg(), [X[:9][3:6]])[1:] == ([(1, 3)], 1)  # of a view: the same
    assert ahead.sliced(_FakeProg(), [X[3:6, :2]]) is None  # columns cut: not whole rows


def _paced(monkeypatch, seconds):
    """A clock that moves `seconds` at each reading: the loop's pace and the step's compile
    time are then those seconds (the Session reads the clock before and after the compile, and
    at the ends of the first two runs)."""
    now = [0.0]

    def clock():
        now[0] += seconds
        return now[0]

    monkeypatch.setattr(ahead, "_clock", clock)


def test_a_long_loop_compiles_its_last_batch_when_it_is_near(monkeypatch):
    """41 rows in 4s: ten whole batches, then one row. At a second a run and a second's
    compile, the compile starts 2 runs (the margin: it shares the cores) before the short one,
    after the eighth run, and is ready for the eleventh; the values are the same."""
    X = np.linspace(0, 1, 123, dtype=np.float32).reshape(41, 3)
    plain, _ = _loop(*_training(4), X, 4)
    _paced(monkeypatch, 1.0)
    out, made = _loop(*_training(5), X, 4)
    assert made == [1] + [0] * 6 + [1, 0, 0, 0]
    assert [v[1] for v in out] == [v[1] for v in plain]


def test_a_next_batch_loop_that_stops_early_compiles_nothing_ahead(monkeypatch):
    """TF's MNIST `next_batch` hands out slices of a shuffled copy of its arrays and never a
    short batch. A loop of 20 batches of 8 from 1001 rows stops 105 batches before the row
    that would be one: nothing is compiled for it, at 0.1 s a run."""
    X = np.linspace(0, 1, 3003, dtype=np.float32).reshape(1001, 3)
    x, step = _training(6)
    _paced(monkeypatch, 0.1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = cache.stats["compiles"]
        for i in range(0, 160, 8):
            sess.run(step, {x: X[i:i + 8]})
        assert cache.stats["compiles"] - before == 1
        assert ("compile ahead",) not in sess._resources


@given(after=st.integers(0, 10 ** 5), pace=st.floats(0.0, 100.0),
       compile_s=st.floats(0.0, 100.0))
def test_the_wait_leaves_the_margin_of_the_compile_before_the_short_batch(after, pace,
                                                                           compile_s):
    n = ahead.wait(after, pace, compile_s)
    lead = ahead._MARGIN * max(compile_s, ahead._FLOOR)
    assert 0 <= n <= after
    if n:  # the runs left after the wait take the compile's time, and one run fewer would not
        assert (after - n) * pace <= lead < (after - n + 1) * pace
    else:
        assert pace == 0 or after * pace <= lead


class _FakeProg:
    fed = (tf.placeholder(tf.float32, [None, 3]),)
    feed_pos = (0,)


def test_the_graph_runs_other_programs_while_one_compiles_ahead(monkeypatch):
    """A compile ahead lets the graph's build lock go while XLA compiles: another fetch of the
    graph compiles and runs meanwhile (it waited for the whole compile before)."""
    import threading

    import jax

    X = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w_other", [3, 2], initializer=tf.ones_initializer())
    loss = tf.reduce_mean(tf.matmul(x, w) ** 2) * 1.2345  # (a program no other test compiles)
    step = [tf.train.GradientDescentOptimizer(0.1).minimize(loss), loss]
    other = tf.reduce_max(x) * 7.0
    release, order = threading.Event(), []
    real = jax.stages.Lowered.compile

    def compile_(self, *a, **k):
        if threading.current_thread().name == "scopeflow compile ahead":
            release.wait(120)  # held until the main thread's run of `other` is done
            order.append("ahead")
        return real(self, *a, **k)

    monkeypatch.setattr(jax.stages.Lowered, "compile", compile_)
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE", "0")  # (a program read from disk: no compile)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {x: X[0:4]})
        sess.run(step, {x: X[4:8]})  # starts the 2-row step's compile ahead
        got = sess.run(other, {x: X[:5]})  # a new program: built while that one waits
        order.append("other")
        release.set()
        for t in sess._resources[("compile ahead",)].threads:
            t.join()
        assert order == ["other", "ahead"]
        assert got == np.float32(X[:5].max() * 7.0)
        before = cache.stats["compiles"]
        sess.run(step, {x: X[8:10]})  # the compile ahead was kept
        assert cache.stats["compiles"] == before
