"""Initialization runs that only fill variables run on the host (lowering/init_host.py) with
the compiled run's values bit for bit; anything else falls back to the compiled run."""

import numpy as np
import pytest

from scopeflow.lowering import cache, init_host


def _bits(x):
    x = np.asarray(x)
    if x.dtype.kind == "f" or x.dtype.name == "bfloat16":
        x = x.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[x.dtype.itemsize])
    return x.dtype.name, x.shape, x.reshape(-1).tolist()


def _fills(tf, wide):
    """Variables of every fill kind, each random op with a seed of its own: float32 and
    float64 ones (`wide`), else float16, bfloat16 and integer ones."""
    seeds = iter(range(1, 100))

    def s():
        return {"seed": next(seeds)}

    f16, bf16, f64 = tf.float16, tf.bfloat16, tf.float64
    if wide:
        inits = [
            ("u32", [5, 3], tf.float32, tf.random_uniform_initializer(-1.0, 2.0, **s())),
            ("u64", [7], f64, tf.random_uniform_initializer(**s())),
            ("n32", [2, 7], tf.float32, tf.random_normal_initializer(1.0, 3.0, **s())),
            ("n64", [5], f64, tf.random_normal_initializer(**s())),
            ("t32", [4, 33], tf.float32, tf.truncated_normal_initializer(0.0, 0.3, **s())),
            ("t64", [7], f64, tf.truncated_normal_initializer(**s())),
            ("glorot", [3, 3, 4, 8], tf.float32, tf.glorot_uniform_initializer(**s())),
            ("he", [6, 5], tf.float32,
             tf.variance_scaling_initializer(2.0, "fan_in", "truncated_normal", **s())),
            ("zeros", [4], tf.float32, tf.zeros_initializer()),
            ("ones", [2, 2], f64, tf.ones_initializer())]
    else:
        inits = [
            ("u16", [9], f16, tf.random_uniform_initializer(**s())),
            ("ub16", [6], bf16, tf.random_uniform_initializer(**s())),
            ("n16", [9], f16, tf.random_normal_initializer(**s())),
            ("nb16", [9], bf16, tf.random_normal_initializer(**s())),
            ("t16", [6], f16, tf.truncated_normal_initializer(**s())),
            ("tb16", [6], bf16, tf.truncated_normal_initializer(**s())),
            ("const", [3], tf.int32, tf.constant_initializer([1, 2, 3]))]
    vs = [tf.get_variable(n, shape, dtype=dt, initializer=i) for n, shape, dt, i in inits]
    if wide:
        vs.append(tf.get_variable("res", [3, 2], initializer=tf.glorot_normal_initializer(
            **s()), use_resource=True))
        vs.append(tf.Variable(tf.random_normal([3], **s()) * 0.5 - 1.0, name="affine"))
        vs.append(tf.Variable(tf.fill([2, 3], 7.5), name="filled"))
    else:
        vs.append(tf.Variable(tf.random_uniform([11], -5, 17, dtype=tf.int32, **s()),
                              name="i32"))
        vs.append(tf.Variable(tf.random_uniform([5], -2 ** 40, 2 ** 33, dtype=tf.int64,
                                                **s()), name="i64"))
        vs.append(tf.Variable(5, name="step"))
    return vs


def _initial_values(tf, build, host, monkeypatch, runs=2):
    """Variable values after each of `runs` initializer runs (host path or compiled)."""
    if not host:
        monkeypatch.setattr(init_host, "entry", lambda program, state: None)
    with tf.Graph().as_default():
        build()
        with tf.Session() as s:
            out = []
            for _ in range(runs):
                s.run(tf.global_variables_initializer())
                # the Session's arrays themselves (a fetch would compile a program)
                out.append([_bits(s._state[v.op]) for v in tf.global_variables()])
    monkeypatch.undo()
    return out


@pytest.mark.parametrize("wide", [True, False], ids=["f32_f64", "f16_bf16_int"])
def test_fills_are_the_compiled_runs_bit_for_bit(tf, monkeypatch, wide):
    traces = cache.stats["traces"]
    host = _initial_values(tf, lambda: _fills(tf, wide), True, monkeypatch)
    assert cache.stats["traces"] == traces  # the initializer runs traced nothing
    compiled = _initial_values(tf, lambda: _fills(tf, wide), False, monkeypatch)
    assert host == compiled
    assert host[0] != host[1]  # each run draws the ops' next numbers


def test_graph_seeded_fills_are_the_compiled_runs(tf, monkeypatch):
    def build():
        tf.set_random_seed(42)
        tf.get_variable("w", [5, 3], initializer=tf.glorot_uniform_initializer())
        tf.get_variable("t", [9], tf.float64, tf.truncated_normal_initializer(0.0, 0.3))
        tf.Variable(tf.random_normal([2, 7], 1.0, 3.0), name="n")

    host = _initial_values(tf, build, True, monkeypatch)
    assert host == _initial_values(tf, build, False, monkeypatch)


