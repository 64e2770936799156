"""Folding known values in NumPy gives eager JAX's values bit for bit, or declines."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from scopeflow.lowering import fold_numpy
from scopeflow.lowering.lower import x64
from scopeflow.ops.rounding import round_each
from scopeflow.ops.true_div import true_divide

I32 = np.array([7, -7, 0, 2147483647, -2147483648, 5], np.int32)
D32 = np.array([2, 2, -3, -1, 3, 7], np.int32)
F32 = np.array([1.5, -2.25, 3.0e38, -0.5, 7.0, 1e-3], np.float32)
G32 = np.array([0.75, 4.0, 2.0, 3.0, -7.0, 3.0], np.float32)
Z32 = np.array([-0.0, 0.0, np.nan, -np.inf, 2.5, -1.0], np.float32)


def i():  # each case's inputs enter JAX first: NumPy operators would compute outside JAX
    return jnp.asarray(I32)


def d():
    return jnp.asarray(D32)


def f():
    return jnp.asarray(F32)


def g():
    return jnp.asarray(G32)


CASES = {
    "floor_divide": lambda: jnp.floor_divide(i(), d()),
    "remainder": lambda: jnp.remainder(i(), d()),
    "trunc_div": lambda: jax.lax.div(i(), d()),
    "trunc_rem": lambda: jax.lax.rem(i(), d()),
    "int_arith_wraps": lambda: (i() + i(), i() * d(), i() - d(), -i()),
    "compare_select": lambda: jnp.where(i() > d(), i(), d()),
    "shapes": lambda: (jnp.concatenate([i()[:2], d()[::2]]), jnp.reshape(i(), (2, 3)).T,
                       jnp.expand_dims(d(), 0), jnp.flip(i()), jnp.pad(d(), (1, 2))),
    "reductions": lambda: (jnp.prod(d()), jnp.sum(i()), jnp.max(i()), jnp.all(i() != 0),
                           jnp.argmax(d())),
    "iota_broadcast": lambda: jnp.arange(6, dtype=jnp.int32) + jnp.zeros((3, 6), np.int32),
    "float_exact": lambda: (f() + g(), f() * g(), f() / g(), f() - g(), jnp.floor(f()),
                            jnp.ceil(f())),
    "converts": lambda: (i().astype(np.float32), f()[:2].astype(np.int32),
                         jnp.asarray(f(), np.float64) + 0, d().astype(np.int64) * 3,
                         (d() > 0).astype(np.int32), f().astype(np.float16)),
    "true_divide_barrier": lambda: true_divide(f(), g()[1]),  # optimization_barrier
    # a product rounded on its own (a known gradient's Mul feeding a sum): the tie's bitcasts
    "rounded_product": lambda: (round_each(f() * g()), round_each(jnp.asarray(Z32) * g()),
                                jax.lax.bitcast_convert_type(f(), jnp.int32)),
    # float sums over one element or none (BroadcastGradientArgs' axes of equal shapes)
    "trivial_float_sums": lambda: (jnp.sum(jnp.asarray(Z32), axis=()),
                                   jnp.sum(jnp.asarray(Z32).reshape(6, 1), axis=1),
                                   jnp.sum(jnp.asarray(Z32).reshape(1, 2, 3), axis=(0,)),
                                   jnp.max(jnp.asarray(Z32).reshape(6, 1), axis=1)),
    "split": lambda: jax.lax.split(i(), [1, 2, 3]),
    "shifts_bits": lambda: (jnp.left_shift(d(), 3), jnp.right_shift(i(), 2),
                            jax.lax.shift_right_logical(i(), np.int32(4)), i() & d(), ~i()),
    # a float max / min of nonzero numbers (any order gives it; infinities too)
    "float_max_min": lambda: (jnp.max(f()), jnp.min(f().reshape(2, 3), axis=1),
                              jnp.max(jnp.asarray([-np.inf, 2.5, np.inf], np.float32)),
                              # one side zero: the other side decides
                              jnp.maximum(jnp.asarray(Z32[:2]), jnp.asarray([1.0, -1.0],
                                                                            np.float32))),
    # float abs (the sign bit cleared, NaN too), a table lookup, a clamped dynamic slice
    "abs_and_tables": lambda: (jnp.abs(jnp.asarray(Z32)), jnp.abs(i()),
                               jnp.asarray(np.arange(16.0) / 3)[jnp.abs(d()) % 16],
                               jax.lax.dynamic_slice(g(), (np.int32(4),), (3,)),
                               jax.lax.dynamic_slice(g(), (np.int32(-2),), (2,))),
}


def _eager(fn):
    with jax.ensure_compile_time_eval():
        return jax.tree_util.tree_map(np.asarray, fn())


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_fold_is_eager_jax_bit_for_bit(name):
    with x64():
        got = fold_numpy.evaluate(CASES[name])
        want = _eager(CASES[name])
    assert got is not None, name
    got_l, want_l = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(got_l) == len(want_l)
    for g, w in zip(got_l, want_l):
        assert isinstance(g, np.ndarray) and g.dtype == w.dtype and g.shape == w.shape
        assert g.tobytes() == w.tobytes(), (name, g, w)


@pytest.mark.parametrize("fn", [
    lambda: jnp.exp(f()),  # transcendental: XLA's own rounding
    lambda: jnp.sum(f()),  # float sum: XLA's order
    lambda: jnp.sum(f().reshape(3, 2), axis=1),  # (two elements each)
    lambda: jax.lax.bitcast_convert_type(f(), jnp.uint16),  # another width
    lambda: jax.lax.div(i(), jnp.zeros(6, np.int32)),  # XLA's division by zero
    lambda: f() * np.float32(1e-38),  # subnormal results XLA may flush
    lambda: jnp.maximum(jnp.asarray(Z32[:2]), jnp.asarray(Z32[1::-1])),  # two zeros
    lambda: jnp.max(jnp.asarray(Z32)),  # a zero or a NaN among a max's: XLA's choice
    lambda: jnp.min(jnp.asarray(Z32[:2])),
    lambda: jnp.asarray(F32, jnp.bfloat16) + 0,
    lambda: f().astype(np.int32),  # 3e38 to int32: XLA's own answer
])
def test_numpy_fold_declines_what_it_cannot_match(fn):
    with x64():
        assert fold_numpy.evaluate(fn) is None


@pytest.mark.parametrize("n", [1, 7, 8, 13, 40])
def test_tfs_float32_softmax_folds_as_compiled(n):
    from scopeflow.ops import eigen_softmax
    x = (np.random.default_rng(n).standard_normal((3, n)) * 4).astype(np.float32)
    with x64():
        for fn in [eigen_softmax.softmax, eigen_softmax.log_softmax]:
            got = fold_numpy.evaluate_args(lambda a: fn(a[0]), [x])
            assert got is not None, fn
            assert got.tobytes() == np.asarray(jax.jit(fn)(x)).tobytes(), fn


@pytest.mark.parametrize("n", [1, 7, 8, 13, 40])
def test_tfs_float32_exp_log_tanh_sigmoid_fold_as_compiled(n):
    """TF's Eigen float32 kernels (with glibc's expf / logf on a tensor's tail, their tables
    read by gathers) fold in NumPy: the values the compiled kernel gives, with no eager
    compile (a constant's Exp took ~0.5 s to fold on a first run)."""
    from scopeflow.ops.eigen_exp import exp_op, log_op
    from scopeflow.ops.eigen_tanh import sigmoid_op, tanh_op
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 6).astype(np.float32)
    with x64():
        for fn, v in [(exp_op, x), (log_op, np.abs(x) + np.float32(1e-3)), (tanh_op, x),
                      (sigmoid_op, x)]:
            got = fold_numpy.evaluate_args(lambda a: fn(a[0]), [v])
            assert got is not None, fn
            assert got.tobytes() == np.asarray(jax.jit(fn)(v)).tobytes(), (fn, v)


