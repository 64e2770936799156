"""A smaller last batch runs in the program compiled for a larger one (lowering/padding.py):
no new compile, the values of an exact compile (and TF's), never for a training step."""

import numpy as np
import pytest

import scopeflow.compat.v1 as tf
from scopeflow import errors
from scopeflow.lowering import cache, padding
from tests.oracle import outcome, run_here


@pytest.fixture
def pad_mode():
    old = padding.mode()
    yield padding.set_mode
    padding.set_mode(old)


def _compiles():
    return cache.stats["compiles"]


LOOKUP = """
x = tf.placeholder(tf.float32, [None, 3], name="x")
ids = tf.placeholder(tf.int32, [None], name="ids")
emb = tf.gather(tf.constant(np.linspace(-2.0, 2.0, 15).reshape(5, 3), tf.float32), ids)
h = tf.concat([tf.tanh(x) * 1.7 + tf.square(emb), tf.nn.softsign(x - emb), tf.one_hot(ids, 2)], 1)
out = [h, tf.argmax(h, 1), tf.reduce_max(h, 1)]
rng = np.random.RandomState(3)
X, I = rng.randn(8, 3).astype(np.float32), rng.randint(0, 5, 8)
with tf.Session() as s:
    s.run(out, {x: X, ids: I})
    result = s.run(out, {x: X[:5], ids: I[:5]})
"""


def test_a_smaller_batch_of_exact_ops_gives_tfs_values(oracle):
    assert padding.mode() == "exact"  # the default
    here = run_here(LOOKUP)
    assert outcome(here) == outcome(oracle(LOOKUP))


def _lookup_values(mode, pad_mode):
    pad_mode(mode)
    env = {"tf": tf, "np": np}
    exec(LOOKUP.replace("    result = ", "    n = _compiles()\n    result = "),
         dict(env, _compiles=_compiles), env)
    return env


def test_padded_values_are_the_unpadded_runs_bit_for_bit(pad_mode):
    padded = _lookup_values("exact", pad_mode)
    plain = _lookup_values("0", pad_mode)
    assert _compiles() == plain["n"] + 1  # padding off: 5 rows compile
    for a, b in zip(padded["result"], plain["result"]):
        assert a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)


def test_sigmoid_is_not_padded_exactly(pad_mode):
    """TF's float32 Sigmoid computes the tensor's last size % 8 elements another way
    (ops/eigen_tanh.py): a row's bits depend on the batch size, so exact padding compiles the
    smaller batch instead, and its values are TF's (test_eigen_tanh.py)."""
    env = {"tf": tf, "np": np}
    pad_mode("exact")
    exec(LOOKUP.replace("tf.nn.softsign", "tf.nn.sigmoid").replace(
        "    result = ", "    n = _compiles()\n    result = "), dict(env, _compiles=_compiles), env)
    assert _compiles() == env["n"] + 1


def test_the_padded_run_adds_no_compile(pad_mode):
    env = _lookup_values("exact", pad_mode)
    assert _compiles() == env["n"]
    assert env["result"][0].shape == (5, 8) and env["result"][1].shape == (5,)


def _cnn():
    rng = np.random.RandomState(0)
    x = tf.placeholder(tf.float32, [None, 64])
    h = tf.reshape(x, [-1, 8, 8, 1])
    w1 = tf.constant(rng.randn(3, 3, 1, 8).astype(np.float32) * 0.3)
    h = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(h, w1, [1, 1, 1, 1], "SAME")), [1, 2, 2, 1],
                       [1, 2, 2, 1], "SAME")
    w2 = tf.constant(rng.randn(128, 10).astype(np.float32) * 0.1)
    logits = tf.matmul(tf.reshape(h, [-1, 128]), w2)
    return x, [logits, tf.argmax(logits, 1)], rng.randn(100, 64).astype(np.float32)


def test_a_cnn_pads_only_when_asked(pad_mode):
    x, out, X = _cnn()
    with tf.Session() as s:
        full = s.run(out, {x: X})
        n = _compiles()
        s.run(out, {x: X[:50]})  # matmul and convolution: XLA may round other sizes otherwise
        assert _compiles() == n + 1
        pad_mode("rows")
        last = s.run(out, {x: X[:30]})
        assert _compiles() == n + 1
    # the rows of the 100-row program, bit for bit
    assert np.array_equal(last[0], full[0][:30]) and np.array_equal(last[1], full[1][:30])


def test_rows_mode_values_are_close_to_an_exact_compile(pad_mode):
    x, out, X = _cnn()
    with tf.Session() as s:
        s.run(out, {x: X})
        pad_mode("0")
        exact = s.run(out, {x: X[:7]})
        pad_mode("rows")
        s.run(out, {x: X[:70]})  # a third size, so the 7 rows have a program to pad to
        cache.clear(tf.get_default_graph())  # forget the exact 7-row program
        s.run(out, {x: X})
        n = _compiles()
        padded = s.run(out, {x: X[:7]})
        assert _compiles() == n
    np.testing.assert_allclose(padded[0], exact[0], rtol=1e-5, atol=1e-6)
    assert np.array_equal(padded[1], exact[1])


def test_a_training_step_is_never_padded(pad_mode):
    pad_mode("rows")
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.layers.dense(x, 1, kernel_initializer=tf.ones_initializer())
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_mean(y))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run([train, y], {x: np.ones([8, 4])})
        n = _compiles()
        s.run([train, y], {x: np.ones([4, 4])})
        assert _compiles() == n + 1
        s.run(y, {x: np.ones([8, 4])})  # reading the layer alone pads; the step did not
        n = _compiles()
        s.run(y, {x: np.ones([4, 4])})
        assert _compiles() == n