@pytest.mark.parametrize("dtype, seed", [("float32", 8), ("float64", 6)])
def test_truncated_normal_groups_short_of_samples(tf, monkeypatch, dtype, seed):
    # with these seeds one group of 4 (float32) or 2 (float64) samples rejects too many of
    # its first calls' values and draws further calls of its reserved range
    def build():
        tf.set_random_seed(seed)
        return tf.Variable(tf.truncated_normal([40000], dtype=getattr(tf, dtype)))

    host = _initial_values(tf, build, True, monkeypatch, runs=1)
    assert host == _initial_values(tf, build, False, monkeypatch, runs=1)


def test_unseeded_fills_draw_fresh_values(tf):
    u = tf.get_variable("u", [1000], initializer=tf.random_uniform_initializer(-2.0, 3.0))
    t = tf.get_variable("t", [1000], initializer=tf.truncated_normal_initializer(1.0, 0.5))
    n = tf.get_variable("n", [4000], tf.float64, tf.random_normal_initializer(2.0, 3.0))
    k = tf.Variable(tf.random_uniform([1000], 0, 5, dtype=tf.int64))
    init = tf.global_variables_initializer()
    traces = cache.stats["traces"]
    runs = []
    for _ in range(2):
        with tf.Session() as s:
            s.run(init)
            first = s.run([u, t, n, k])
            s.run(init)
            runs.append((first, s.run([u, t, n, k])))
    (a, b), (c, _) = runs
    for x, y, z in zip(a, b, c):  # fresh per run and per session
        assert not np.array_equal(x, y) and not np.array_equal(x, z)
    uu, tt, nn, kk = a
    assert uu.dtype == np.float32 and -2.0 <= uu.min() and uu.max() < 3.0
    assert abs(uu.mean() - 0.5) < 0.2
    assert np.abs(tt - 1.0).max() <= 1.0 and abs(tt.mean() - 1.0) < 0.1
    assert nn.dtype == np.float64 and abs(nn.mean() - 2.0) < 0.3 and abs(nn.std() - 3.0) < 0.3
    assert kk.dtype == np.int64 and set(np.unique(kk)) == set(range(5))
    assert cache.stats["traces"] - traces == 1  # the read; the initializer runs on the host


def test_runs_that_are_not_fills_compile(tf, monkeypatch):
    entries = []
    real = init_host.entry
    monkeypatch.setattr(init_host, "entry",
                        lambda program, state: entries.append(real(program, state)) or entries[-1])
    w = tf.get_variable("w", [4, 3], initializer=tf.glorot_uniform_initializer(seed=1))
    q = tf.get_variable("q", [4, 4], initializer=tf.orthogonal_initializer(seed=2))  # a QR
    with tf.Session() as s:
        s.run(w.initializer)
        assert entries[-1] is not None  # a fill
        s.run(tf.global_variables_initializer())
        assert entries[-1] is None  # the QR: one compiled program for the whole run
        wq = s.run([w, q])
        np.testing.assert_allclose(wq[1] @ wq[1].T, np.eye(4), atol=1e-5)
    with tf.Graph().as_default():
        a = tf.get_variable("a", [3], initializer=tf.ones_initializer())
        b = tf.Variable(a.initialized_value() * 2.0)  # reads another variable
        c = tf.Variable(tf.nn.relu(tf.random_normal([3], seed=1)))  # an op that is no fill
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            assert entries[-1] is None
            assert s.run(b).tolist() == [2.0] * 3 and (s.run(c) >= 0).all()


def test_fed_or_fetched_runs_are_not_initializations(tf, monkeypatch):
    called = []
    monkeypatch.setattr(init_host, "entry", lambda *a: called.append(1))
    v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
    with tf.Session() as s:
        s.run([v.initializer, tf.constant(1.0)])
        assert s.run(v).tolist() == [0.0, 0.0]
    assert called == []


def test_variables_in_no_collection_initialize_on_the_host(tf, monkeypatch):
    """Keras' metric totals and counts belong to no collection: their initializers are still
    an initialization run (a fill on the host, no compiled program), unlike other assigns."""
    entries = []
    real = init_host.entry
    monkeypatch.setattr(init_host, "entry",
                        lambda program, state: entries.append(real(program, state)) or entries[-1])
    total = tf.Variable(tf.zeros([]), name="total", collections=[], use_resource=True)
    count = tf.Variable(tf.random_uniform([2], seed=3), name="count", collections=[])
    compiles = cache.stats["compiles"]
    with tf.Session() as s:
        s.run(tf.variables_initializer([total, count]))
        assert entries[-1] is not None and cache.stats["compiles"] == compiles
        s.run(tf.group(total.assign(2.0), count.assign([1.0, 2.0])))  # not initializers
        assert len(entries) == 1
        assert s.run(total) == 2.0 and s.run(count).tolist() == [1.0, 2.0]