def test_kernel_errors_are_left_to_the_eager_path():
    def bad():
        raise ValueError("shape mismatch")
    assert fold_numpy.evaluate(bad) is None


def _mlp_step(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w", initializer=np.ones((3, 2), np.float32))
    b = tf.get_variable("b", initializer=np.zeros(2, np.float32))
    return x, tf.reduce_mean(tf.square(tf.matmul(x, w) + b))


def _concat_step(tf):
    """A text CNN's concat of pooled features: its gradient slices by ConcatOffset."""
    x = tf.placeholder(tf.float32, [None, 3])
    parts = [tf.matmul(x, tf.get_variable("w%d" % i, initializer=np.ones((3, 2), np.float32)))
             for i in range(3)]
    return x, tf.reduce_mean(tf.square(tf.concat(parts, 1)))


def _scaled_step(tf):
    """A loss times a constant: its gradient multiplies two known scalars (Mul)."""
    x, loss = _mlp_step(tf)
    return x, loss * 1.5


def _logistic_step(tf):
    """A GAN discriminator's loss: sigmoid cross-entropy against constant labels. Its gradient
    multiplies reduce_mean's known gradient by the labels (a rounded Mul: bitcasts) and sums
    that over no axes (a float Sum)."""
    x, loss = _mlp_step(tf)
    logits = tf.matmul(x, tf.get_variable("w2", initializer=np.ones((3, 1), np.float32)))
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        logits=logits, labels=tf.ones_like(logits)))
    return x, loss


