"""scopeflow.jax: a TF1 graph as a pure JAX function, its variables as a pytree, and back."""

import numpy as np
import pytest

import scopeflow.jax as sj


def _model(tf):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", initializer=tf.constant([[0.1], [-0.2], [0.3]]))
        b = tf.get_variable("bias", initializer=tf.constant([0.05]))
    pred = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(pred - y))
    return x, y, pred, loss


def _data(seed=0):
    rng = np.random.RandomState(seed)
    xs = rng.randn(16, 3).astype(np.float32)
    ys = (xs @ np.array([[1.0], [2.0], [-1.0]], np.float32) + 0.5).astype(np.float32)
    return xs, ys


def test_variables_flat_and_nested(tf):
    _model(tf)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        flat = sj.variables(s)
        nested = sj.variables(s, nested=True)
    assert sorted(flat) == ["dense/bias", "dense/kernel"]
    assert sorted(nested["dense"]) == ["bias", "kernel"]
    np.testing.assert_allclose(nested["dense"]["kernel"], flat["dense/kernel"])


def test_function_matches_session_and_differentiates(tf):
    import jax
    x, y, pred, loss = _model(tf)
    xs, ys = _data()
    fn = sj.function(loss, feeds=[x, y])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        params = sj.variables(s)
        want = s.run(loss, {x: xs, y: ys})
        g_w = s.run(tf.gradients(loss, tf.trainable_variables()), {x: xs, y: ys})
    np.testing.assert_allclose(jax.jit(fn)(params, xs, ys), want, rtol=1e-5)
    grads = jax.grad(fn)(params, xs, ys)
    np.testing.assert_allclose(grads["dense/kernel"], g_w[0], rtol=1e-4)
    np.testing.assert_allclose(grads["dense/bias"], g_w[1], rtol=1e-4)
    per_row = jax.vmap(sj.function(pred, feeds=[x]), in_axes=(None, 0))(params, xs[:, None, :])
    np.testing.assert_allclose(per_row[:, 0, 0], (xs @ params["dense/kernel"]
                                                  + params["dense/bias"])[:, 0], rtol=1e-5)


def test_round_trip_training_with_optax_agrees_with_the_session(tf):
    import jax
    optax = pytest.importorskip("optax")
    x, y, pred, loss = _model(tf)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    saver = tf.train.Saver()
    xs, ys = _data()
    fn = jax.jit(sj.function(loss, feeds=[x, y]))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        params = sj.variables(s, nested=True)
        opt = optax.sgd(0.1)
        state = opt.init(params)
        for _ in range(5):
            grads = jax.grad(fn)(params, xs, ys)
            upd, state = opt.update(grads, state)
            params = optax.apply_updates(params, upd)
        for _ in range(5):
            s.run(train, {x: xs, y: ys})
        in_session = sj.variables(s)
        sj.assign(s, params)
        back = sj.variables(s)
        for k in in_session:
            np.testing.assert_allclose(back[k], in_session[k], rtol=1e-5, atol=1e-6)
        assert s.run(loss, {x: xs, y: ys}) == pytest.approx(float(fn(params, xs, ys)), rel=1e-5)
        import os
        import tempfile
        path = saver.save(s, os.path.join(tempfile.mkdtemp(), "m.ckpt"))
    reader = tf.train.load_checkpoint(path)
    np.testing.assert_allclose(reader.get_tensor("dense/kernel"),
                               np.asarray(params["dense"]["kernel"]), rtol=1e-6)


def test_assignments_are_refused_or_returned(tf):
    v = tf.Variable(1.0, name="v")
    inc = tf.assign_add(v, 2.0)
    with pytest.raises(ValueError, match="updates=True"):
        sj.function(inc)({"v": 1.0})
    out, new = sj.function(inc, updates=True)({"v": 1.0})
    assert float(out) == 3.0 and float(new["v"]) == 3.0


def test_random_ops_take_an_explicit_key(tf):
    import jax
    r = tf.random_normal([3])
    fn = sj.function(r)
    with pytest.raises(ValueError, match="key="):
        fn({})
    a = fn({}, key=jax.random.PRNGKey(0))
    b = fn({}, key=jax.random.PRNGKey(0))
    c = fn({}, key=jax.random.PRNGKey(1))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_assign_checks_names_and_shapes(tf):
    tf.Variable(tf.zeros([2]), name="w")
    with tf.Session() as s:
        with pytest.raises(ValueError, match="not a variable"):
            sj.assign(s, {"nope": np.zeros(2)})
        with pytest.raises(ValueError, match="incompatible"):
            sj.assign(s, {"w": np.zeros(3)})
        sj.assign(s, {"w": np.ones(2)})
        assert s.run("w:0").tolist() == [1.0, 1.0]


def test_the_users_jax_defaults_are_untouched(tf):
    import jax
    import jax.numpy as jnp
    before = jax.config.jax_enable_x64
    x, y, pred, loss = _model(tf)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(loss, {x: np.ones((1, 3)), y: np.ones((1, 1))})
        sj.assign(s, sj.variables(s))
    assert jax.config.jax_enable_x64 == before
    if not before:
        assert jnp.zeros(()).dtype == jnp.float32


def test_docstring_examples_run_as_written(tf):
    import doctest
    result = doctest.testmod(sj, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_cond_of_a_fed_flag_stays_a_cond_under_jit(tf):
    """A Session compiles a fed bool flag in (lowering/lower.py); a JAX function of the graph
    is traced by JAX, so its flag stays a traced predicate (it raised an internal error)."""
    import jax

    with tf.Graph().as_default():
        flag = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float32, [3])
        y = tf.cond(flag, lambda: x * 2.0, lambda: x - 1.0)
        f = sj.function(y, [flag, x])
        ones = np.ones(3, np.float32)
        step = jax.jit(lambda a, b: f({}, a, b))
        np.testing.assert_array_equal(step(True, ones), [2.0, 2.0, 2.0])
        np.testing.assert_array_equal(step(False, ones), [0.0, 0.0, 0.0])