def test_a_variable_write_beside_the_rows_is_never_padded():
    x = tf.placeholder(tf.float32, [None, 2])
    count = tf.Variable(0.0)
    bump = tf.assign_add(count, 1.0)
    with tf.Session() as s:
        s.run(count.initializer)
        s.run([x * 2.0, bump], {x: np.ones([4, 2])})
        n = _compiles()
        s.run([x * 2.0, bump], {x: np.ones([3, 2])})
        assert _compiles() == n + 1
        assert s.run(count) == 2.0


def test_a_batch_reduction_compiles_the_smaller_batch():
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.Session() as s:
        s.run(tf.reduce_mean(x), {x: np.ones([4, 2])})
        n = _compiles()
        assert s.run(tf.reduce_mean(x), {x: np.arange(6.0).reshape(3, 2)}) == 2.5
        assert _compiles() == n + 1


def test_a_failing_check_in_the_last_row_says_what_the_unpadded_run_says(pad_mode):
    ids = tf.placeholder(tf.int32, [None])
    out = tf.gather(tf.ones([5, 2]), ids) * 2.0
    messages = []
    for mode in ("exact", "0"):
        pad_mode(mode)
        with tf.Session() as s:
            s.run(out, {ids: [0, 1, 2, 3]})
            with pytest.raises(errors.InvalidArgumentError) as e:
                s.run(out, {ids: [4, 9]})
            messages.append(e.value.message)
    assert messages[0] == messages[1] and "indices[1] = 9 is not in [0, 5)" in messages[0]


def test_padding_stops_once_it_cost_what_a_compile_costs(pad_mode, monkeypatch):
    ticks = iter(range(1000))  # every timing is one second: the compile of 8 rows too
    monkeypatch.setattr(padding, "timer", lambda: float(next(ticks)))
    x = tf.placeholder(tf.float32, [None, 2])
    y = x * 3.0
    with tf.Session() as s:
        s.run(y, {x: np.ones([8, 2])})
        n = _compiles()
        for _ in range(2):  # a padded run of 4 rows in 8 costs half a run: two cost a compile
            s.run(y, {x: np.ones([4, 2])})
        assert _compiles() == n
        assert s.run(y, {x: np.ones([4, 2])}).tolist() == [[3.0, 3.0]] * 4
        assert _compiles() == n + 1


def test_the_mode_is_checked(pad_mode, monkeypatch):
    with pytest.raises(ValueError, match="the padding mode is one of exact, rows, 0"):
        pad_mode("sometimes")
    monkeypatch.setenv("SCOPEFLOW_PAD_BATCHES", "off")
    assert padding._env_mode() == "0"
    monkeypatch.setenv("SCOPEFLOW_PAD_BATCHES", "always")
    with pytest.raises(ValueError, match="SCOPEFLOW_PAD_BATCHES must be one of"):
        padding._env_mode()


TOWERS = """
x = tf.placeholder(tf.float32, [None, 3], name="x")
towers = []
for i, part in enumerate(tf.split(x, 2)):  # TF1's towers: each gets half of the batch
    with tf.name_scope("tower_%d" % i):
        towers.append(tf.concat([tf.tanh(part) * 1.7 + float(i), tf.nn.softsign(part)], 1))
both = tf.concat(towers, 0)
out = [both, tf.argmax(both, 1), towers[1], tf.concat([towers[1], towers[0]], 0) - both]
X = np.random.RandomState(3).randn(8, 3).astype(np.float32)
with tf.Session() as s:
    s.run(out, {x: X})
    result = s.run(out, {x: X[:LAST]})
"""


@pytest.mark.parametrize("last", [6, 5])
def test_towers_of_exact_ops_give_tfs_values_and_errors(oracle, last):
    """6 rows: each tower's 3 padded to 4 (bit for bit the unpadded run's); 5 rows: the split
    does not divide them, TF's error from the compiled 5-row run."""
    code = TOWERS.replace("LAST", str(last))
    here = run_here(code)
    assert outcome(here) == outcome(oracle(code))
    assert ("ok" in here) == (last == 6)


def _towers(mode, pad_mode, last=6):
    pad_mode(mode)
    env = {"tf": tf, "np": np}
    exec(TOWERS.replace("LAST", str(last)).replace(
        "    result = ", "    n = _compiles()\n    result = "), dict(env, _compiles=_compiles), env)
    return env


def test_each_towers_part_is_padded_on_its_own_bit_for_bit(pad_mode):
    padded = _towers("exact", pad_mode)
    assert _compiles() == padded["n"]
    plain = _towers("0", pad_mode)
    assert _compiles() == plain["n"] + 1
    for a, b in zip(padded["result"], plain["result"]):
        assert a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
    assert padded["result"][2].shape == (3, 6)  # tower 1's rows: the batch's last 3


def test_towers_with_value_checks_are_not_padded(pad_mode):
    """A failing row's position in a batch padded per tower would be another row's (row 4 of
    6 is row 5 of 8 when each tower's 3 rows are padded to 4): a program with checks (a
    gather's index range) compiles the smaller batch instead, and says TF's row."""
    pad_mode("exact")
    ids = tf.placeholder(tf.int32, [None])
    rows = tf.gather(tf.ones([5, 2]), ids)
    out = tf.concat([tf.tanh(part) for part in tf.split(rows, 2)], 0)
    with tf.Session() as s:
        s.run(out, {ids: [0, 1, 2, 3, 4, 0, 1, 2]})
        n = _compiles()
        assert s.run(out, {ids: [4, 1, 0, 0, 1, 2]}).shape == (6, 2)
        assert _compiles() == n + 1
        with pytest.raises(errors.InvalidArgumentError, match=r"indices\[4\] = 9 is not"):
            s.run(out, {ids: [0, 1, 2, 3, 9, 4]})