@pytest.mark.parametrize("model,want", [(_mlp_step, 9.0), (_concat_step, 9.0),
                                        (_scaled_step, 13.5),
                                        (_logistic_step, float(np.log1p(np.exp(-3.0))))])
def test_training_step_folds_without_eager_compiles(model, want):
    """The shape arithmetic of a gradient graph (BroadcastGradientArgs, Prod of a Shape,
    FloorMod, ConcatOffset, a product of known scalars, a rounded product and a Sum over no
    axes of known gradients) folds in NumPy: the first run compiles the step and nothing
    else."""
    from jax._src import compiler

    import scopeflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        x, loss = model(tf)
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        init = tf.global_variables_initializer()
    names = []
    orig = compiler.backend_compile_and_load

    def spy(backend, module, *a, **k):
        names.append(str(module).split(" ", 2)[1])
        return orig(backend, module, *a, **k)
    with tf.Session(graph=g) as sess:
        sess.run(init)
        compiler.backend_compile_and_load = spy
        try:
            got = sess.run([train, loss], {x: np.ones((4, 3), np.float32)})[1]
        finally:
            compiler.backend_compile_and_load = orig
    assert got == pytest.approx(want)
    assert len(names) <= 1, names  # the step (none when JAX's or scopeflow's cache had it)


def test_traced_inputs_are_not_converted(monkeypatch):
    """A tracer among the inputs returns None before np.asarray: JAX's error for converting
    one walks the whole trace (60 ms a call in a transformer's step)."""
    converted = []
    monkeypatch.setattr(jax.core.Tracer, "__array__",
                        lambda self, *a, **k: converted.append(self) or np.zeros(()))
    seen = []

    def step(x):
        seen.append(fold_numpy.evaluate_args(lambda a: a[0] + 1, [x]))
        seen.append(fold_numpy.evaluate(lambda: x + 1))
        return x

    jax.jit(step)(jnp.int32(3))
    assert seen == [None, None] and not converted
    assert fold_numpy.evaluate_args(lambda a: a[0] + 1, [np.int32(3)]) == 4


@pytest.mark.parametrize("shape", [(2, 3), (3, 8), (4, 13), (1, 40)])
def test_known_values_fold_to_the_compiled_runs_bits(shape):
    """Through a Session: TF's float32 kernels of a constant (folded in NumPy) give the bits
    of the same ops over a fed placeholder (compiled)."""
    import scopeflow.compat.v1 as tf
    x = (np.random.default_rng(shape[1]).standard_normal(shape) * 5).astype(np.float32)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, shape)
        ops = [tf.nn.softmax, tf.nn.log_softmax, tf.exp, tf.tanh, tf.sigmoid,
               lambda v: tf.log(tf.abs(v) + 1e-3), lambda v: tf.reduce_logsumexp(v, 1),
               lambda v: tf.nn.softmax(v, axis=0)]
        folded = [f(tf.constant(x)) for f in ops]
        fed = [f(p) for f in ops]
        with tf.Session() as sess:
            a, b = sess.run(folded), sess.run(fed, {p: x})
    for u, v in zip(a, b):
        assert u.tobytes() == v.tobytes()
